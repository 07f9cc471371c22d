"""The TUI's first frame comes before its store: the store opens behind it, the keys typed
meanwhile wait for the screen they were typed for, what the opening says is shown, and
what stops it is said once the terminal is back."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static

from schedtui.app import SchedApp, opening_app
from schedtui.core.patients.lookup.shared import LookupIndex
from schedtui.core.security.session import SessionStart
from schedtui.core.support.clock import FrozenClock
from schedtui.core.support.errors import BadInput
from schedtui.data.store import Store
from schedtui.opening import Announce, Opened, StoreOpening
from schedtui.screens.opening import OpeningScreen
from schedtui.screens.signin import LoginScreen
from schedtui.screens.workspace import WorkspaceScreen
from schedtui.settings import load_settings
from tests.builders import NOW, Staff, add_staff, build_tiny_clinic
from tests.test_type_ahead import burst

SIZE = (120, 34)


class HeldOpening:
    """A store that opens only when the test lets it (a slow disk, a far database)."""

    def __init__(self, store: Store, start: SessionStart, *, says: str = "") -> None:
        self.store, self.start, self.says = store, start, says
        self.go_on = threading.Event()
        self.began = threading.Event()
        self.app: SchedApp | None = None

    def __call__(self, announce: Announce) -> Opened:
        self.began.set()
        if self.says:
            announce(self.says)
        while not self.go_on.wait(0.05):
            if self.app is not None and self.app._exit:  # the app ended before the store
                raise RuntimeError("the app ended while the store was opening")
        return Opened(self.store, self.start, LookupIndex())


def _app(opener: Any) -> tuple[SchedApp, StoreOpening]:
    settings = load_settings(clinic_name="Harbor Family Practice", first_screen="call")
    opening = StoreOpening(opener)
    app = opening_app(settings, FrozenClock(NOW), sandbox=False, opening=opening)
    if isinstance(opener, HeldOpening):
        opener.app = app
    return app, opening


async def _until(pilot: Pilot[Any], done: Any, what: str) -> None:
    """Wait (in the app's own time, never a fixed sleep) until `done()` holds."""
    for _ in range(2000):
        if done():
            return
        await pilot.pause(0.01)
    raise AssertionError(f"never happened: {what}")


@pytest.fixture
def staff(sqlite_store: Store) -> Staff:
    build_tiny_clinic(sqlite_store)
    return add_staff(sqlite_store)


async def test_keys_typed_while_the_store_opens_land_in_the_lookup(
    sqlite_store: Store, staff: Staff
) -> None:
    opener = HeldOpening(sqlite_store, SessionStart(staff.scheduler, False, "ava_os"))
    app, _ = _app(opener)
    async with app.run_test(size=SIZE) as pilot:
        await _until(pilot, lambda: isinstance(app.screen, OpeningScreen), "the first frame")
        await _until(pilot, opener.began.is_set, "the store began to open")
        burst(app, *"wu maria")
        await pilot.pause()
        assert isinstance(app.screen, OpeningScreen)  # the keys wait: nothing to type into
        opener.go_on.set()
        await _until(pilot, lambda: isinstance(app.screen, WorkspaceScreen), "the workspace")
        lookup = app.screen.query_one("#lookup", Input)
        await _until(pilot, lambda: lookup.value == "wu maria", "the typed name in the lookup")
        assert app.actor == staff.scheduler
        assert app.screen_stack == [app.screen]  # the opening screen is gone, not buried
        assert "opening" not in app._modes


async def test_without_a_signed_in_user_the_typed_keys_go_to_the_sign_in_form(
    sqlite_store: Store, staff: Staff
) -> None:
    opener = HeldOpening(sqlite_store, SessionStart(None, False, "ava_os"))
    app, _ = _app(opener)
    async with app.run_test(size=SIZE) as pilot:
        await _until(pilot, opener.began.is_set, "the store began to open")
        burst(app, *"ava.jensen")
        opener.go_on.set()
        await _until(
            pilot,
            lambda: isinstance(app.screen, LoginScreen) and app.screen.query("#username"),
            "the sign-in form",
        )
        user_name = app.screen.query_one("#username", Input)
        await _until(pilot, lambda: user_name.value == "ava.jensen", "the user name typed")
        assert app.actor is None


async def test_what_the_opening_says_is_shown_while_it_opens_and_after(
    sqlite_store: Store, staff: Staff
) -> None:
    said = "Upgraded the store from schema 0020 to 0021; the old store was copied to x.db."
    opener = HeldOpening(sqlite_store, SessionStart(staff.scheduler, False, "ava_os"), says=said)
    app, _ = _app(opener)
    async with app.run_test(size=SIZE) as pilot:
        message = "#opening-message"
        await _until(
            pilot,
            lambda: (
                isinstance(app.screen, OpeningScreen)
                and str(app.screen.query_one(message, Static).render()) == said
            ),
            "the upgrade said on the first frame",
        )
        opener.go_on.set()
        await _until(pilot, lambda: isinstance(app.screen, WorkspaceScreen), "the workspace")
        assert said in [notice.message for notice in app._notifications]


async def test_a_store_that_cannot_open_ends_the_app_and_is_said_after(
    sqlite_store: Store,
) -> None:
    def cannot_open(announce: Announce) -> Opened:
        raise BadInput("no store at /tmp/typo.db; check --db.")

    app, opening = _app(cannot_open)
    async with app.run_test(size=SIZE) as pilot:
        await _until(pilot, lambda: app._exit, "the app ending")
    assert isinstance(opening.failure, BadInput)
    assert app.return_code == 2


async def test_ctrl_q_quits_while_the_store_opens(sqlite_store: Store, staff: Staff) -> None:
    opener = HeldOpening(sqlite_store, SessionStart(staff.scheduler, False, "ava_os"))
    app, _ = _app(opener)
    async with app.run_test(size=SIZE) as pilot:
        await _until(pilot, opener.began.is_set, "the store began to open")
        burst(app, "x", "ctrl+q")
        await _until(pilot, lambda: app._exit, "the app quitting")
    assert app.actor is None  # it quit before anyone was signed in


def test_first_frame_at_80x24(sqlite_store: Store, staff: Staff, snap_compare: Any) -> None:
    opener = HeldOpening(sqlite_store, SessionStart(staff.scheduler, False, "ava_os"))
    app, _ = _app(opener)

    async def run_before(pilot: Pilot[Any]) -> None:
        await _until(pilot, opener.began.is_set, "the store began to open")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
