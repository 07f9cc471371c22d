"""Opening the store behind the TUI's first frame: the screen is drawn (and keys are
taken) while the store's modules load and the store opens in a thread; then the app
shows the first working screen, or the sign-in form. Nothing here imports the store
before it is asked to open it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from schedtui.core.patients.lookup.shared import LookupIndex
    from schedtui.core.security.session import SessionStart
    from schedtui.core.support.clock import Clock
    from schedtui.data.store import Store
    from schedtui.settings import Settings

#: Says a line to the person waiting (an upgrade of the store, the sandbox's seeding).
Announce = Callable[[str], None]


@dataclass(frozen=True)
class Opened:
    """An opened store, who starts on it, and its patient index."""

    store: Store
    start: SessionStart
    lookup: LookupIndex


@dataclass
class StoreOpening:
    """How the app gets its store; what stopped it, if anything (said after the app)."""

    open: Callable[[Announce], Opened]
    opened: Opened | None = None
    failure: Exception | None = None

    @classmethod
    def done(cls, opened: Opened) -> StoreOpening:
        """An opening already done (tests build the app on an opened store)."""
        return cls(lambda _announce: opened, opened)


def first_mode(settings: Settings, start: SessionStart) -> str:
    """The working mode a signed-in user starts in: the call workspace, unless
    `first_screen` says today (a screen pop always opens the call)."""
    return "call" if start.caller_query or settings.first_screen == "call" else "today"


#: The module of each first working mode (loaded with the store, off the event loop).
_FIRST_SCREEN_MODULES = {"call": "workspace", "today": "today"}


def open_for_tui(
    settings: Settings,
    clock: Clock,
    announce: Announce,
    *,
    db: str | None,
    sandbox: bool,
    caller_query: str,
) -> Opened:
    """Open (create on first run, upgrade) the store the options name, decide who starts
    (signed in by the OS account, or the sign-in form), and load the first screen's
    module. The first start on the default store creates it; a store named by --db,
    SCHEDTUI_DB or the settings must exist (a typo is not a new clinic)."""
    from schedtui.commands.common import Invocation, opened_store
    from schedtui.core.patients.lookup.shared import LookupIndex
    from schedtui.core.security.session import start_session

    invocation = Invocation(db=db, sandbox=sandbox, clock=clock)
    create = db is None and settings.db is None
    opened = opened_store(invocation, create=create, announce=announce)
    start = start_session(opened.store, settings, clock, sandbox=sandbox)
    start = replace(start, caller_query=caller_query)
    first = _FIRST_SCREEN_MODULES[first_mode(settings, start)] if start.actor else "signin"
    for module in ("lock", first):
        import_module(f"schedtui.screens.{module}")
    return Opened(opened.store, start, LookupIndex())
