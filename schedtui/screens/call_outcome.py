"""A call on the call list: who to call, what to say, and what came of it, one key each."""

from __future__ import annotations

from typing import Final

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from schedtui.core.support.text import printable
from schedtui.screens.base import keys_said

#: The outcomes, by the key that records each (in the order a caller meets them).
OUTCOMES: Final = {
    "1": "reached",
    "2": "left-message",
    "3": "no-answer",
    "4": "wrong-number",
    "5": "declined",
}


class CallOutcome(ModalScreen[str | None]):
    """The script; 1-5 records what came of the call, Esc changes nothing."""

    BINDINGS = [
        Binding("escape", "cancel", "Not now", id="call-outcome.cancel"),
        *(
            Binding(key, f"outcome('{outcome}')", outcome.replace("-", " ").capitalize(),
                    id=f"call-outcome.{outcome.replace('-', '_')}")
            for key, outcome in OUTCOMES.items()
        ),
    ]  # fmt: skip

    def __init__(self, script: str) -> None:
        super().__init__()
        self.script = script

    def compose(self) -> ComposeResult:
        with Vertical(id="call-outcome"):
            shown = "\n".join(printable(line) for line in self.script.splitlines())
            yield Static(shown, id="call-script", markup=False)
            keys = ", ".join(
                f"{{{{call-outcome.{outcome.replace('-', '_')}}}}} {outcome.replace('-', ' ')}"
                for outcome in OUTCOMES.values()
            )
            yield Static(
                keys_said(self, f"What came of it: {keys}; {{{{call-outcome.cancel}}}} not now."),
                id="call-keys",
                markup=False,
            )

    def action_outcome(self, outcome: str) -> None:
        """Hand back what came of the call."""
        self.dismiss(outcome)

    def action_cancel(self) -> None:
        """Change nothing."""
        self.dismiss(None)
