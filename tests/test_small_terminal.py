"""Every screen at 80x24, the size of a default terminal and of many SSH sessions: what a
scheduler sees there is guarded by a snapshot, and the footer's keys are not cut off."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets._footer import FooterKey

from schedtui.app import SchedApp, create_app
from schedtui.core.security.access import Actor
from schedtui.core.security.session import SessionStart
from schedtui.core.support.clock import FrozenClock
from schedtui.data.store import Store
from schedtui.settings import load_settings
from schedtui.widgets.fitted_table import FittedTable
from schedtui.widgets.screen_footer import ScreenFooter
from tests.app_helpers import steady
from tests.builders import NOW, Staff, add_staff, build_tiny_clinic

SIZE = (80, 24)

#: Each screen, and the keys that reach it from Today (signed in as a supervisor, who may
#: open every screen). The mask key F2 is never pressed: the snapshots show real layouts.
SCREENS = {
    "today": (),
    "appointment_card": ("enter",),
    "lookup": ("f4", *"smith"),
    "patient_panel": ("f4", *"smith", "enter"),
    "cancel_reasons": ("f4", *"mary", "enter", "f8", "c"),
    "booking": ("f4", *"smith", "enter", "ctrl+b"),
    "registration": ("f4", "ctrl+n"),
    "coverage": ("f4", *"smith", "enter", "f9"),
    "calendar_day": ("f10",),
    "calendar_week": ("f10", "w"),
    "go_to_day": ("f10", "g"),
    "block_form": ("f10", "b"),
    "template_form": ("f10", "e"),
    "closure_form": ("f10", "H"),
    "authorizations": ("f6",),
    "audit": ("f7",),
    "help": ("f1",),
    "lock": ("ctrl+l",),
}
#: Screens with a footer of their own (a form or picker over them names its keys in its
#: text) whose keys must all have room at 80 columns. The calendar has more keys than any
#: terminal is wide: its footer keeps those that fit, and F1 Help lists them all.
FOOTER_FITS = [
    "today", "appointment_card", "lookup", "patient_panel", "booking", "authorizations",
    "audit",
]  # fmt: skip


@pytest.fixture
def staff(sqlite_store: Store) -> Iterator[Staff]:
    build_tiny_clinic(sqlite_store)
    yield add_staff(sqlite_store)


def _app(store: Store, actor: Actor | None) -> SchedApp:
    settings = load_settings(
        clinic_name="Harbor Family Practice", idle_lock_minutes=5, first_screen="today"
    )
    start = SessionStart(actor, needs_first_admin=False, os_login="nobody")
    return create_app(settings, store, FrozenClock(NOW), start=start)


async def _settle(pilot: Pilot[Any]) -> None:
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def _walk(pilot: Pilot[Any], keys: tuple[str, ...]) -> None:
    await _settle(pilot)
    for key in keys:
        await pilot.press(key)
        await _settle(pilot)
    await steady(pilot)


@pytest.mark.parametrize("screen", list(SCREENS))
def test_screen_at_80x24(sqlite_store: Store, staff: Staff, snap_compare: Any, screen: str) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await _walk(pilot, SCREENS[screen])

    assert snap_compare(
        _app(sqlite_store, staff.supervisor), terminal_size=SIZE, run_before=run_before
    )


def test_sign_in_at_80x24(sqlite_store: Store, staff: Staff, snap_compare: Any) -> None:
    assert snap_compare(_app(sqlite_store, None), terminal_size=SIZE, run_before=_settle)


@pytest.mark.parametrize("screen", FOOTER_FITS)
async def test_footer_shows_every_key_of_the_screen(
    sqlite_store: Store, staff: Staff, screen: str
) -> None:
    """At 80 columns the footer has room for each key the screen offers (a key that
    would not fit is left out whole, so a missing one means the footer is too full)."""
    app = _app(sqlite_store, staff.supervisor)
    async with app.run_test(size=SIZE) as pilot:
        await _walk(pilot, SCREENS[screen])
        footer = app.screen.query_one(ScreenFooter)
        offered = {
            binding.key
            for _, binding, enabled, _ in app.screen.active_bindings.values()
            if binding.show and binding.id not in footer.spared()
        } - {app.COMMAND_PALETTE_BINDING}
        keys = list(footer.query(FooterKey))
        shown = {key.key for key in keys if not key.has_class("-command-palette")}
        assert shown == offered, f"{screen}: footer keys left out at 80 columns"
        assert all(key.region.right <= SIZE[0] for key in keys)


async def test_lookup_at_80_columns_shows_mrn_next_visit_and_alerts(
    sqlite_store: Store, staff: Staff
) -> None:
    app = _app(sqlite_store, staff.supervisor)
    async with app.run_test(size=SIZE) as pilot:
        await _walk(pilot, SCREENS["lookup"])
        table = app.screen.query_one(FittedTable)
        shown = [column.label for column in table.columns_shown]
        assert shown == ["Name", "DOB", "Phone", "MRN", "Next", "Alerts"]
        assert table.region.right <= SIZE[0]
        widths = sum(column.width for column in table.columns.values())
        assert widths + 3 <= SIZE[0]  # every column in view, scroll bar and margin too
        assert not app.screen.query_one("#patient-side").display  # the list has the width


async def test_lookup_at_120_columns_shows_every_column(sqlite_store: Store, staff: Staff) -> None:
    """With nobody open yet the list has the whole width: at 120 columns every column
    shows, the age and the alerts in full."""
    app = _app(sqlite_store, staff.supervisor)
    async with app.run_test(size=(120, 30)) as pilot:
        await _walk(pilot, SCREENS["lookup"])
        table = app.screen.query_one(FittedTable)
        assert [column.label for column in table.columns_shown] == [
            "Name", "DOB", "Age", "Phone", "MRN", "Next", "Alerts",
        ]  # fmt: skip
        assert table.region.right <= 120
        assert not app.screen.query_one("#patient-side").display


@pytest.mark.parametrize("width", [100, 120, 140])
@pytest.mark.parametrize("screen", ["lookup", "patient_panel", "calendar_day", "today"])
async def test_no_footer_key_is_cut_between_80_and_wide(
    sqlite_store: Store, staff: Staff, screen: str, width: int
) -> None:
    """From 100 columns up to where every key fits, the full footer ran under the palette
    ("^o B"), the mode keys out of sight: it is compact there too, every key whole."""
    app = _app(sqlite_store, staff.supervisor)
    async with app.run_test(size=(width, 30)) as pilot:
        await _walk(pilot, SCREENS[screen])
        await _settle(pilot)
        footer = app.screen.query_one(ScreenFooter)
        keys = list(footer.query(FooterKey))
        palette = next(key for key in keys if key.has_class("-command-palette"))
        cut = [
            key.key for key in keys if key is not palette and key.region.right > palette.region.x
        ]
    assert cut == []
    assert any(key.key == "f1" for key in keys)  # Help stays, and lists the rest
