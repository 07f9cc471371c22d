"""The idle lock: covers the whole screen (no patient data) until the same user unlocks."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.containers import Center, Vertical
from textual.widgets import Button, Input, Label, Static

from schedtui.core.security import os_identity
from schedtui.core.security.signin import check_password, check_unlock_secret
from schedtui.core.support.errors import USER_ERRORS, AccountLocked
from schedtui.desk import signed_in
from schedtui.screens.session_events import Refused, Unlocked
from schedtui.screens.signin import FormScreen
from schedtui.widgets.sandbox_banner import SandboxBanner


class LockScreen(FormScreen):
    """Shown after the idle time or on Ctrl+L; only the signed-in user can unlock: with
    their password, or, signed in as their OS account, with their unlock PIN (or password)."""

    BUTTON = "Unlock"

    def __init__(self, *, username: str, label: str, os_account: str | None) -> None:
        super().__init__()
        self.username = username
        self.label = label
        self.os_account = os_account

    def compose(self) -> ComposeResult:
        if self.sched_app.sandbox:
            yield SandboxBanner()
        with Center(), Vertical(id="form"):
            yield Static("Screen locked", id="form-title")
            yield Static(f"Signed in as {self.label}.", markup=False)
            yield from self.fields()
            yield Static("", id="form-message", markup=False)
            yield Button(self.BUTTON, variant="primary", id="form-submit")

    @property
    def _practice(self) -> bool:
        """The sandbox's trainee (synthetic patients only): Enter unlocks."""
        return self.sched_app.sandbox and self.os_account is not None

    def fields(self) -> ComposeResult:
        if self._practice:
            yield Label("Sandbox (synthetic patients): Enter unlocks.")
            return
        if self.os_account:
            yield Label("Unlock PIN (schedtui users pin) or password")
        else:
            yield Label("Password")
        yield Input(id="password", password=True)

    def on_mount(self) -> None:
        for field in self.query("#password").results(Input):
            field.focus()
        if self._practice:
            self.query_one("#form-submit", Button).focus()

    def submit(self) -> None:
        if self.os_account and os_identity.current_os_login() != self.os_account:
            self.post_message(
                Refused("This terminal now belongs to another OS account.", locked_out=True)
            )
        elif self._practice:
            self.post_message(Unlocked())
        else:
            self.check(self.value("password"))

    @work(thread=True, exclusive=True, group="unlock", exit_on_error=False, description="Unlocking")
    def check(self, password: str) -> None:
        """Check the password (an OS-account session: the unlock PIN or the password) off
        the event loop; too many failures sign the user out."""
        app = self.sched_app
        actor = signed_in(app)
        check = check_unlock_secret if self.os_account else check_password
        try:
            check(app.store, actor, password, now=app.clock.now(), settings=app.settings)
        except USER_ERRORS as refused:
            self.post_message(Refused(str(refused), locked_out=isinstance(refused, AccountLocked)))
            return
        self.post_message(Unlocked())
