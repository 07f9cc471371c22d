"""The first frame: the clinic's name and "opening the store", while the store opens
behind it (schedtui.opening). Keys typed now wait for the screen that follows."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Static

from schedtui.widgets.sandbox_banner import SandboxBanner

#: What the screen says until the store has something to say.
OPENING_TEXT = "Opening the store... (type ahead: your keys wait for the first screen)"


class OpeningScreen(Screen[None]):
    """Shown from the first frame until the store is open."""

    def __init__(self, *, sandbox: bool) -> None:
        super().__init__()
        self.sandbox = sandbox

    def compose(self) -> ComposeResult:
        if self.sandbox:
            yield SandboxBanner()
        with Center(), Vertical(id="opening"):
            yield Static(self.app.title, id="opening-title", markup=False)
            yield Static(OPENING_TEXT, id="opening-message", markup=False)

    def say(self, text: str) -> None:
        """Show what the store's opening has to say (an upgrade, the sandbox's seeding)."""
        self.query_one("#opening-message", Static).update(text)
