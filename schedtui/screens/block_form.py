"""Blocking time from the calendar (b on a cell): kind, end, reason, an optional repeat.
Visits under the block are listed first; a second Ctrl+S adds it anyway."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from schedtui.core.schedule.blocks import BLOCK_FIELDS, add_block, block_from_form
from schedtui.core.support.formats import visit_time
from schedtui.desk import signed_in
from schedtui.screens.confirming_form import ConfirmingForm, in_the_way_lines


class BlockForm(ConfirmingForm):
    """The block's fields; Ctrl+S adds it (through core, audited), Esc leaves."""

    FORM = "block"
    FIELDS = BLOCK_FIELDS
    IN_THE_WAY = "Booked visits lie under this block:"

    def __init__(self, provider_id: int, provider: str, start: datetime) -> None:
        super().__init__(f"Block {provider} from {visit_time(start)}", {"kind": "admin"})
        self.provider_id, self.start = provider_id, start

    def request_from(self, typed: dict[str, str]) -> Any:
        """The block the fields describe."""
        return block_from_form(self.provider_id, self.start, typed)

    def submit(self, request: Any, confirm: bool) -> tuple[int | None, list[str]]:
        """Through core: permission, checks, the visits under it, audit and event."""
        app = self.sched_app
        actor = signed_in(app)
        result = add_block(app.store, actor, request, now=app.clock.now(), confirm=confirm)
        return result.block_id, in_the_way_lines(result.in_the_way)
