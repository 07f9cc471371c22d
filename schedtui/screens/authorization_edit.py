"""Updating one prior authorization from the worklist (Enter on a row in F6)."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Static
from textual.worker import Worker

from schedtui.core.insurance.authorization_form import AUTH_FIELDS, as_typed, read_change
from schedtui.core.insurance.records import (
    AuthorizationChange,
    AuthorizationRow,
    update_authorization,
)
from schedtui.core.support.errors import FieldErrors
from schedtui.core.support.text import printable
from schedtui.desk import signed_in
from schedtui.screens.base import keys_wait_for, report_failure, typed_app
from schedtui.widgets.field_form import field_rows, show_errors, typed_values


class AuthorizationEditScreen(ModalScreen[bool]):
    """The authorization's fields; Ctrl+S saves what changed (audited), Esc leaves."""

    VERTICAL_BREAKPOINTS = [(0, "-short"), (40, "-tall")]
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="auth-edit.save"),
        Binding("escape", "cancel", "Cancel", id="auth-edit.cancel"),
    ]

    def __init__(self, row: AuthorizationRow) -> None:
        super().__init__()
        self.row = row
        self.shown = as_typed(row)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="auth-form"):
            yield Static(
                printable(f"Authorization {self.row.id} for {self.row.patient_mrn}"),
                markup=False,
            )
            yield from field_rows("auth", AUTH_FIELDS, self.shown)

    def on_mount(self) -> None:
        self.query_one("#auth-status", Input).focus()

    def action_save(self) -> None:
        """Check what changed; save it when every field is right."""
        typed = typed_values(self, "auth", (name for name, _ in AUTH_FIELDS))
        try:
            change = read_change(typed, self.shown)
        except FieldErrors as wrong:
            show_errors(self, "auth", wrong.errors)
            return
        if change == AuthorizationChange():
            self.notify("Nothing changed.")
            return
        keys_wait_for(self, self.save(change))

    @work(thread=True, exclusive=True, exit_on_error=False, description="Saving the authorization")
    def save(self, change: AuthorizationChange) -> None:
        """Through core (permission checked, before and after audited)."""
        app = typed_app(self)
        update_authorization(app.store, signed_in(app), self.row.id, change, now=app.clock.now())
        self.app.call_from_thread(self.dismiss, True)

    @on(Worker.StateChanged)
    def _failed(self, event: Worker.StateChanged) -> None:
        report_failure(self, event)

    def action_cancel(self) -> None:
        """Leave without saving."""
        self.dismiss(False)
