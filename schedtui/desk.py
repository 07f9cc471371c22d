"""The desk a screen works at: who is signed in, where (the clinic's settings and store),
when (the clock), the call in progress, and the few moves between modes. Screens depend on
this protocol, never on the app module (which imports every screen): no import circle."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from schedtui.core.patients.live_call import LiveCall
    from schedtui.core.patients.lookup.shared import LookupIndex
    from schedtui.core.security.access import Actor
    from schedtui.core.support.clock import Clock
    from schedtui.core.views.grid_views import Spot
    from schedtui.data.store import Store
    from schedtui.keymap import KeyNames
    from schedtui.settings import Settings
    from schedtui.type_ahead import KeyGate


class NotSignedIn(RuntimeError):
    """A screen asked who works here while nobody is signed in (a bug: screens that show
    work open only after sign-in)."""


@runtime_checkable
class Desk(Protocol):
    """What a schedtui screen may use of the app."""

    settings: Settings
    store: Store
    clock: Clock
    sandbox: bool
    masked: bool
    actor: Actor | None
    call: LiveCall
    lookup: LookupIndex
    keys: KeyGate
    key_names: KeyNames

    def go(self, mode: str) -> None:
        """Show a mode's screen as it was left."""

    def go_back(self) -> None:
        """Back to the mode the user came from."""

    def show_in_calendar(self, spot: Spot) -> None:
        """The calendar, at this spot."""

    def call_about(self, mrn: str) -> None:
        """The call workspace, with this patient found and opened (a worklist's call)."""


def signed_in(desk: Desk) -> Actor:
    """Who works at the desk (screens that show work open only after sign-in)."""
    if desk.actor is None:
        raise NotSignedIn("nobody is signed in")
    return desk.actor
