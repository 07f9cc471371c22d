"""A checkbox whose mark reads without colour: ✓ when ticked, blank when not (Textual's
shows an X either way and tells them apart only by colour)."""

from __future__ import annotations

from textual.widgets import Checkbox

TICKED, UNTICKED = "✓", " "


class TickBox(Checkbox):
    """A `Checkbox` showing ✓ when ticked."""

    def __init__(self, label: str, value: bool = False, *, id: str | None = None) -> None:
        super().__init__(label, value, id=id)
        self.BUTTON_INNER = TICKED if value else UNTICKED

    def watch_value(self) -> None:
        self.BUTTON_INNER = TICKED if self.value else UNTICKED
        super().watch_value()
        self.refresh()
