"""Starting a prior-authorization request from the F6 worklist (its new key): the open
caller's MRN filled in; Ctrl+S starts it through core (every code checked, audited), Esc
starts nothing."""

from __future__ import annotations

from textual import work
from textual.binding import Binding

from schedtui.core.insurance.auth_requests import AuthorizationRequest, start_authorization
from schedtui.core.insurance.authorization_start import START_FIELDS, start_from_form
from schedtui.core.views.today import clinic_today
from schedtui.desk import signed_in
from schedtui.screens.base import keys_wait_for
from schedtui.screens.fields_modal import FieldsModal


class NewAuthorizationForm(FieldsModal[int | None]):
    """The request's fields; Ctrl+S starts it (its id), Esc leaves."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Start", id="auth-new.save"),
        Binding("escape", "cancel", "Cancel", id="auth-new.cancel"),
    ]
    FORM = "auth-new"
    FIELDS = START_FIELDS

    def __init__(self, mrn: str = "") -> None:
        note = "{{auth-new.save}} starts it (as needed, or submitted); {{auth-new.cancel}} leaves."
        super().__init__("Start a prior authorization", {"mrn": mrn, "submitted": "no"}, note)
        self.mrn = mrn

    def first_field(self) -> str:
        """The service, when the caller's MRN is filled in already."""
        return "cpt" if self.mrn else "mrn"

    def action_save(self) -> None:
        """Check every field; start the request when they are right."""
        today = clinic_today(self.sched_app.clock, self.sched_app.settings.zone)
        request = self.read_fields(lambda typed: start_from_form(typed, today))
        if request is not None:
            keys_wait_for(self, self.start(request))

    @work(thread=True, exclusive=True, exit_on_error=False, description="Starting it")
    def start(self, request: AuthorizationRequest) -> None:
        """Through core (the codes checked again, the patient found, audited)."""
        app = self.sched_app
        today = clinic_today(app.clock, app.settings.zone)
        made = start_authorization(app.store, signed_in(app), request, now=app.clock.now(),
                                   today=today)  # fmt: skip
        self.app.call_from_thread(self.dismiss, made)
