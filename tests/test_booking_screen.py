"""Booking from the workspace: type, open times, a hold, the read-back, booked."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from rich.text import Text
from sqlmodel import col, select
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, OptionList, Static

from schedtui.app import SchedApp, create_app
from schedtui.core.schedule.booking import BookingRequest
from schedtui.core.schedule.waitlist import WaitlistRequest, add_to_waitlist
from schedtui.core.security.session import SessionStart
from schedtui.core.support.clock import FrozenClock
from schedtui.data import models as m
from schedtui.data.store import Store
from schedtui.screens.booking import BookingScreen, ConfirmScreen
from schedtui.screens.calendar import CalendarScreen
from schedtui.screens.reasons import ReasonPicker
from schedtui.screens.workspace import WorkspaceScreen
from schedtui.settings import load_settings
from schedtui.widgets.visit_table import VisitTable
from tests.builders import Staff, add_staff, book_self_pay
from tests.engine_clinic import EngineClinic, build_engine_clinic

NOW = datetime(2026, 3, 6, 17, 0, tzinfo=UTC)  # Friday noon in Boston
SIZE = (140, 34)
#: The test patients have no coverage: booking them is an override, and says why.
SELF_PAY = "self-pay, card to follow"


@pytest.fixture
def clinic(sqlite_store: Store) -> tuple[EngineClinic, Staff]:
    return build_engine_clinic(sqlite_store), add_staff(sqlite_store)


def _app(store: Store, staff: Staff) -> SchedApp:
    start = SessionStart(staff.scheduler, False, "ava_os", caller_query="E0003")
    return create_app(
        load_settings(clinic_name="Test Clinic"), store, FrozenClock(NOW), start=start
    )


async def _settle(pilot: Pilot[Any]) -> None:
    """Let the screen finish its work (not the calendar's PostgreSQL listener, which runs
    as long as the calendar is open)."""
    for _ in range(4):
        await pilot.pause()
        busy = [w for w in pilot.app.workers if w.group != "listen"]
        if busy:  # (an empty list would mean every worker)
            await pilot.app.workers.wait_for_complete(busy)
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
        await pilot.press(*SELF_PAY, "enter")
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
        book_self_pay(
            sqlite_store, staff.supervisor, other, now=NOW
        )  # another scheduler, meanwhile
        await pilot.press("enter")
        await _settle(pilot)
        screen = app.screen
        notes = [n.message for n in app._notifications]
    assert isinstance(screen, BookingScreen)
    assert _holds(sqlite_store) == []
    assert _appointments(sqlite_store, engine.patients[3]) == []
    assert notes == ["Cannot hold that time: Dr. Amara Okafor is already booked then."]


def _booked_for_pat3(store: Store, engine: EngineClinic, staff: Staff, hour: int = 9) -> int:
    monday = datetime(2026, 3, 9).date()
    request = BookingRequest(engine.patients[3], engine.okafor, "FU", engine.at(monday, hour))
    return book_self_pay(store, staff.scheduler, request, now=NOW)


async def _to_visits(pilot: Pilot[Any]) -> None:
    """Open Pat3 and move to their upcoming visits (F8)."""
    await _settle(pilot)
    await pilot.press("enter")
    await _settle(pilot)
    await pilot.press("f8")
    await _settle(pilot)


async def test_cancel_from_the_panel_asks_why_in_plain_words(
    sqlite_store: Store, clinic: tuple[EngineClinic, Staff]
) -> None:
    engine, staff = clinic
    visit = _booked_for_pat3(sqlite_store, engine, staff)
    app = _app(sqlite_store, staff)
    async with app.run_test(size=SIZE) as pilot:
        await _to_visits(pilot)
        assert isinstance(app.focused, VisitTable) and app.focused.row_count == 1
        await pilot.press("c")
        await _settle(pilot)
        assert isinstance(app.screen, ReasonPicker)
        question = str(app.screen.query_one("#reasons-question", Static).render())
        await pilot.press(*"zebra")
        await _settle(pilot)
        empty_hint = str(app.screen.query_one("#reasons-hint", Static).render())
        await pilot.press(*["backspace"] * 5, *"transport")
        await _settle(pilot)
        offered = app.screen.query_one("#reasons-list", OptionList)
        shown = [str(offered.get_option_at_index(i).prompt) for i in range(offered.option_count)]
        await pilot.press("enter")
        await _settle(pilot)
        title = str(app.screen.query_one("#visits-title", Static).render())
        notes = [n.message for n in app._notifications]
    assert question == "Cancel Mon 03/09/2026 09:00 AM EDT FU with A. Okafor? Why is it cancelled?"
    assert shown == ["Patient: lack of transportation"]
    assert empty_hint.startswith("Nothing here has the words 'zebra'; delete some.")
    [row] = _appointments(sqlite_store, engine.patients[3])
    assert (row.id, row.status, row.cancellation_reason) == (visit, "cancelled", "pat-lt")
    assert not row.late_cancel  # Friday noon for Monday 9:00 is more than 24 hours ahead
    assert "Cancelled Mon 03/09/2026 09:00 AM EDT." in notes
    assert title == "No upcoming visits (Ctrl+B books one)"


async def test_cancelling_from_the_panel_says_who_on_the_waitlist_fits(
    sqlite_store: Store, clinic: tuple[EngineClinic, Staff]
) -> None:
    engine, staff = clinic
    _booked_for_pat3(sqlite_store, engine, staff)
    wish = WaitlistRequest(engine.patients[5], "FU", date(2026, 3, 6), provider_id=engine.okafor)
    add_to_waitlist(sqlite_store, staff.supervisor, wish, now=NOW)
    app = _app(sqlite_store, staff)
    async with app.run_test(size=SIZE) as pilot:
        await _to_visits(pilot)
        await pilot.press("c", *"transport", "enter")
        await _settle(pilot)
        notes = [n.message for n in app._notifications]
    assert (
        "Cancelled Mon 03/09/2026 09:00 AM EDT. 1 waitlist patient fits the freed time: "
        "W on the calendar (F10) offers it." in notes
    )


async def test_escape_in_the_reason_picker_keeps_the_visit(
    sqlite_store: Store, clinic: tuple[EngineClinic, Staff]
) -> None:
    engine, staff = clinic
    _booked_for_pat3(sqlite_store, engine, staff)
    app = _app(sqlite_store, staff)
    async with app.run_test(size=SIZE) as pilot:
        await _to_visits(pilot)
        await pilot.press("c", "escape")
        await _settle(pilot)
        screen = app.screen
    assert isinstance(screen, WorkspaceScreen)
    assert [a.status for a in _appointments(sqlite_store, engine.patients[3])] == ["booked"]


async def test_reschedule_from_the_panel_moves_the_visit_in_one_step(
    sqlite_store: Store, clinic: tuple[EngineClinic, Staff]
) -> None:
    engine, staff = clinic
    old = _booked_for_pat3(sqlite_store, engine, staff)
    app = _app(sqlite_store, staff)
    async with app.run_test(size=SIZE) as pilot:
        await _to_visits(pilot)
        await pilot.press("r")
        await _settle(pilot)
        await pilot.press(*"pro pers", "enter")  # "Provider: personal"
        await _settle(pilot)
        assert isinstance(app.screen, BookingScreen)
        chosen_type = app.screen.query_one("#booking-type", Input).value
        await pilot.press("enter")  # the first open time: Monday 8:00, overlapping nothing
        await _settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        moving = str(app.screen.query_one("#confirm-moving", Static).render())
        await pilot.press(*SELF_PAY, "enter")
        await _settle(pilot)
        back_on = app.screen
        notes = [n.message for n in app._notifications]
    monday = datetime(2026, 3, 9).date()
    assert chosen_type.startswith("FU ")
    assert moving == (
        "This replaces the visit on Mon 03/09/2026 09:00 AM EDT, which is cancelled "
        "(Provider: personal)."
    )
    rows = {a.id: a for a in _appointments(sqlite_store, engine.patients[3])}
    assert (rows[old].status, rows[old].cancellation_reason) == ("cancelled", "prov-pers")
    [new] = [a for a in rows.values() if a.id != old]
    assert new.status == "booked" and new.previous_appointment_id == old
    assert new.start.replace(tzinfo=UTC) == engine.at(monday, 8)
    assert _holds(sqlite_store) == [] and isinstance(back_on, WorkspaceScreen)
    assert any(n.startswith("Moved: the visit is now appointment") for n in notes)


async def test_the_reason_for_the_visit_is_booked_with_it(
    sqlite_store: Store, clinic: tuple[EngineClinic, Staff]
) -> None:
    engine, staff = clinic
    app = _app(sqlite_store, staff)
    async with app.run_test(size=SIZE) as pilot:
        await _open_booking(pilot)
        await pilot.press("tab", *"knee [b]pain", "shift+tab", *"follow", "enter")
        await _settle(pilot)
        await pilot.press("enter")
        await _settle(pilot)
        await pilot.press(*SELF_PAY, "enter")
        await _settle(pilot)
    [booked] = _appointments(sqlite_store, engine.patients[3])
    assert booked.reason == "knee [b]pain"


async def test_a_reason_too_long_is_refused_before_anything_is_held(
    sqlite_store: Store, clinic: tuple[EngineClinic, Staff]
) -> None:
    engine, staff = clinic
    app = _app(sqlite_store, staff)
    async with app.run_test(size=SIZE) as pilot:
        await _open_booking(pilot)
        app.screen.query_one("#booking-reason", Input).value = "x" * 501
        await pilot.press(*"follow", "enter")
        await _settle(pilot)
        await pilot.press("enter")
        await _settle(pilot)
        screen = app.screen
        notes = [n.message for n in app._notifications]
    assert isinstance(screen, BookingScreen)
    assert notes == ["The reason for the visit: at most 500 characters."]
    assert _holds(sqlite_store) == [] and _appointments(sqlite_store, engine.patients[3]) == []


def test_panel_with_visits_and_reason_picker_snapshot(
    sqlite_store: Store, clinic: tuple[EngineClinic, Staff], snap_compare: Any
) -> None:
    """120x40: the open patient's upcoming visit and the reasons offered to cancel it."""
    engine, staff = clinic
    _booked_for_pat3(sqlite_store, engine, staff)

    async def run_before(pilot: Pilot[Any]) -> None:
        await _to_visits(pilot)
        await pilot.press("c", *"pat")
        await _settle(pilot)

    app = _app(sqlite_store, staff)
    assert snap_compare(app, terminal_size=(120, 40), run_before=run_before)


