"""Signing in: the login screen, and the first-run screen that creates the store's admin."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Center, Vertical
from textual.widgets import Button, Input, Label, Static

from schedtui.core.security.signin import sign_in_with_password
from schedtui.core.security.users import create_first_admin
from schedtui.core.support.errors import USER_ERRORS
from schedtui.screens.base import WorkScreen
from schedtui.screens.session_events import Refused, SignedIn
from schedtui.widgets.sandbox_banner import SandboxBanner


class FormScreen(WorkScreen[None]):
    """A small centred form with a message line; subclasses add fields and submit."""

    TITLE_TEXT = ""
    BUTTON = "Sign in"

    def compose(self) -> ComposeResult:
        if self.sched_app.sandbox:
            yield SandboxBanner()
        with Center(), Vertical(id="form"):
            yield Static(self.TITLE_TEXT, id="form-title", markup=False)
            yield from self.fields()
            yield Static("", id="form-message", markup=False)
            yield Button(self.BUTTON, variant="primary", id="form-submit")

    def fields(self) -> ComposeResult:
        """The form's labels and inputs."""
        yield from ()

    def value(self, field_id: str) -> str:
        """The text of an input."""
        return self.query_one(f"#{field_id}", Input).value

    @on(Input.Submitted)
    def next_field_or_submit(self, event: Input.Submitted) -> None:
        """Enter moves to the next empty field, and submits on the last one."""
        inputs = list(self.query(Input))
        empty = next((field for field in inputs if not field.value), None)
        if empty is not None:
            empty.focus()
        else:
            self.submit()

    @on(Button.Pressed, "#form-submit")
    def submit_pressed(self) -> None:
        """The button does what Enter does."""
        self.submit()

    def submit(self) -> None:
        """Act on the form (in a worker)."""

    def say(self, message: str) -> None:
        """Show a message on the form."""
        self.query_one("#form-message", Static).update(message)

    @on(Refused)
    def show_refusal(self, message: Refused) -> None:
        """Show why, clear the password, try again."""
        self.say(message.reason)
        passwords = [field for field in self.query(Input) if field.password]
        for field in passwords:
            field.value = ""
        if passwords:
            passwords[0].focus()


class LoginScreen(FormScreen):
    """User name and password."""

    BUTTON = "Sign in"

    def on_mount(self) -> None:
        self.query_one("#form-title", Static).update(
            f"{self.sched_app.settings.clinic_name}: sign in"
        )
        self.query_one("#username", Input).focus()

    def fields(self) -> ComposeResult:
        yield Label("User name")
        yield Input(id="username", placeholder="e.g. ava.jensen")
        yield Label("Password")
        yield Input(id="password", password=True)

    def submit(self) -> None:
        if not self.value("username"):
            self.say("Type your user name.")
            return
        self.say("Signing in...")
        self.check(self.value("username"), self.value("password"))

    @work(
        thread=True, exclusive=True, group="sign-in", exit_on_error=False, description="Signing in"
    )
    def check(self, username: str, password: str) -> None:
        """Check the password off the event loop (argon2 takes a moment, by design)."""
        app = self.sched_app
        try:
            actor = sign_in_with_password(
                app.store,
                username,
                password,
                now=app.clock.now(),
                settings=app.settings,
                sandbox=app.sandbox,
            )
        except USER_ERRORS as refused:
            self.post_message(Refused(str(refused)))
            return
        self.post_message(SignedIn(actor))


class FirstAdminScreen(FormScreen):
    """The store's first run: create the admin who will add everyone else."""

    TITLE_TEXT = "First run: create the administrator of this store"
    BUTTON = "Create and sign in"

    def on_mount(self) -> None:
        self.query_one("#username", Input).focus()

    def fields(self) -> ComposeResult:
        yield Label("User name")
        yield Input(id="username", placeholder="e.g. jordan.lee")
        yield Label("Your name")
        yield Input(id="display", placeholder="e.g. Jordan Lee")
        yield Label("Password (at least 10 characters)")
        yield Input(id="password", password=True)
        yield Label("Password again")
        yield Input(id="confirm", password=True)

    def submit(self) -> None:
        if self.value("password") != self.value("confirm"):
            self.post_message(Refused("The two passwords differ; type them again."))
            return
        self.create(
            self.value("username").strip().lower(),
            self.value("display").strip(),
            self.value("password"),
        )

    @work(
        thread=True,
        exclusive=True,
        group="sign-in",
        exit_on_error=False,
        description="Creating the administrator",
    )
    def create(self, username: str, display: str, password: str) -> None:
        """Create the admin and sign them in."""
        app = self.sched_app
        now = app.clock.now()
        try:
            create_first_admin(
                app.store,
                username=username,
                display_name=display,
                password=password,
                os_account=None,
                now=now,
            )
            actor = sign_in_with_password(
                app.store, username, password, now=now, settings=app.settings
            )
        except USER_ERRORS as refused:
            self.post_message(Refused(str(refused)))
            return
        self.post_message(SignedIn(actor))
