"""Registering a new patient (Ctrl+N in the workspace): a form that names what is wrong
where it is wrong, and shows likely duplicates before anything is saved."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Static
from textual.worker import Worker

from schedtui.core.patients.registration import (
    Duplicate,
    Registered,
    Registration,
    RegistrationInvalid,
    register_patient,
)
from schedtui.core.support.formats import day_text
from schedtui.core.support.text import printable
from schedtui.core.views.today import clinic_today
from schedtui.desk import signed_in
from schedtui.screens.base import keys_said, keys_wait_for, report_failure, typed_app
from schedtui.widgets.field_form import clear_errors, field_rows
from schedtui.widgets.field_form import show_errors as show_field_errors
from schedtui.widgets.sandbox_banner import SandboxBanner
from schedtui.widgets.tick_box import TickBox

FIELDS = (
    ("first_name", "First name"),
    ("last_name", "Last name"),
    ("dob", "Date of birth (any form: 3/4/1961, march 4 61)"),
    ("phone", "Phone"),
    ("email", "E-mail (optional)"),
    ("sex", "Sex: female, male, other or unknown"),
    ("language", "Preferred language (en, es, vi...)"),
)


@dataclass(frozen=True)
class Opened:
    """The patient the form ends on: the one just registered, or an existing patient the
    scheduler chose from the likely duplicates."""

    patient_id: int
    registered: bool


class RegistrationScreen(ModalScreen[Opened | None]):
    """The form; it answers with the patient to open (None when closed with Esc: what was
    typed is kept on the call, and the next Ctrl+N brings it back)."""

    #: Under 40 rows the fields are one line each, so more of the form shows at once.
    VERTICAL_BREAKPOINTS = [(0, "-short"), (40, "-tall")]
    BINDINGS = [
        Binding("ctrl+s", "register", "Register", id="registration.save"),
        Binding("ctrl+o", "open_existing", "Open existing", id="registration.open_existing"),
        Binding("escape", "cancel", "Close (kept)", id="registration.cancel"),
    ]

    @dataclass
    class Answered(Message):
        """The store answered the registration."""

        result: Registered

    @dataclass
    class Invalid(Message):
        """Fields to correct."""

        errors: dict[str, str]

    def __init__(self, phone: str = "", draft: Registration | None = None) -> None:
        super().__init__()
        self.confirmed_new = False
        self.phone = phone
        self.draft = draft
        #: The likely duplicates shown (Ctrl+O opens the first).
        self.duplicates: tuple[Duplicate, ...] = ()

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="form"):
            if typed_app(self).sandbox:  # the form covers the screen's own banner
                yield SandboxBanner()
            yield Static("New patient", classes="title")
            warning = Static("", id="duplicates", markup=False)  # on top: seen at once
            warning.display = False
            yield warning
            draft = self.draft or Registration("", "", "", self.phone)
            if self.draft is not None:
                yield Static(keys_said(self, RESTORED), id="reg-restored", markup=False)
            yield from field_rows("reg", FIELDS, _prefill(draft))
            yield TickBox("Needs an interpreter", draft.interpreter_needed, id="reg-interpreter")
            with Horizontal():
                yield TickBox("SMS ok", draft.consent_sms, id="reg-sms")
                yield TickBox("E-mail ok", draft.consent_email, id="reg-email-ok")
                yield TickBox("Calls ok", draft.consent_voice, id="reg-voice")
            yield Button(
                keys_said(self, "Register ({{registration.save}})"),
                variant="primary",
                id="reg-save",
            )

    def on_mount(self) -> None:
        self.query_one("#reg-first_name", Input).focus()

    def _entry(self) -> Registration:
        def value(name: str) -> str:
            return self.query_one(f"#reg-{name}", Input).value

        def ticked(name: str) -> bool:
            return self.query_one(f"#reg-{name}", Checkbox).value

        return Registration(
            value("first_name"),
            value("last_name"),
            value("dob"),
            value("phone"),
            value("sex").strip().lower(),
            value("email"),
            value("language"),
            ticked("interpreter"),
            ticked("sms"),
            ticked("email-ok"),
            ticked("voice"),
        )

    @on(Button.Pressed, "#reg-save")
    def action_register(self) -> None:
        """Check and save (a second Ctrl+S registers despite likely duplicates)."""
        clear_errors(self, "reg", (name for name, _ in FIELDS))
        keys_wait_for(self, self.save(self._entry(), self.confirmed_new))

    @work(
        thread=True,
        exclusive=True,
        group="registration",
        exit_on_error=False,
        description="Registering the patient",
    )
    def save(self, entry: Registration, confirmed: bool) -> None:
        """Validate and write off the event loop."""
        app = typed_app(self)
        try:
            result = register_patient(
                app.store,
                signed_in(app),
                entry,
                now=app.clock.now(),
                region=app.settings.region,
                today=clinic_today(app.clock, app.settings.zone),
                not_a_duplicate=confirmed,
            )
        except RegistrationInvalid as invalid:
            self.post_message(self.Invalid(invalid.errors))
            return
        self.post_message(self.Answered(result))

    @on(Invalid)
    def show_errors(self, message: Invalid) -> None:
        """Each message under its field; focus the first wrong one."""
        show_field_errors(self, "reg", message.errors)

    @on(Answered)
    def answered(self, message: Answered) -> None:
        """Done, or show the likely duplicates and wait for a decision."""
        result = message.result
        if result.patient_id is not None:
            self.dismiss(Opened(result.patient_id, registered=True))
            return
        self.confirmed_new = True
        self.duplicates = result.duplicates
        self.refresh_bindings()
        lines = [f"  {d.mrn}  {d.name}  {day_text(d.dob)}  ({d.reason})" for d in result.duplicates]
        first = result.duplicates[0]
        said = [
            "This may be a patient we already have:",
            *lines,
            f"{{{{registration.open_existing}}}} opens {first.mrn} {first.name}; "
            "{{registration.save}} again registers a new patient;",
            "{{registration.cancel}} closes the form and keeps what you typed "
            "({{workspace.register}} brings it back).",
        ]
        said = [keys_said(self, line) for line in said]
        self.query_one("#duplicates", Static).update("\n".join(map(printable, said)))
        self.query_one("#duplicates", Static).display = True
        self.query_one("#form", VerticalScroll).scroll_home(animate=False)

    @on(Worker.StateChanged)
    def _report_failure(self, event: Worker.StateChanged) -> None:
        report_failure(self, event)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Ctrl+O only while likely duplicates are shown."""
        return bool(self.duplicates) if action == "open_existing" else True

    def action_open_existing(self) -> None:
        """Open the first likely duplicate instead of registering (the form is dropped:
        the caller was found)."""
        if self.duplicates:
            self.dismiss(Opened(self.duplicates[0].patient_id, registered=False))

    def action_cancel(self) -> None:
        """Close without saving; what was typed is kept on the call for the next Ctrl+N."""
        typed_app(self).call.registration_draft = self.typed()
        self.dismiss(None)

    def typed(self) -> Registration | None:
        """What the form holds (None when nothing was typed beyond what it started with)."""
        entry = self._entry()
        blank = Registration("", "", "", self.phone)
        return (
            None if _prefill(entry) == _prefill(blank) and _ticks(entry) == _ticks(blank) else entry
        )


#: The line over a form brought back.
RESTORED = (
    "What you typed before is back ({{registration.cancel}} keeps it again; "
    "{{registration.save}} registers)."
)


def _prefill(entry: Registration) -> dict[str, str]:
    return {
        "first_name": entry.first_name,
        "last_name": entry.last_name,
        "dob": entry.dob,
        "phone": entry.phone,
        "email": entry.email,
        "sex": entry.sex,
        "language": entry.language,
    }


def _ticks(entry: Registration) -> tuple[bool, ...]:
    return (entry.interpreter_needed, entry.consent_sms, entry.consent_email, entry.consent_voice)