async def test_the_palette_offers_every_key_the_footer_shows(
    sqlite_store: Store, clinic: tuple[EngineClinic, Staff]
) -> None:
    engine, staff = clinic
    _booked_for_pat3(sqlite_store, engine, staff)
    app = _app(sqlite_store, staff)
    async with app.run_test(size=SIZE) as pilot:
        await _to_visits(pilot)
        commands = {c.title: c for c in app.get_system_commands(app.screen)}
        await commands["Cancel visit"].callback()  # type: ignore[misc]
        await _settle(pilot)
        opened = app.screen
    for title in ("Book", "New patient", "File note", "Visits", "Reschedule", "Call workspace"):
        assert title in commands, sorted(commands)
    assert (
        "(c)" in commands["Cancel visit"].help
        and "Cancel the visit" in commands["Cancel visit"].help
    )
    assert isinstance(opened, ReasonPicker)


def test_small_terminal_high_contrast_snapshot(
    sqlite_store: Store, clinic: tuple[EngineClinic, Staff], snap_compare: Any
) -> None:
    """80x24 in the high-contrast theme: the open patient takes the width, the call note
    shrinks, every upcoming visit's column shows."""
    engine, staff = clinic
    _booked_for_pat3(sqlite_store, engine, staff)
    start = SessionStart(staff.scheduler, False, "ava_os", caller_query="E0003")
    settings = load_settings(clinic_name="Test Clinic", theme="schedtui-high-contrast")
    app = create_app(settings, sqlite_store, FrozenClock(NOW), start=start)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_to_visits)


