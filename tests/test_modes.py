"""One screen per mode: F3, F4, F6, F10 and Esc switch between Today, the call, the
worklists and the calendar without opening new screens or losing the call."""

from __future__ import annotations

import random
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input, TextArea

from schedtui.data.store import Store
from schedtui.screens.authorizations import AuthorizationsScreen
from schedtui.screens.calendar import CalendarScreen
from schedtui.screens.today import TodayScreen
from schedtui.screens.workspace import WorkspaceScreen
from schedtui.widgets.patient_panel_view import PatientPanelView
from tests.app_helpers import call_app, settle
from tests.builders import Staff, add_staff, build_tiny_clinic

SIZE = (140, 34)
#: The keys that change screens, and the screen each one shows.
F_KEYS = {
    "f3": TodayScreen,
    "f4": WorkspaceScreen,
    "f6": AuthorizationsScreen,
    "f10": CalendarScreen,
}


@pytest.fixture
def staff(sqlite_store: Store) -> Staff:
    build_tiny_clinic(sqlite_store)
    return add_staff(sqlite_store)


async def _open_garcia_and_write(pilot: Pilot[Any]) -> WorkspaceScreen:
    await settle(pilot)
    workspace = pilot.app.screen
    assert isinstance(workspace, WorkspaceScreen)
    await pilot.press(*"garc")
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    await pilot.press("f5", *"asks about a flu shot")
    return workspace


def _sequences() -> list[list[str]]:
    fixed = [
        ["f10", "f4"],
        ["f3", "f10", "escape", "f4"],
        ["f6", "f3", "f4", "f10", "f6", "escape", "f3", "f4"],
    ]
    rng = random.Random(13)  # a fixed seed: the same walks every run
    walks = [[rng.choice([*F_KEYS, "escape"]) for _ in range(12)] + ["f4"] for _ in range(2)]
    return fixed + walks


@pytest.mark.parametrize("keys", _sequences(), ids=lambda keys: "-".join(keys))
async def test_f_keys_keep_one_screen_per_mode_and_the_call(
    sqlite_store: Store, staff: Staff, keys: list[str]
) -> None:
    app = call_app(sqlite_store, staff.scheduler)
    seen: dict[type[Screen[Any]], set[int]] = {}
    async with app.run_test(size=SIZE) as pilot:
        workspace = await _open_garcia_and_write(pilot)
        for key in keys:
            if key == "escape" and app.screen is workspace:
                continue  # Esc in the call starts the next call: not a way between screens
            await pilot.press(key)
            await settle(pilot)
            assert len(app.screen_stack) == 1, f"{key}: {app.screen_stack}"
            seen.setdefault(type(app.screen), set()).add(id(app.screen))
            if key in F_KEYS:
                assert isinstance(app.screen, F_KEYS[key])
        assert app.screen is workspace
        lookup = workspace.query_one("#lookup", Input).value
        note = workspace.query_one("#note", TextArea).text
        panel = workspace.query_one(PatientPanelView).panel
        on_call = app.call.caller
    assert all(len(ids) == 1 for ids in seen.values()), seen  # never a second of a kind
    assert lookup == "garc" and note == "asks about a flu shot"
    assert panel is not None and panel.name == "García, José"
    assert on_call == (panel.patient_id, "García, José")


async def test_escape_goes_back_to_where_the_scheduler_came_from(
    sqlite_store: Store, staff: Staff
) -> None:
    app = call_app(sqlite_store, staff.scheduler)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f3", "f10")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        from_calendar = type(app.screen)
        await pilot.press("f6")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        from_auths = type(app.screen)
    assert (from_calendar, from_auths) == (TodayScreen, TodayScreen)


async def test_the_hidden_calendar_stops_reading_the_feed(
    sqlite_store: Store, staff: Staff
) -> None:
    """A calendar left for another screen does no work until it is shown again."""
    app = call_app(sqlite_store, staff.scheduler)
    reads: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f10")
        await settle(pilot)
        calendar = app.screen
        assert isinstance(calendar, CalendarScreen)
        await pilot.press("f4")
        await settle(pilot)
        original = calendar._feed_position

        def counted() -> int:
            reads.append(app.current_mode)
            return original()

        calendar._feed_position = counted  # type: ignore[method-assign]
        calendar.watch_feed()  # what a tick would do now
        await settle(pilot)
        hidden = list(reads)
        await pilot.press("f10")
        for _ in range(100):  # shown again, it reads the feed at its next look (a timer)
            await settle(pilot)
            if reads:
                break
    assert hidden == [] and reads and reads[0] == "calendar"
