"""Entering a coverage from the patient's card during the call (F9 in the workspace)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Static
from textual.worker import Worker

from schedtui.core.insurance.coverage_card import CARD_FIELDS, payer_for, read_card
from schedtui.core.insurance.records import PayerRow, add_coverage, payers
from schedtui.core.support.errors import FieldErrors
from schedtui.core.support.text import printable
from schedtui.desk import signed_in
from schedtui.screens.base import keys_wait_for, report_failure, typed_app
from schedtui.widgets.field_form import field_rows, show_errors, typed_values
from schedtui.widgets.sandbox_banner import SandboxBanner


class CoverageScreen(ModalScreen[int | None]):
    """The card's fields; Ctrl+S saves (audited), Esc leaves without saving."""

    VERTICAL_BREAKPOINTS = [(0, "-short"), (40, "-tall")]
    BINDINGS = [
        Binding("ctrl+s", "save", "Save coverage", id="coverage.save"),
        Binding("escape", "cancel", "Cancel", id="coverage.cancel"),
    ]

    @dataclass
    class Loaded(Message):
        """The payer directory arrived."""

        directory: list[PayerRow]

    def __init__(self, patient_id: int, patient_name: str) -> None:
        super().__init__()
        self.patient_id, self.patient_name = patient_id, patient_name
        self.directory: list[PayerRow] = []

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="card"):
            if typed_app(self).sandbox:  # the form covers the screen's own banner
                yield SandboxBanner()
            yield Static(f"Coverage for {printable(self.patient_name)}", markup=False)
            yield from field_rows("card", CARD_FIELDS[:1])
            yield Static("", id="payer-found", markup=False)
            yield from field_rows("card", CARD_FIELDS[1:], {"relationship": "self", "rank": "1"})

    def on_mount(self) -> None:
        self.query_one("#card-payer", Input).focus()
        self.load_payers()

    @work(thread=True, exit_on_error=False, description="Reading the payers")
    def load_payers(self) -> None:
        """The payer directory, to match what is typed."""
        app = typed_app(self)
        with app.store.read() as session:
            self.post_message(self.Loaded(payers(session)))

    @on(Loaded)
    def loaded(self, message: Loaded) -> None:
        """Keep the directory (the payer line follows what is typed)."""
        self.directory = message.directory

    @on(Input.Changed, "#card-payer")
    def show_payer(self, event: Input.Changed) -> None:
        """Which payer the typed name or id means, as it is typed."""
        payer = payer_for(event.value, self.directory)
        found = f"→ {payer.name} (X12 {payer.x12_payer_id})" if payer else ""
        self.query_one("#payer-found", Static).update(printable(found))

    def action_save(self) -> None:
        """Check every field; save when all are right."""
        typed = typed_values(self, "card", (name for name, _ in CARD_FIELDS))
        try:
            entry = read_card(self.patient_id, typed, self.directory)
        except FieldErrors as wrong:
            show_errors(self, "card", wrong.errors)
            return
        keys_wait_for(self, self.save(entry))

    @work(thread=True, exclusive=True, exit_on_error=False, description="Saving the coverage")
    def save(self, entry: Any) -> None:
        """Through core (permission checked, audited)."""
        app = typed_app(self)
        coverage_id = add_coverage(app.store, signed_in(app), entry, now=app.clock.now())
        self.app.call_from_thread(self.dismiss, coverage_id)

    @on(Worker.StateChanged)
    def _failed(self, event: Worker.StateChanged) -> None:
        report_failure(self, event)

    def action_cancel(self) -> None:
        """Leave without saving."""
        self.dismiss(None)
