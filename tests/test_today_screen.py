"""The Today view, as a scheduler sees it: pilot tests on state, snapshots on looks."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select
from textual.pilot import Pilot
from textual.widgets import Static

from schedtui.app import SchedApp, create_app
from schedtui.core.security.session import SessionStart
from schedtui.core.security.users import actor_of
from schedtui.core.support.clock import FrozenClock
from schedtui.data.models import User
from schedtui.data.store import Store
from schedtui.screens.help import HelpScreen
from schedtui.screens.today import TodayScreen
from schedtui.settings import load_settings
from schedtui.widgets.appointment_table import AppointmentTable
from tests.builders import NOW, add_staff, build_tiny_clinic

SIZE = (130, 24)


@pytest.fixture
def clinic_store(sqlite_store: Store) -> Iterator[Store]:
    build_tiny_clinic(sqlite_store)
    add_staff(sqlite_store)
    yield sqlite_store


def _app(store: Store, *, sandbox: bool = False, role: str = "scheduler") -> SchedApp:
    settings = load_settings(clinic_name="Harbor Family Practice", first_screen="today")
    names = {"scheduler": "ava.jensen", "supervisor": "sue.super", "admin": "alex.admin"}
    with store.read() as session:
        user = session.exec(select(User).where(User.username == names[role])).one()
    start = SessionStart(actor_of(user), needs_first_admin=False, os_login="ava_os")
    return create_app(settings, store, FrozenClock(NOW), sandbox=sandbox, start=start)


async def _settle(pilot: Pilot[Any]) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def _rows(app: SchedApp) -> list[list[str]]:
    table = app.screen.query_one(AppointmentTable)
    return [[cell.plain for cell in table.get_row_at(i)] for i in range(table.row_count)]


def _day_bar(app: SchedApp) -> str:
    return str(app.screen.query_one("#day-bar", Static).render())


class TestTodayView:
    async def test_lists_the_days_appointments_in_each_sites_own_time(
        self, clinic_store: Store
    ) -> None:
        app = _app(clinic_store)
        async with app.run_test(size=SIZE) as pilot:
            await _settle(pilot)
            rows = _rows(app)
        assert [(r[0], r[1], r[3], r[8]) for r in rows] == [
            ("09:00 EDT", "BOS", "Smith, [b]Ann", "✓ Seen"),
            ("09:00 CDT", "CHI", "Li, Wei", "✗ No-show"),
            ("10:00 CDT", "CHI", "Ängström, Zoë", "⊘ Cancelled"),
            ("11:20 EDT", "BOS", "García, José", "→ Arrived"),
            ("13:00 EDT", "BOS", "O'Neil [/], Mary-Kate", "● Booked"),
        ]
        assert rows[3][9] == "INT:es"

    async def test_summary_counts_the_day(self, clinic_store: Store) -> None:
        app = _app(clinic_store)
        async with app.run_test(size=SIZE) as pilot:
            await _settle(pilot)
            bar = _day_bar(app)
        assert bar.startswith("Monday 09 March 2026 · all sites · 5 appointments")
        assert "● 1 booked" in bar and "✗ 1 no-show" in bar and "⊘ 1 cancelled" in bar

    async def test_brackets_move_between_days_and_t_comes_back(self, clinic_store: Store) -> None:
        app = _app(clinic_store)
        async with app.run_test(size=SIZE) as pilot:
            await _settle(pilot)
            await pilot.press("right_square_bracket")
            await _settle(pilot)
            tomorrow = _rows(app)
            assert _day_bar(app).startswith("Tuesday 10 March 2026")
            await pilot.press("left_square_bracket", "left_square_bracket")
            await _settle(pilot)
            assert "no appointments" in _day_bar(app)
            await pilot.press("t")
            await _settle(pilot)
            assert len(_rows(app)) == 5
        assert [(r[3], r[9]) for r in tomorrow] == [("Li, Wei", "OB")]

    async def test_s_cycles_through_sites(self, clinic_store: Store) -> None:
        app = _app(clinic_store)
        async with app.run_test(size=SIZE) as pilot:
            await _settle(pilot)
            await pilot.press("s")
            await _settle(pilot)
            boston = {r[1] for r in _rows(app)}, _day_bar(app)
            await pilot.press("s")
            await _settle(pilot)
            chicago = {r[1] for r in _rows(app)}
            await pilot.press("s")
            await _settle(pilot)
            everything = {r[1] for r in _rows(app)}
        assert boston[0] == {"BOS"} and "site BOS" in boston[1]
        assert chicago == {"CHI"}
        assert everything == {"BOS", "CHI"}

    async def test_a_failed_load_is_reported_and_the_app_stays_up(
        self, clinic_store: Store, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        def broken(*args: object, **kwargs: object) -> None:
            raise RuntimeError("connection lost")

        app = _app(clinic_store)
        async with app.run_test(size=SIZE) as pilot:
            await _settle(pilot)
            monkeypatch.setattr("schedtui.screens.today.view_day", broken)
            await pilot.press("r")
            await _settle(pilot)
            messages = [n.message for n in app._notifications]
            assert isinstance(app.screen, TodayScreen)
        shown = [m for m in messages if "Loading the day's appointments failed" in m]
        assert shown and "unexpected RuntimeError" in shown[0]
        # The details go to the fault log, never onto the screen.
        assert "connection lost" not in shown[0]
        log = Path(shown[0].rsplit("details in ", 1)[1].rstrip("."))
        assert "connection lost" in log.read_text()

    async def test_f1_opens_help_and_escape_closes_it(self, clinic_store: Store) -> None:
        app = _app(clinic_store)
        async with app.run_test(size=SIZE) as pilot:
            await _settle(pilot)
            await pilot.press("f1")
            assert isinstance(app.screen, HelpScreen)
            await pilot.press("escape")
            assert isinstance(app.screen, TodayScreen)

    async def test_sandbox_shows_a_banner(self, clinic_store: Store) -> None:
        app = _app(clinic_store, sandbox=True)
        async with app.run_test(size=SIZE) as pilot:
            await _settle(pilot)
            banner = str(app.screen.query_one("#sandbox-banner", Static).render())
        assert banner.startswith("SANDBOX")

    async def test_palette_offers_help_and_today(self, clinic_store: Store) -> None:
        app = _app(clinic_store)
        async with app.run_test(size=SIZE) as pilot:
            await _settle(pilot)
            titles = [command.title for command in app.get_system_commands(app.screen)]
        assert {"Help", "Today"} <= set(titles)


class TestTodaySnapshots:
    def test_today_view_shows_the_day_across_sites(
        self, clinic_store: Store, snap_compare: Any
    ) -> None:
        assert snap_compare(_app(clinic_store), terminal_size=SIZE, run_before=_settle)

    def test_sandbox_today_view_carries_the_banner(
        self, clinic_store: Store, snap_compare: Any
    ) -> None:
        assert snap_compare(
            _app(clinic_store, sandbox=True), terminal_size=SIZE, run_before=_settle
        )

    def test_help_screen(self, clinic_store: Store, snap_compare: Any) -> None:
        async def open_help(pilot: Pilot[Any]) -> None:
            await _settle(pilot)
            await pilot.press("f1")
            await pilot.pause()

        assert snap_compare(_app(clinic_store), terminal_size=SIZE, run_before=open_help)
