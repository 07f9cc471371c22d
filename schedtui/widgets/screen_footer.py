"""The footer every screen carries: its own keys first. On a narrow terminal (80x24), or
whenever the full footer would run under the palette, it is compact, and the app's keys
that are the same on every screen (the modes, mask, lock) give way to the screen's own
keys; F1 Help stays, and lists them all."""

from __future__ import annotations

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey, FooterLabel

#: Narrower than this (columns), the footer is compact and drops the mode keys.
NARROW_COLUMNS = 100
#: The app's keys (by binding id) a narrow footer leaves to the help screen: the modes
#: (Today, Call, Calendar, Auths, Audit), the privacy mask and the lock.
APP_KEYS = frozenset(
    {
        "app.mask",
        "app.lock",
        "app.today",
        "app.workspace",
        "app.authorizations",
        "app.audit",
        "app.calendar",
    }
)
#: Room kept for "f1 Help", which a compact footer always shows.
HELP_ROOM = 8
#: Keys shown together in the footer as "[ ] Day": fewer columns for the same keys.
DAYS = Binding.Group("Day", compact=True)
WEEKS = Binding.Group("Week", compact=True)
ZOOM = Binding.Group("Zoom", compact=True)


class Room:
    """The columns a narrow footer has left: a key that would be cut off is left out
    (and every key after it), so the footer never shows half a key."""

    #: "▏^p palette " at the right edge.
    PALETTE = 13

    def __init__(self, width: int) -> None:
        self.left = width - self.PALETTE
        self.full = False

    def takes(self, widget: Widget) -> bool:
        """Whether `widget` fits in what is left (and take its room if so)."""
        if isinstance(widget, FooterKey):
            width = cell_len(widget.key_display)
            if widget.description:
                width += 1 + cell_len(widget.description) + 1
        elif isinstance(widget, FooterLabel):  # a group's name: its margin, the group's too
            width = cell_len(str(widget.content)) + 1 + 2
        else:
            return True
        if self.full or width > self.left:
            self.full = True
            return False
        self.left -= width
        return True


class ScreenFooter(Footer):
    """A footer that fits 80 columns, and never shows half a key at any width. A screen
    may name in `FOOTER_SPARE` keys of its own (by binding id, so a remapped key is still
    left out) that a narrow footer leaves out too (keys people reach for without
    reading, like Esc); wider, a footer too full for its keys keeps them in order and
    leaves out only what does not fit."""

    DEFAULT_CSS = """
    ScreenFooter.-compact FooterLabel { margin: 0 1 0 0; }
    ScreenFooter.-compact FooterKey.-command-palette { padding-right: 1; }
    ScreenFooter.-compact { padding-right: 1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.narrow = False
        #: The screen's keys did not all fit the full footer at this width.
        self.overflowed = False

    def compose(self) -> ComposeResult:
        room = Room(self.size.width - HELP_ROOM) if self.narrow else None
        ids = {key: active.binding.id for key, active in self.screen.active_bindings.items()}
        spared: frozenset[str] = frozenset() if self.overflowed else self.spared()
        for widget in super().compose():  # spared keys are left out only when narrow
            is_key = isinstance(widget, FooterKey)
            binding_id = ids.get(widget.key) if isinstance(widget, FooterKey) else None
            palette = is_key and widget.has_class("-command-palette")
            kept = palette or binding_id == "app.help"  # Help lists the rest
            if room is None or kept or (binding_id not in spared and room.takes(widget)):
                yield widget
        if not self.narrow:
            self.call_after_refresh(self._check_fits)

    def _check_fits(self) -> None:
        """A full footer whose keys run under the palette (or off the edge) becomes
        compact, every key whole: those that do not fit are left out from the end (the
        mode keys first), F1 Help always stays."""
        if self.narrow or not self.is_mounted:
            return
        keys = list(self.query(FooterKey))
        palette = [key for key in keys if key.has_class("-command-palette")]
        edge = palette[0].region.x if palette else self.region.right
        if any(key.region.right > edge for key in keys if key not in palette):
            self.overflowed = True
            self._set_narrow(True)

    def spared(self) -> frozenset[str]:
        """The keys (binding ids) a narrow footer leaves out on this screen."""
        return APP_KEYS | getattr(self.screen, "FOOTER_SPARE", frozenset())

    def on_resize(self, event: events.Resize) -> None:
        self.overflowed = False  # a new width: try the full footer again
        self._set_narrow(event.size.width < NARROW_COLUMNS)

    def _set_narrow(self, narrow: bool) -> None:
        if narrow != self.narrow:
            self.narrow = narrow
            self.compact = narrow
            self.refresh(recompose=True)
