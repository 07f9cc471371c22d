"""Blocking time from the calendar (b on a cell): kind, end, reason, an optional repeat.
Visits under the block are listed first; a second Ctrl+S adds it anyway."""

from __future__ import annotations

from datetime import datetime

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Static
from textual.worker import Worker

from schedtui.core.blocks import BLOCK_FIELDS, BlockRequest, BlockResult, add_block, block_from_form
from schedtui.core.errors import FieldErrors
from schedtui.core.text import printable
from schedtui.screens.base import report_failure
from schedtui.widgets.field_form import field_rows, show_errors, typed_values


class BlockForm(ModalScreen[int | None]):
    """The block's fields; Ctrl+S adds it (through core, audited), Esc leaves."""

    DEFAULT_CSS = """
    BlockForm { align: center middle; }
    BlockForm #block-form { width: 72; max-width: 100%; height: auto; max-height: 90%;
                            border: thick $warning; background: $surface; padding: 0 2; }
    BlockForm .error { color: $error; height: auto; }
    BlockForm #block-in-the-way { color: $warning; height: auto; }
    BlockForm Input { height: 1; border: none; padding: 0 1; background: $boost; }
    BlockForm Input:focus { background: $primary 40%; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", "Add block", id="block.save"),
        Binding("escape", "cancel", "Cancel", id="block.cancel"),
    ]

    def __init__(self, provider_id: int, provider: str, start: datetime) -> None:
        super().__init__()
        self.provider_id, self.provider, self.start = provider_id, provider, start
        self.confirmed = False

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="block-form"):
            yield Static(
                printable(f"Block {self.provider} from {self.start:%a %m/%d %H:%M %Z}"),
                markup=False,
            )
            warning = Static("", id="block-in-the-way", markup=False)
            warning.display = False
            yield warning
            yield from field_rows("block", BLOCK_FIELDS, {"kind": "admin"})

    def on_mount(self) -> None:
        self.query_one("#block-kind", Input).focus()

    def action_save(self) -> None:
        """Check the fields; add the block (a second time, over booked visits)."""
        typed = typed_values(self, "block", (name for name, _ in BLOCK_FIELDS))
        try:
            request = block_from_form(self.provider_id, self.start, typed)
        except FieldErrors as wrong:
            show_errors(self, "block", wrong.errors)
            return
        self.add(request, self.confirmed)

    @work(thread=True, exclusive=True, exit_on_error=False, description="Adding the block")
    def add(self, request: BlockRequest, confirm: bool) -> None:
        """Through core: permission, checks, the visits under it, audit and event."""
        from schedtui.app import SchedApp

        app = self.app
        assert isinstance(app, SchedApp) and app.actor is not None
        result = add_block(app.store, app.actor, request, now=app.clock.now(), confirm=confirm)
        app.call_from_thread(self._answered, result)

    def _answered(self, result: BlockResult) -> None:
        if result.block_id is not None:
            self.dismiss(result.block_id)
            return
        self.confirmed = True
        lines = [
            "Booked visits lie under this block:",
            *(f"  {v.local_start:%a %m/%d %H:%M}  {v.mrn}  {v.patient}" for v in result.in_the_way),
            "Ctrl+S again adds it anyway; they go on the waitlist to be called. Esc leaves it.",
        ]
        warning = self.query_one("#block-in-the-way", Static)
        warning.update("\n".join(map(printable, lines)))
        warning.display = True

    @on(Worker.StateChanged)
    def _failed(self, event: Worker.StateChanged) -> None:
        report_failure(self, event)

    def action_cancel(self) -> None:
        """Add nothing."""
        self.dismiss(None)
