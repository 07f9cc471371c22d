"""Booking from the workspace: type, open times, a hold, the read-back, booked."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from rich.text import Text
from sqlmodel import col, select
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from schedtui.app import SchedApp, create_app
from schedtui.core.booking import BookingRequest, book
from schedtui.core.clock import FrozenClock
from schedtui.core.session import SessionStart
from schedtui.data import models as m
from schedtui.data.store import Store
from schedtui.screens.booking import BookingScreen, ConfirmScreen
from schedtui.screens.workspace import WorkspaceScreen
from schedtui.settings import load_settings
from tests.builders import Staff, add_staff
from tests.engine_clinic import EngineClinic, build_engine_clinic

NOW = datetime(2026, 3, 6, 17, 0, tzinfo=UTC)  # Friday noon in Boston
SIZE = (140, 34)


@pytest.fixture
def clinic(sqlite_store: Store) -> tuple[EngineClinic, Staff]:
    return build_engine_clinic(sqlite_store), add_staff(sqlite_store)


def _app(store: Store, staff: Staff) -> SchedApp:
    start = SessionStart(staff.scheduler, False, "ava_os", caller_query="E0003")
    return create_app(
        load_settings(clinic_name="Test Clinic"), store, FrozenClock(NOW), start=start
    )


async def _settle(pilot: Pilot[Any]) -> None:
    for _ in range(4):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def _open_booking(pilot: Pilot[Any]) -> None:
    """Open Pat3 (by MRN) and press Ctrl+B."""
    await _settle(pilot)
    assert isinstance(pilot.app.screen, WorkspaceScreen)
    await pilot.press("enter")
    await _settle(pilot)
    await pilot.press("ctrl+b")
    await _settle(pilot)
    assert isinstance(pilot.app.screen, BookingScreen)


async def _to_confirm(pilot: Pilot[Any]) -> list[str]:
    """Then choose the follow-up, Enter on the first open time."""
    await _open_booking(pilot)
    await pilot.press(*"follow", "enter")
    await _settle(pilot)
    table: DataTable[Text] = pilot.app.screen.query_one("#booking-rows", DataTable)
    rows = [table.get_row_at(i)[0].plain for i in range(table.row_count)]
    await pilot.press("enter")
    await _settle(pilot)
    assert isinstance(pilot.app.screen, ConfirmScreen)
    return rows


def _appointments(store: Store, patient: int) -> list[m.Appointment]:
    with store.read() as session:
        query = select(m.Appointment).where(col(m.Appointment.patient_id) == patient)
        return list(session.exec(query).all())


def _holds(store: Store) -> list[m.SlotHold]:
    with store.read() as session:
        return list(session.exec(select(m.SlotHold)).all())


async def test_a_scheduler_books_the_first_open_time_after_the_read_back(
    sqlite_store: Store, clinic: tuple[EngineClinic, Staff]
) -> None:
    engine, staff = clinic
    app = _app(sqlite_store, staff)
    async with app.run_test(size=SIZE) as pilot:
        rows = await _to_confirm(pilot)
        script = str(app.screen.query_one("#confirm-script", Static).render())
        held = _holds(sqlite_store)
        await pilot.press("enter")
        await _settle(pilot)
        back_on = app.screen
        notes = [n.message for n in app._notifications]
    # Friday noon: the next open follow-up is Monday 8:00 with Okafor (Boston time)
    assert rows[0] == "Mon 03/09 08:00 AM EDT"
    assert "Follow-up on Monday, March 9, 2026 at 8:00 AM EDT" in script
    assert "with Amara Okafor MD" in script and "at Test Site" in script
    assert len(held) == 1
    booked = _appointments(sqlite_store, engine.patients[3])
    assert [(a.status, a.start.replace(tzinfo=UTC)) for a in booked] == [
        ("booked", engine.at(datetime(2026, 3, 9).date(), 8))
    ]
    assert _holds(sqlite_store) == []  # the hold became the booking
    assert isinstance(back_on, WorkspaceScreen)
    assert any(n.startswith("Booked: appointment") for n in notes)


async def test_not_now_lets_the_held_time_go_and_books_nothing(
    sqlite_store: Store, clinic: tuple[EngineClinic, Staff]
) -> None:
    engine, staff = clinic
    app = _app(sqlite_store, staff)
    async with app.run_test(size=SIZE) as pilot:
        await _to_confirm(pilot)
        await pilot.press("escape")
        await _settle(pilot)
        screen = app.screen
    assert isinstance(screen, BookingScreen)
    assert _holds(sqlite_store) == []
    assert _appointments(sqlite_store, engine.patients[3]) == []


async def test_an_unknown_visit_type_says_so(
    sqlite_store: Store, clinic: tuple[EngineClinic, Staff]
) -> None:
    _, staff = clinic
    app = _app(sqlite_store, staff)
    async with app.run_test(size=SIZE) as pilot:
        await _open_booking(pilot)
        await pilot.press(*"zzqx", "enter")
        await _settle(pilot)
        status = str(app.screen.query_one("#booking-status", Static).render())
        typed = app.screen.query_one("#booking-type", Input).value
    assert "No visit type matches" in status and typed == "zzqx"


async def test_book_needs_an_open_patient(
    sqlite_store: Store, clinic: tuple[EngineClinic, Staff]
) -> None:
    _, staff = clinic
    app = _app(sqlite_store, staff)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await pilot.press("ctrl+b")
        await _settle(pilot)
        screen = app.screen
        notes = [n.message for n in app._notifications]
    assert isinstance(screen, WorkspaceScreen)
    assert any("Open a patient first" in n for n in notes)


def test_confirm_snapshot(
    sqlite_store: Store, clinic: tuple[EngineClinic, Staff], snap_compare: Any
) -> None:
    _, staff = clinic

    async def run_before(pilot: Pilot[Any]) -> None:
        await _to_confirm(pilot)

    assert snap_compare(_app(sqlite_store, staff), terminal_size=SIZE, run_before=run_before)


async def test_a_time_taken_meanwhile_is_refused_plainly_and_nothing_is_held(
    sqlite_store: Store, clinic: tuple[EngineClinic, Staff]
) -> None:
    engine, staff = clinic
    app = _app(sqlite_store, staff)
    async with app.run_test(size=SIZE) as pilot:
        await _open_booking(pilot)
        await pilot.press(*"follow", "enter")
        await _settle(pilot)
        first = engine.at(datetime(2026, 3, 9).date(), 8)
        other = BookingRequest(engine.patients[5], engine.okafor, "FU", first)
        book(sqlite_store, staff.supervisor, other, now=NOW)  # another scheduler, meanwhile
        await pilot.press("enter")
        await _settle(pilot)
        screen = app.screen
        notes = [n.message for n in app._notifications]
    assert isinstance(screen, BookingScreen)
    assert _holds(sqlite_store) == []
    assert _appointments(sqlite_store, engine.patients[3]) == []
    assert notes == ["Cannot hold that time: Dr. Amara Okafor is already booked then."]
