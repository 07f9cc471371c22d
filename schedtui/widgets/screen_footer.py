"""The footer every screen carries: its own keys first. On a narrow terminal (80x24) it is
compact, and the app's keys that are the same on every screen (the modes, mask, lock) give
way to the screen's own keys; F1 Help stays, and lists them all."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

#: Narrower than this (columns), the footer is compact and drops the mode keys.
NARROW_COLUMNS = 100
#: The app's keys a narrow footer leaves to the help screen: the modes (Today, Call,
#: Calendar, Auths, Audit), the privacy mask and the lock.
APP_KEYS = frozenset({"f2", "ctrl+l", "f3", "f4", "f6", "f7", "f10"})
#: Keys shown together in the footer as "[ ] Day": fewer columns for the same keys.
DAYS = Binding.Group("Day", compact=True)
WEEKS = Binding.Group("Week", compact=True)
ZOOM = Binding.Group("Zoom", compact=True)


class ScreenFooter(Footer):
    """A footer that fits 80 columns. A screen may name in `FOOTER_SPARE` keys of its own
    that a narrow footer leaves out too (keys people reach for without reading, like Esc)."""

    DEFAULT_CSS = """
    ScreenFooter.-compact FooterLabel { margin: 0 1 0 0; }
    ScreenFooter.-compact FooterKey.-command-palette { padding-right: 1; }
    ScreenFooter.-compact { padding-right: 1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.narrow = False

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if self.narrow and isinstance(widget, FooterKey) and widget.key in self._spared():
                continue
            yield widget

    def _spared(self) -> frozenset[str]:
        return APP_KEYS | getattr(self.screen, "FOOTER_SPARE", frozenset())

    def on_resize(self, event: events.Resize) -> None:
        narrow = event.size.width < NARROW_COLUMNS
        if narrow != self.narrow:
            self.narrow = narrow
            self.compact = narrow
            self.refresh(recompose=True)
