"""Starting the TUI: its first frame is drawn before the store's modules are loaded (they
load, and the store opens, behind it: schedtui.opening). `schedtui`, `schedtui --sandbox`
and `schedtui --db X` come here straight from the console script; `schedtui call --from`
through the command line."""

from __future__ import annotations

from functools import partial

from schedtui.app import opening_app
from schedtui.core.support.clock import Clock
from schedtui.keymap import check_keymap
from schedtui.opening import StoreOpening, open_for_tui
from schedtui.settings import load_settings


def start_tui(clock: Clock, *, db: str | None, sandbox: bool, caller_query: str = "") -> None:
    """Run the TUI until the user quits. What kept the store from opening is raised once
    the terminal is restored (for the command line to say); a keymap in the settings
    that cannot work is refused before anything is drawn."""
    current = load_settings()
    check_keymap(current.keymap)
    opening = StoreOpening(
        partial(open_for_tui, current, clock, db=db, sandbox=sandbox, caller_query=caller_query)
    )
    opening_app(current, clock, sandbox=sandbox, opening=opening).run()
    if opening.failure is not None:
        raise opening.failure