def test_small_terminal_open_times_snapshot(
    sqlite_store: Store, clinic: tuple[EngineClinic, Staff], snap_compare: Any
) -> None:
    """80x24: the open times fit, and the whole of why the highlighted one fits is below."""
    _, staff = clinic

    async def run_before(pilot: Pilot[Any]) -> None:
        await _open_booking(pilot)
        await pilot.press(*"follow", "enter")
        await _settle(pilot)

    assert snap_compare(_app(sqlite_store, staff), terminal_size=(80, 24), run_before=run_before)


async def test_the_high_contrast_theme_is_offered(
    sqlite_store: Store, clinic: tuple[EngineClinic, Staff]
) -> None:
    _, staff = clinic
    settings = load_settings(theme="schedtui-high-contrast")
    start = SessionStart(staff.scheduler, False, "ava_os")
    app = create_app(settings, sqlite_store, FrozenClock(NOW), start=start)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        theme, notes = app.theme, [n.message for n in app._notifications]
    assert theme == "schedtui-high-contrast" and notes == []


async def test_the_call_note_is_linked_to_the_visit_the_call_booked(
    sqlite_store: Store, clinic: tuple[EngineClinic, Staff]
) -> None:
    engine, staff = clinic
    app = _app(sqlite_store, staff)
    async with app.run_test(size=SIZE) as pilot:
        await _to_confirm(pilot)
        await pilot.press(*SELF_PAY, "enter")
        await _settle(pilot)
        await pilot.press("f5", *"booked fu", "ctrl+s")
        await _settle(pilot)
    [booked] = _appointments(sqlite_store, engine.patients[3])
    with sqlite_store.read() as session:
        filed = session.exec(select(m.CallNote).where(col(m.CallNote.is_draft).is_(False))).all()
    assert [(n.body, n.patient_id, n.appointment_id) for n in filed] == [
        ("booked fu", engine.patients[3], booked.id)
    ]


