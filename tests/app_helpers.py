"""Starting the TUI in a pilot test the way a scheduler starts it: signed in, on the call."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from schedtui.app import SchedApp, create_app
from schedtui.core.security.access import Actor
from schedtui.core.security.session import SessionStart
from schedtui.core.support.clock import FrozenClock
from schedtui.data.store import Store
from schedtui.settings import load_settings
from tests.builders import NOW


def call_app(store: Store, actor: Actor, caller: str = "") -> SchedApp:
    """The app signed in as `actor`, opening on the call workspace (with `caller` looked
    up, as a phone system's screen pop does), the clock frozen at NOW."""
    start = SessionStart(actor, False, "ava_os", caller_query=caller)
    settings = load_settings(clinic_name="Harbor Family Practice", first_screen="call")
    return create_app(settings, store, FrozenClock(NOW), start=start)


async def settle(pilot: Pilot[Any]) -> None:
    """Let the screen finish: its messages handled, the work they started done (a few
    rounds, since finished work posts messages that start more)."""
    for _ in range(4):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def steady(pilot: Pilot[Any]) -> None:
    """Stop the text cursors blinking, so a snapshot never catches a blink."""
    for field in pilot.app.screen.query("Input, TextArea"):
        field.cursor_blink = False  # type: ignore[attr-defined]
    await pilot.pause()