async def test_the_call_note_is_linked_to_the_visit_the_call_cancelled(
    sqlite_store: Store, clinic: tuple[EngineClinic, Staff]
) -> None:
    engine, staff = clinic
    visit = _booked_for_pat3(sqlite_store, engine, staff)
    app = _app(sqlite_store, staff)
    async with app.run_test(size=SIZE) as pilot:
        await _to_visits(pilot)
        await pilot.press("c", *"feeling", "enter")
        await _settle(pilot)
        await pilot.press("f5", *"cancelled, feels better", "ctrl+s")
        await _settle(pilot)
    with sqlite_store.read() as session:
        filed = session.exec(select(m.CallNote).where(col(m.CallNote.is_draft).is_(False))).all()
    assert [(n.patient_id, n.appointment_id) for n in filed] == [(engine.patients[3], visit)]


async def test_open_insurance_items_need_a_reason_which_the_audit_keeps(
    sqlite_store: Store, clinic: tuple[EngineClinic, Staff]
) -> None:
    engine, staff = clinic
    app = _app(sqlite_store, staff)
    async with app.run_test(size=SIZE) as pilot:
        await _to_confirm(pilot)
        open_items = str(app.screen.query_one("#confirm-open", Static).render())
        await pilot.press("enter")  # no reason yet
        await _settle(pilot)
        still = app.screen
        notes = [n.message for n in app._notifications]
        await pilot.press(*SELF_PAY, "enter")
        await _settle(pilot)
    assert isinstance(still, ConfirmScreen)
    assert "Say why you book despite the open insurance items (or Esc)." in notes
    assert "Coverage: none on file" in open_items
    [booked] = _appointments(sqlite_store, engine.patients[3])
    with sqlite_store.read() as session:
        row = session.exec(
            select(m.AuditEvent)
            .where(col(m.AuditEvent.entity) == "appointment")
            .where(col(m.AuditEvent.action) == "create")
        ).one()
    override = json.loads(row.detail_json)["insurance_override"]
    assert override["reason"] == SELF_PAY
    assert override["open_items"][0].startswith("Coverage: none on file")
    assert row.entity_id == str(booked.id)


async def test_an_open_time_shows_in_the_calendar_and_back(
    sqlite_store: Store, clinic: tuple[EngineClinic, Staff]
) -> None:
    """Ctrl+G on an offered time opens the calendar on that day with the cursor on the
    provider's time; Esc comes back to the open times."""
    app = _app(sqlite_store, clinic[1])
    async with app.run_test(size=SIZE) as pilot:
        await _open_booking(pilot)
        await pilot.press(*"follow", "enter")
        await _settle(pilot)
        booking = app.screen
        assert isinstance(booking, BookingScreen)
        await pilot.press("down", "down", "ctrl+g")
        await _settle(pilot)
        offered = booking.slots[2]
        calendar = app.screen
        assert isinstance(calendar, CalendarScreen) and calendar.grid is not None
        row, column = calendar.grid_view().cursor
        shown = (
            calendar.grid.day,
            calendar.grid.columns[column].provider_id,
            calendar.grid.rows[row],
        )
        await pilot.press("escape")
        await _settle(pilot)
        back_on = app.screen
    local = offered.start.astimezone(ZoneInfo("America/New_York"))
    floor = local.replace(minute=local.minute - local.minute % 15).time()
    assert shown == (local.date(), offered.provider_id, floor)
    assert back_on is booking
