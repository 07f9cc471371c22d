"""The calendar grid: the day as an appointment book, the `day` command, the screen and
its live updates from another scheduler's process."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, select
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static

from schedtui.app import SchedApp, create_app
from schedtui.cli import run
from schedtui.core.schedule.blocks import BlockRequest, add_block
from schedtui.core.schedule.booking import BookingRequest
from schedtui.core.schedule.provider_lists import provider_lists, save_provider_list
from schedtui.core.security import users
from schedtui.core.security.access import Actor, PermissionDenied
from schedtui.core.security.session import SessionStart
from schedtui.core.support.clock import FrozenClock
from schedtui.core.support.errors import BadInput
from schedtui.core.support.spoken_dates import spoken_day
from schedtui.core.upkeep.stores import open_store
from schedtui.core.views.day_grid import Column, DayGrid, day_grid, now_rows, row_label, week_grid
from schedtui.data import models as m
from schedtui.data.store import Store
from schedtui.screens.booking import ConfirmScreen
from schedtui.screens.calendar import CalendarScreen
from schedtui.settings import load_settings
from schedtui.widgets.appointment_card_view import AppointmentCardView
from schedtui.widgets.calendar_grid import CalendarGrid
from schedtui.widgets.visit_table import VisitTable
from tests.builders import Staff, add_staff, book_self_pay
from tests.cli_helpers import link_first_admin
from tests.conftest import SEED_NOW
from tests.engine_clinic import EngineClinic, build_engine_clinic
from tests.test_booking_screen import NOW, _app, _settle

MONDAY = date(2026, 3, 9)  # the first Monday of daylight time: times read in EDT


@pytest.fixture
def clinic(sqlite_store: Store) -> tuple[EngineClinic, Staff]:
    return build_engine_clinic(sqlite_store), add_staff(sqlite_store)


def _book(
    store: Store, engine: EngineClinic, staff: Staff, patient: int, hour: int, **extra: Any
) -> int:
    request = BookingRequest(
        engine.patients[patient], engine.okafor, "FU", engine.at(MONDAY, hour), **extra
    )
    return book_self_pay(store, staff.supervisor, request, now=NOW)


def test_the_grid_reads_like_an_appointment_book(
    sqlite_store: Store, clinic: tuple[EngineClinic, Staff]
) -> None:
    engine, staff = clinic
    first = _book(sqlite_store, engine, staff, 1, 9)
    _book(sqlite_store, engine, staff, 2, 9, overbook=True, overbook_reason="urgent")
    with sqlite_store.read() as session:
        grid = day_grid(session, MONDAY, zoom=15)
        coarse = day_grid(session, MONDAY, zoom=30)
    names = [c.name for c in grid.columns]
    rows = [f"{at:%H:%M}" for at in grid.rows]
    okafor = names.index("Okafor, A.")
    at = {label: rows.index(label) for label in ("08:00", "09:00", "09:15", "10:00", "12:00")}
    nine = grid.cell(at["09:00"], okafor)
    assert names == ["Okafor, A.", "Ortega, L."] and rows[0] == "08:00" and rows[-1] == "16:45"
    assert (nine.kind, nine.appointment_id, nine.overbooked) == ("visit", first, True)
    assert nine.text == "● Test P FU +1" and nine.first
    assert (
        grid.cell(at["09:15"], okafor).kind == "visit" and not grid.cell(at["09:15"], okafor).first
    )
    assert (grid.cell(at["10:00"], okafor).kind, grid.cell(at["10:00"], okafor).text) == (
        "block",
        "admin: Charting",
    )
    assert grid.cell(at["08:00"], okafor).kind == "open"
    assert grid.cell(at["12:00"], okafor).kind == "off"  # Okafor works mornings
    assert len(coarse.rows) * 2 == len(grid.rows)
    assert (
        json.loads(json.dumps(grid.to_json()))["rows"][at["09:00"]]["cells"][okafor]["status"]
        == "booked"
    )


@pytest.mark.parametrize(
    ("said", "meant"),
    [
        ("today", date(2026, 11, 27)),
        ("tomorrow", date(2026, 11, 28)),
        ("next tue", date(2026, 12, 1)),
        ("next fri", date(2026, 12, 4)),
        ("dec 3", date(2026, 12, 3)),
        ("12/3", date(2026, 12, 3)),
        ("+2w", date(2026, 12, 11)),
        ("-3d", date(2026, 11, 24)),
        ("2027-01-15", date(2027, 1, 15)),
    ],
)
def test_days_as_people_say_them(said: str, meant: date) -> None:
    assert spoken_day(said, date(2026, 11, 27)) == meant  # a Friday


@pytest.mark.parametrize(
    ("said", "meant"),
    [
        ("tue", date(2026, 12, 1)),  # the coming Tuesday: tomorrow
        ("this tue", date(2026, 12, 1)),
        ("next tue", date(2026, 12, 8)),  # next week's, as US callers mean it
        ("next mon", date(2026, 12, 7)),
        ("mon", date(2026, 11, 30)),  # today counts
        ("last fri", date(2026, 11, 27)),
    ],
)
def test_next_said_on_a_monday_means_next_week(said: str, meant: date) -> None:
    assert spoken_day(said, date(2026, 11, 30)) == meant  # a Monday


def test_a_day_that_cannot_be_read_says_what_works() -> None:
    with pytest.raises(BadInput, match="try 'next tue', 'dec 3', '\\+2w'"):
        spoken_day("the day after never", date(2026, 11, 27))


def test_a_visit_outside_anyones_hours_still_shows(
    sqlite_store: Store, clinic: tuple[EngineClinic, Staff]
) -> None:
    """A visit a template change left at 18:00 on a Saturday: Okafor gets a column and the
    rows reach it, so it can be seen and moved."""
    engine, staff = clinic
    visit = _book(sqlite_store, engine, staff, 3, 9)
    saturday = date(2026, 3, 14)
    with sqlite_store.write() as session:
        moved = session.get(m.Appointment, visit)
        assert moved is not None
        moved.start, moved.end = engine.at(saturday, 18), engine.at(saturday, 18, 20)
    with sqlite_store.read() as session:
        grid = day_grid(session, saturday, zoom=15)
    at = {row_label(t): r for r, t in enumerate(grid.rows)}
    assert [c.name for c in grid.columns] == ["Okafor, A."]
    assert grid.cell(at["18:00"], 0).text == "● Test P FU"


def test_the_current_time_falls_in_each_columns_own_site_time() -> None:
    """10:10 in Boston is 9:10 in Chicago: the line crosses the 10:00 row of a Boston
    column and the 09:00 row of a Chicago one; another day's column has none."""
    rows = [clock_time(h, m) for h in range(8, 12) for m in (0, 15, 30, 45)]
    columns = [
        Column(1, "Boston", "BOS", "America/New_York"),
        Column(2, "Chicago", "CHI", "America/Chicago"),
        Column(3, "Tomorrow", "BOS", "America/New_York", date(2026, 3, 7)),
    ]
    grid = DayGrid(date(2026, 3, 6), 15, columns, rows)
    found = now_rows(grid, datetime(2026, 3, 6, 15, 10, tzinfo=UTC))
    assert {c: row_label(rows[r]) for c, r in found.items()} == {0: "10:00", 1: "09:00"}


def test_the_header_names_the_zone_the_times_are_in() -> None:
    """One zone: the time column is headed by it; two zones: each column names its own."""
    rows = [clock_time(9, 0)]
    boston = Column(1, "Boston", "BOS", "America/New_York")
    chicago = Column(2, "Chicago", "CHI", "America/Chicago")
    view = CalendarGrid()
    view.grid = DayGrid(date(2026, 3, 6), 15, [boston], rows)
    one = view.headings()
    view.grid = DayGrid(date(2026, 3, 6), 15, [boston, chicago], rows)
    two = view.headings()
    view.grid = DayGrid(date(2026, 3, 9), 15, [boston], rows)  # summer time began on the 8th
    summer = view.headings()
    assert one == ["EST", "Boston"]
    assert two == ["Time", "Boston EST", "Chicago CST"]
    assert summer == ["EDT", "Boston"]


def test_the_day_command_prints_the_grid(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "clinic.db"
    store = open_store(str(path), now=NOW).store
    engine = build_engine_clinic(store)
    someone = Actor(None, "sue", "supervisor")
    request = BookingRequest(engine.patients[1], engine.okafor, "FU", engine.at(MONDAY, 9))
    book_self_pay(store, someone, request, now=NOW)
    store.dispose()
    monkeypatch.setattr("schedtui.cli.SystemClock", lambda: FrozenClock(NOW))
    link_first_admin(str(path), monkeypatch, capsys)
    assert run(["day", "--date", "mon", "--db", str(path)]) == 0
    text = capsys.readouterr().out.splitlines()
    assert text[0] == "Monday 09 March 2026 (15-minute rows; · open)"
    assert text[1].split() == ["Okafor,", "A.", "Ortega,", "L."]
    assert any(line.startswith("09:00 ● Test P FU") for line in text)
    assert run(["day", "--date", "2026-03-09", "--zoom", "30", "--json", "--db", str(path)]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["zoom_minutes"] == 30 and shown["providers"][0]["zone"] == "America/New_York"
    for argv, message in (
        (["--date", "someday"], "'someday' is not a day I can read"),
        (["--site", "NOPE"], "There is no site 'NOPE'; the sites are"),
        (["--zoom", "7"], "Zoom 7 is not one of 5, 10, 15, 30 minutes."),
    ):
        assert run(["day", *argv, "--db", str(path)]) == 2
        assert message in capsys.readouterr().err


def _grid_text(app: Any) -> list[list[str]]:
    return list(app.screen.query_one("#grid", CalendarGrid).row_texts())


async def _open_monday(pilot: Pilot[Any]) -> None:
    await _settle(pilot)
    await pilot.press("f10")
    await _settle(pilot)
    await pilot.press("g")
    await _settle(pilot)
    await pilot.press(*"mon", "enter")
    await _settle(pilot)


async def test_the_calendar_moves_by_day_and_opens_a_visit(
    sqlite_store: Store, clinic: tuple[EngineClinic, Staff]
) -> None:
    engine, staff = clinic
    _book(sqlite_store, engine, staff, 3, 9)
    app = _app(sqlite_store, staff)
    async with app.run_test(size=(120, 40)) as pilot:
        await _open_monday(pilot)
        assert isinstance(app.screen, CalendarScreen)
        title = str(app.screen.query_one("#grid-title", Static).render())
        monday = _grid_text(app)
        await pilot.press("j", "j", "j", "j", "enter")  # down to 09:00 in Okafor's column
        await _settle(pilot)
        card = str(app.screen.query_one(AppointmentCardView).render())
        await pilot.press("escape", "]")
        await _settle(pilot)
        tuesday = str(app.screen.query_one("#grid-title", Static).render())
        await pilot.press("g", *"someday", "enter")
        await _settle(pilot)
        notes = [n.message for n in app._notifications]
    assert title.startswith("Monday 09 March 2026 · all sites · 2 providers · 15-minute rows")
    assert monday[4][:2] == ["09:00", "● Test P FU"]
    assert "Test, Pat3" in card
    assert tuesday.startswith("Tuesday 10 March 2026")
    assert any("'someday' is not a day I can read" in n for n in notes)


def _on_screen(app: Any) -> list[str]:
    view = app.screen.query_one("#grid", CalendarGrid)
    return [view.render_line(y).text for y in range(view.size.height)]


async def test_the_grid_keeps_the_cursor_in_sight_on_a_small_terminal(
    sqlite_store: Store, clinic: tuple[EngineClinic, Staff]
) -> None:
    """At 80x24 the day is taller than the screen: the time column and the providers stay
    put while the rows scroll to follow the cursor, down to the last row and back."""
    app = _app(sqlite_store, clinic[1])
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_monday(pilot)
        top = _on_screen(app)
        await pilot.press("end")
        await _settle(pilot)
        bottom = _on_screen(app)
        await pilot.press("l", "l", "l")  # only two providers: the cursor stops at the last
        cursor = app.screen.query_one("#grid", CalendarGrid).cursor
        await pilot.press("home")
        await _settle(pilot)
        again = _on_screen(app)
    assert top[0].split() == ["EDT", "Okafor,", "A.", "Ortega,", "L."]
    assert top[1].startswith(" 08:00") and not any("16:45" in line for line in top)
    assert bottom[0] == top[0] and any(line.startswith(" 16:45") for line in bottom)
    assert not any(line.startswith(" 08:00") for line in bottom)
    assert cursor == (35, 1) and again == top


#: Another scheduler's process books Okafor at 8:00 on Monday.
ELSEWHERE = """
import sys
from tests.test_calendar import book_elsewhere
book_elsewhere(sys.argv[1], 8)
"""


def book_elsewhere(path: str, hour: int) -> None:
    """Book Okafor at `hour` (EDT) on Monday for the sixth patient, as another process."""
    store = Store.open(path)
    with store.read() as session:
        patient = session.exec(select(m.Patient).order_by(col(m.Patient.id))).all()[5]
        okafor = session.exec(select(m.Provider).where(m.Provider.last_name == "Okafor")).one()
    start = datetime(2026, 3, 9, hour + 4, tzinfo=UTC)  # EDT is UTC-4
    request = BookingRequest(patient.id or 0, okafor.id or 0, "FU", start)
    book_self_pay(store, Actor(None, "other.scheduler", "supervisor"), request, now=NOW)
    store.dispose()


def _kept_notices(app: Any) -> list[str]:
    """Every notice the app shows, kept after it has timed out on screen."""
    kept: list[str] = []
    shown = app.notify

    def notify(message: str, *args: Any, **kwargs: Any) -> None:
        kept.append(str(message))
        shown(message, *args, **kwargs)

    app.notify = notify
    return kept


async def _book_in_another_process(target: str) -> subprocess.CompletedProcess[str]:
    """Another scheduler's process books Okafor at 8:00 on Monday in the store `target`."""
    return await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-c", ELSEWHERE, target],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).parent.parent,
    )


async def test_another_schedulers_booking_shows_within_two_seconds(
    sqlite_store: Store, clinic: tuple[EngineClinic, Staff]
) -> None:
    _, staff = clinic
    app = _app(sqlite_store, staff)
    notes = _kept_notices(app)  # a notice may expire while the other process winds down
    async with app.run_test(size=(120, 40)) as pilot:
        await _open_monday(pilot)
        before = _grid_text(app)[0][1]  # 08:00, Okafor: the cursor starts here
        other = await _book_in_another_process(str(sqlite_store.path))
        booked_at = time.monotonic()
        while _grid_text(app)[0][1] == before and time.monotonic() - booked_at < 5:
            await pilot.pause(0.1)
        waited = time.monotonic() - booked_at
        after = _grid_text(app)[0][1]
    assert other.returncode == 0, other.stderr
    assert before == "·" and after.startswith("● ") and after.endswith(" FU")
    assert waited < 2.0, f"the grid took {waited:.1f} s"
    assert "The time under the cursor was just booked by someone else." in notes


async def test_on_postgresql_a_change_shows_at_once_without_waiting_to_poll(
    pg_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """LISTEN/NOTIFY: with the feed looked at only every 30 s, another process's booking
    still shows within 2 s, because its commit announces the change."""
    monkeypatch.setattr("schedtui.screens.calendar.WATCH_SECONDS", 30.0)
    build_engine_clinic(pg_store)
    app = _app(pg_store, add_staff(pg_store))
    async with app.run_test(size=(120, 40)) as pilot:
        await _open_monday(pilot)
        await pilot.pause(0.5)  # the listening connection is up
        before = _grid_text(app)[0][1]
        other = await _book_in_another_process(pg_store.url.render_as_string(False))
        booked_at = time.monotonic()
        while _grid_text(app)[0][1] == before and time.monotonic() - booked_at < 5:
            await pilot.pause(0.1)
        waited = time.monotonic() - booked_at
        after = _grid_text(app)[0][1]
    assert other.returncode == 0, other.stderr
    assert before == "·" and after.endswith(" FU")
    assert waited < 2.0, f"the grid took {waited:.1f} s"


async def test_only_the_days_looked_at_are_in_the_audit_trail(
    sqlite_store: Store, clinic: tuple[EngineClinic, Staff]
) -> None:
    """Each day or week shown is one audited look; the days read ahead, a zoom and the
    redraws after changes are not looks (the workspace's own look at today has no view)."""
    app = _app(sqlite_store, clinic[1])
    async with app.run_test(size=(120, 40)) as pilot:
        await _open_monday(pilot)  # today (Friday), then Monday
        await pilot.press("]", "plus", "w")
        await _settle(pilot)
    with sqlite_store.read() as session:
        looks = session.exec(
            select(m.AuditEvent)
            .where(col(m.AuditEvent.entity) == "schedule")
            .order_by(col(m.AuditEvent.id))
        ).all()
    shown = [(v.entity_id, json.loads(v.detail_json).get("view")) for v in looks]
    assert [look for look in shown if look[1]] == [
        ("2026-03-06", "grid"),
        ("2026-03-09", "grid"),
        ("2026-03-10", "grid"),
        ("2026-03-09", "week"),
    ]
    assert all(v.username == "ava.jensen" for v in looks)


def test_calendar_snapshot(
    sqlite_store: Store, clinic: tuple[EngineClinic, Staff], snap_compare: Any
) -> None:
    """Monday at 120x40: a visit, an overbooking, the admin block, open and off time."""
    engine, staff = clinic
    _book(sqlite_store, engine, staff, 1, 9)
    _book(sqlite_store, engine, staff, 2, 9, overbook=True, overbook_reason="urgent")
    _book(sqlite_store, engine, staff, 3, 11)
    assert snap_compare(_app(sqlite_store, staff), terminal_size=(120, 40), run_before=_open_monday)


def test_week_snapshot(
    sqlite_store: Store, clinic: tuple[EngineClinic, Staff], snap_compare: Any
) -> None:
    """Okafor's week at 160x40: Monday's visit and overbooking, Thursday's visit, the daily
    admin block, the snow day (Wednesday) and the weekend off."""
    engine, staff = clinic
    _book(sqlite_store, engine, staff, 1, 9)
    _book(sqlite_store, engine, staff, 2, 9, overbook=True, overbook_reason="urgent")
    thursday = BookingRequest(
        engine.patients[4], engine.okafor, "FU", engine.at(date(2026, 3, 12), 11)
    )
    book_self_pay(sqlite_store, staff.supervisor, thursday, now=NOW)

    async def run_before(pilot: Pilot[Any]) -> None:
        await _open_monday(pilot)
        await pilot.press("w")
        await _settle(pilot)

    assert snap_compare(_app(sqlite_store, staff), terminal_size=(160, 40), run_before=run_before)


async def test_the_current_time_runs_across_the_day_as_a_line(
    sqlite_store: Store, clinic: tuple[EngineClinic, Staff]
) -> None:
    """Friday 10:10 in Boston: the 10:00 row is underlined across every provider; after the
    day's last row, no row is."""
    staff = clinic[1]
    app = _app(sqlite_store, staff)
    app.clock = FrozenClock(datetime(2026, 3, 6, 15, 10, tzinfo=UTC))
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(pilot)
        await pilot.press("f10")
        await _settle(pilot)
        view = app.screen.query_one("#grid", CalendarGrid)
        at = {row[0]: r for r, row in enumerate(view.row_texts())}
        line = list(view.render_line(at["10:00"] + 1))
        other = list(view.render_line(at["09:45"] + 1))
        now_row = view.now_row
        app.clock = FrozenClock(datetime(2026, 3, 6, 21, 0, tzinfo=UTC))  # 16:00, closed
        await pilot.press("t")
        await _settle(pilot)
        after_hours = view.now_row
    assert at["10:00"] == now_row
    assert all(seg.style and seg.style.underline for seg in line[1:] if seg.text.strip())
    assert not any(seg.style and seg.style.underline for seg in other)
    assert after_hours is None


def test_seeded_clinic_day_snapshot(seeded_store: Store, snap_compare: Any) -> None:
    """The seeded clinic on its Friday at 10:00 in Boston, 160x45: many providers, lunch
    and admin blocks, the current time as a line, each column in its site's time."""
    with seeded_store.read() as session:
        scheduler = session.exec(select(m.User).where(col(m.User.role) == "scheduler")).first()
        assert scheduler is not None
    start = SessionStart(users.actor_of(scheduler), False, "os_account")
    app = create_app(
        load_settings(clinic_name="Seeded Clinic", first_screen="today"),
        seeded_store,
        FrozenClock(SEED_NOW),
        start=start,
    )

    async def run_before(pilot: Pilot[Any]) -> None:
        await _settle(pilot)
        await pilot.press("f10")
        await _settle(pilot)

    assert snap_compare(app, terminal_size=(160, 45), run_before=run_before)


def _blocks_cli(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[Path, EngineClinic, int]:
    path = tmp_path / "clinic.db"
    store = open_store(str(path), now=NOW).store
    engine = build_engine_clinic(store)
    someone = Actor(None, "sue", "supervisor")
    visit = book_self_pay(
        store,
        someone,
        BookingRequest(engine.patients[4], engine.okafor, "FU", engine.at(MONDAY, 9)),
        now=NOW,
    )
    store.dispose()
    monkeypatch.setattr("schedtui.cli.SystemClock", lambda: FrozenClock(NOW))
    link_first_admin(str(path), monkeypatch, capsys)
    return path, engine, visit


def test_a_block_over_booked_visits_lists_them_and_waits_for_confirmation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path, engine, visit = _blocks_cli(tmp_path, monkeypatch, capsys)
    block = [
        "blocks", "add", "--provider", str(engine.okafor), "--kind", "meeting",
        "--start", "2026-03-09T08:30", "--end", "2026-03-09T09:30", "--reason", "Staff meeting",
        "--db", str(path),
    ]  # fmt: skip
    assert run(block) == 3
    err = capsys.readouterr().err
    assert "Not added: booked visits lie under this block:" in err
    assert f"Mon 03/09/2026 09:00 AM EDT  E0004  Test, Pat4  (appointment {visit})" in err
    with open_store(str(path), now=NOW).store.read() as session:
        assert (
            session.exec(select(m.ScheduleBlock).where(m.ScheduleBlock.kind == "meeting")).all()
            == []
        )
    assert run([*block, "--confirm"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Block ") and "Call these patients to move their visits" in out
    with open_store(str(path), now=NOW).store.read() as session:
        [to_call] = session.exec(select(m.WaitlistEntry)).all()
    assert to_call.current_appointment_id == visit and to_call.priority == 10
    assert to_call.notes == (
        "Call to move the visit of Mon 03/09/2026 09:00 AM EDT: "
        "the provider's time is blocked (meeting)."
    )
    assert run(["day", "--date", "2026-03-09", "--db", str(path)]) == 0
    grid = capsys.readouterr().out
    assert any(line.startswith("08:30 meeting: Staff me") for line in grid.splitlines())


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (["--kind", "nap"], "Kind 'nap' is not one of admin, lunch"),
        (["--end", "2026-03-09T07:00"], "The block ends before it starts."),
        (["--rrule", "FREQ=SOMETIMES"], "The rule 'FREQ=SOMETIMES' is not an RRULE"),
        (["--start", "monday-ish"], "--start 'monday-ish' is not a time"),
        (["--provider", "999"], "There is no provider 999."),
    ],
)
def test_bad_blocks_are_refused_plainly(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    change: list[str],
    message: str,
) -> None:
    path, engine, _ = _blocks_cli(tmp_path, monkeypatch, capsys)
    given = {
        "--provider": str(engine.okafor), "--kind": "lunch", "--start": "2026-03-10T12:00",
        "--end": "2026-03-10T13:00",
    }  # fmt: skip
    given[change[0]] = change[1]
    argv = [part for pair in given.items() for part in pair]
    assert run(["blocks", "add", *argv, "--db", str(path)]) == 2
    assert message in capsys.readouterr().err


def test_a_recurring_block_finds_visits_on_later_days(
    sqlite_store: Store, clinic: tuple[EngineClinic, Staff]
) -> None:
    engine, staff = clinic
    later = _book(sqlite_store, engine, staff, 1, 11)  # Monday 11:00
    request = BlockRequest(
        engine.okafor,
        engine.at(date(2026, 3, 2), 11),  # the Monday before, repeating weekly
        engine.at(date(2026, 3, 2), 12),
        "meeting",
        "Weekly huddle",
        "FREQ=WEEKLY;BYDAY=MO",
    )
    found = add_block(sqlite_store, staff.supervisor, request, now=NOW)
    assert found.block_id is None and [v.appointment_id for v in found.in_the_way] == [later]
    with pytest.raises(PermissionDenied):
        add_block(sqlite_store, staff.scheduler, request, now=NOW)


async def test_statuses_and_cancelling_from_the_grid(
    sqlite_store: Store, clinic: tuple[EngineClinic, Staff]
) -> None:
    engine, staff = clinic
    visit = _book(sqlite_store, engine, staff, 3, 9)
    app = _app(sqlite_store, staff)
    async with app.run_test(size=(120, 40)) as pilot:
        await _open_monday(pilot)
        await pilot.press("j", "j", "j", "j", "n")  # 09:00; it is still Friday
        await _settle(pilot)
        refused = [n.message for n in app._notifications]
        await pilot.press("c", *"feeling", "enter")
        await _settle(pilot)
        after = _grid_text(app)[4][1]
        notes = [n.message for n in app._notifications]
    assert "A no-show can only be marked once the start time has passed." in refused
    assert "Cancelled." in notes and after == "·"
    with sqlite_store.read() as session:
        row = session.get(m.Appointment, visit)
    assert row is not None and (row.status, row.cancellation_reason) == ("cancelled", "pat-fb")


def test_templates_show_reads_the_availability(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path, engine, _ = _blocks_cli(tmp_path, monkeypatch, capsys)
    assert (
        run(["templates", "show", "--provider", str(engine.okafor), "--json", "--db", str(path)])
        == 0
    )
    [okafor] = json.loads(capsys.readouterr().out)
    assert (okafor["from"], okafor["to"], okafor["overbook_per_hour"]) == ("08:00", "12:00", 1)
    assert okafor["rrule"].startswith("FREQ=WEEKLY") and okafor["types"] == ["FU", "MRI"]
    assert run(["templates", "show", "--db", str(path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and "Okafor, Amara" in lines[0] and "takes FU, MRI" in lines[0]


async def test_book_the_caller_at_the_time_under_the_cursor(
    sqlite_store: Store, clinic: tuple[EngineClinic, Staff]
) -> None:
    engine, _ = clinic[0], clinic[1]
    app = _app(sqlite_store, clinic[1])  # the caller, Pat3, is looked up
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(pilot)
        await pilot.press("f10")  # nobody open yet
        await _settle(pilot)
        await pilot.press("g", *"mon", "enter")
        await _settle(pilot)
        await pilot.press("enter")  # 08:00, Okafor, open
        await _settle(pilot)
        nobody = [n.message for n in app._notifications]
        await pilot.press("escape")
        await _settle(pilot)
        await pilot.press("enter")  # the workspace: open Pat3
        await _settle(pilot)
        await pilot.press("f10")
        await _settle(pilot)
        await pilot.press("g", *"mon", "enter")
        await _settle(pilot)
        await pilot.press("enter", *"follow", "enter")
        await _settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        script = str(app.screen.query_one("#confirm-script", Static).render())
        await pilot.press(*"self-pay", "enter")
        await _settle(pilot)
        first = _grid_text(app)[0][1]
        await pilot.press("f4")  # back to the call: the new visit shows, the note links it
        await _settle(pilot)
        upcoming = app.screen.query_one(VisitTable).row_count
        linked = app.call.appointment_id
    assert "Open the caller in the workspace (F4) first, then book here." in nobody
    assert "Follow-up on Monday, March 9, 2026 at 8:00 AM EDT" in script
    assert first == "● Test P FU"
    with sqlite_store.read() as session:
        booked = session.exec(
            select(m.Appointment).where(m.Appointment.patient_id == engine.patients[3])
        ).all()
    assert [(a.status, a.start.replace(tzinfo=UTC)) for a in booked] == [
        ("booked", engine.at(MONDAY, 8))
    ]
    assert upcoming == 1 and linked == booked[0].id


async def test_double_booking_from_the_grid_needs_a_reason_and_the_allowance(
    sqlite_store: Store, clinic: tuple[EngineClinic, Staff]
) -> None:
    """Okafor's template allows one overbooking an hour: the scheduler double-books Pat3
    at 9:00 with a reason; a second in the same hour needs a supervisor."""
    engine, staff = clinic
    _book(sqlite_store, engine, staff, 1, 9)
    later = BookingRequest(engine.patients[2], engine.okafor, "FU", engine.at(MONDAY, 9, 40))
    book_self_pay(sqlite_store, staff.supervisor, later, now=NOW)
    app = _app(sqlite_store, staff)  # a scheduler; the caller Pat3 is looked up
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(pilot)
        await pilot.press("enter", "f10")  # open Pat3, then the calendar
        await _open_monday(pilot)
        await pilot.press("j", "j", "j", "j", "o", *"follow", "enter")  # 09:00, taken
        await _settle(pilot)
        await pilot.press("enter")  # no reason
        await _settle(pilot)
        await pilot.press("o", *"follow", "enter", *"urgent: chest pain", "enter")
        await _settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        warning = str(app.screen.query_one("#confirm-overbook", Static).render())
        await pilot.press(*"self-pay", "enter")
        await _settle(pilot)
        nine = _grid_text(app)[4][1]
        await pilot.press("j", "j", "o", *"follow", "enter", *"asked", "enter")  # 09:30
        await _settle(pilot)
        notes = [n.message for n in app._notifications]
    assert "The reason for the double-booking is required." in notes
    assert "A double-booking: the time is already taken. Why: urgent: chest pain" in warning
    assert nine.startswith("!● Test P FU +1")
    assert any("overbook beyond a template's allowance" in n for n in notes), notes
    with sqlite_store.read() as session:
        pat3 = session.exec(
            select(m.Appointment).where(m.Appointment.patient_id == engine.patients[3])
        ).all()
        refused = session.exec(
            select(m.AuditEvent).where(m.AuditEvent.action == "permission-denied")
        ).all()
    assert [(a.overbooked, a.overbook_reason, a.start.replace(tzinfo=UTC)) for a in pat3] == [
        (True, "urgent: chest pain", engine.at(MONDAY, 9))
    ]
    assert [json.loads(r.detail_json)["permission"] for r in refused] == ["appointments.overbook"]


async def test_cut_and_paste_moves_a_visit(
    sqlite_store: Store, clinic: tuple[EngineClinic, Staff]
) -> None:
    engine, staff = clinic
    old = _book(sqlite_store, engine, staff, 3, 9)
    app = _app(sqlite_store, staff)
    async with app.run_test(size=(120, 40)) as pilot:
        await _open_monday(pilot)
        await pilot.press("p")  # nothing cut yet
        await _settle(pilot)
        await pilot.press("j", "j", "j", "j", "x")  # 09:00: cut
        await _settle(pilot)
        cut_note = [n.message for n in app._notifications][-1]
        await pilot.press("j", "j", "j", "j", "j", "j", "j", "j", "p")  # 11:00: paste
        await _settle(pilot)
        await pilot.press(*"pat mo", "enter")  # "Patient: moved"
        await _settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        moving = str(app.screen.query_one("#confirm-moving", Static).render())
        await pilot.press(*"self-pay", "enter")
        await _settle(pilot)
        grid = _grid_text(app)
        notes = [n.message for n in app._notifications]
    assert "Cut a visit (x), then paste it (p) on open time." in notes
    assert cut_note == "Cut the FU of Mon 03/09/2026 09:00 AM EDT: go to the new time and press p."
    assert moving.startswith("This replaces the visit on Mon 03/09/2026 09:00 AM EDT")
    assert grid[4][1] == "·" and grid[12][:2] == ["11:00", "● Test P FU"]
    with sqlite_store.read() as session:
        rows = {a.id: a for a in session.exec(select(m.Appointment))}
    assert (rows[old].status, rows[old].cancellation_reason) == ("cancelled", "pat-mv")
    [new] = [a for a in rows.values() if a.previous_appointment_id == old]
    assert new.start.replace(tzinfo=UTC) == engine.at(MONDAY, 11) and new.status == "booked"
    assert any(n.startswith("Moved: appointment") for n in notes)


async def test_the_week_view_shows_one_provider_across_seven_days(
    sqlite_store: Store, clinic: tuple[EngineClinic, Staff]
) -> None:
    engine, staff = clinic
    _book(sqlite_store, engine, staff, 3, 9)  # Monday 9:00, and Thursday 11:00
    thursday = BookingRequest(
        engine.patients[4], engine.okafor, "FU", engine.at(date(2026, 3, 12), 11)
    )
    book_self_pay(sqlite_store, staff.supervisor, thursday, now=NOW)
    app = _app(sqlite_store, staff)
    async with app.run_test(size=(160, 40)) as pilot:
        await _open_monday(pilot)
        day_keys = _footer_keys(app)
        await pilot.press("w")  # the cursor is in Okafor's column
        await _settle(pilot)
        title = str(app.screen.query_one("#grid-title", Static).render())
        heads = app.screen.query_one("#grid", CalendarGrid).headings()
        week = _grid_text(app)
        week_keys = _footer_keys(app)
        await pilot.press("]")
        await _settle(pilot)
        next_title = str(app.screen.query_one("#grid-title", Static).render())
        await pilot.press("w")
        await _settle(pilot)
        back = str(app.screen.query_one("#grid-title", Static).render())
    assert title.startswith("Week of Mon 09 March 2026 · Okafor, A.")
    assert heads == ["EDT", "Mon 03/09", "Tue 03/10", "Wed 03/11", "Thu 03/12", "Fri 03/13",
                     "Sat 03/14", "Sun 03/15"]  # fmt: skip
    rows = {row[0]: row for row in week}
    assert rows["09:00"][1] == "● Test P FU" and rows["11:00"][4] == "● Test P FU"
    assert rows["09:00"][2] == "·"  # Tuesday open
    assert rows["09:00"][3] == "" and rows["09:00"][6] == ""  # the snow day, Saturday
    assert next_title.startswith("Week of Mon 16 March 2026")
    assert back.startswith("Monday 16 March 2026")
    assert {"Prev day", "Next day"} <= day_keys and not {"Prev week", "Next week"} & day_keys
    assert {"Prev week", "Next week"} <= week_keys and not {"Prev day", "Next day"} & week_keys


def _footer_keys(app: SchedApp) -> set[str]:
    """What the footer offers on the screen shown."""
    return {b.binding.description for b in app.active_bindings.values() if b.binding.show}


def test_a_week_of_several_providers_puts_them_side_by_side_each_day(
    sqlite_store: Store, clinic: tuple[EngineClinic, Staff]
) -> None:
    engine, staff = clinic
    _book(sqlite_store, engine, staff, 3, 9)
    with sqlite_store.read() as session:
        week = week_grid(session, [engine.okafor, engine.ortega], MONDAY, zoom=30)
    heads = [c.name for c in week.columns]
    at = {row_label(t): r for r, t in enumerate(week.rows)}
    assert len(heads) == 14 and heads[:4] == [
        "Mon09 Okafor, A.", "Mon09 Ortega, L.", "Tue10 Okafor, A.", "Tue10 Ortega, L."
    ]  # fmt: skip
    assert week.cell(at["09:00"], 0).text == "● Test P FU"
    assert week.cell(at["13:00"], 1).kind == "open"  # Ortega works Monday afternoons
    assert week.cell(at["13:00"], 3).kind == "off"  # and not on Tuesdays
    assert {c.day for c in week.columns[4:6]} == {date(2026, 3, 11)}


def test_the_day_command_shows_a_saved_list_or_a_week(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "clinic.db"
    store = open_store(str(path), now=NOW).store
    engine = build_engine_clinic(store)
    store.dispose()
    monkeypatch.setattr("schedtui.cli.SystemClock", lambda: FrozenClock(NOW))
    link_first_admin(str(path), monkeypatch, capsys)
    lists = ["provider-lists", "--db", str(path)]
    assert run(["provider-lists", "save", "afternoons", "--provider", str(engine.ortega),
                "--db", str(path)]) == 0  # fmt: skip
    assert run(["provider-lists", "save", "gone", "--provider", str(engine.okafor),
                "--db", str(path)]) == 0  # fmt: skip
    assert run(["provider-lists", "delete", "gone", "--db", str(path)]) == 0
    capsys.readouterr()
    assert run(["provider-lists", "show", "--json", "--db", str(path)]) == 0
    saved = json.loads(capsys.readouterr().out)
    assert saved == {"afternoons": [engine.ortega]}
    for argv, message in (
        (["save", " ", "--provider", "1"], "The list's name is required."),
        (["save", "x", "--provider", "999"], "There is no active provider 999."),
        (["delete", "nope"], "There is no saved list of providers 'nope'."),
    ):
        assert run([*lists[:1], *argv, *lists[1:]]) == 2
        assert message in capsys.readouterr().err
    base = ["day", "--date", "2026-03-09", "--zoom", "30", "--db", str(path)]
    assert run([*base, "--list", "afternoons", "--json"]) == 0
    only = json.loads(capsys.readouterr().out)
    assert run([*base, "--provider", str(engine.okafor), "--week"]) == 0
    week = capsys.readouterr().out.splitlines()
    assert [p["name"] for p in only["providers"]] == ["Ortega, L."]
    assert week[0].startswith("Week of Mon 09 March 2026") and week[1].split()[:2] == [
        "Mon",
        "03/09",
    ]
    for argv, message in (
        (
            ["--list", "mornings"],
            "There is no saved list of providers 'mornings'; saved lists: afternoons.",
        ),
        (["--specialty", "XX"], "There is no specialty 'XX'."),
        (["--week"], "Choose the providers whose week to show."),
    ):
        assert run([*base, *argv]) == 2
        assert message in capsys.readouterr().err


async def test_choosing_whose_columns_and_their_week(
    sqlite_store: Store, clinic: tuple[EngineClinic, Staff]
) -> None:
    """`f` narrows the columns (a saved list here); `w` then shows those providers' week."""
    engine, staff = clinic
    fm_team = [engine.ortega, engine.okafor]
    save_provider_list(sqlite_store, staff.supervisor, "fm team", fm_team, now=NOW)
    app = _app(sqlite_store, staff)
    async with app.run_test(size=(160, 40)) as pilot:
        await _open_monday(pilot)
        await pilot.press("f")
        await _settle(pilot)
        offered = [
            str(o.prompt) for o in app.screen.query_one("#reasons-list", OptionList)._options
        ]
        await pilot.press(*"team", "enter")
        await _settle(pilot)
        view = app.screen.query_one("#grid", CalendarGrid)
        listed, title = view.headings(), str(app.screen.query_one("#grid-title", Static).render())
        await pilot.press("w")
        await _settle(pilot)
        week = view.headings()
        await pilot.press("w", "l", "f", *"only", "enter")  # back to the day; Ortega alone
        await _settle(pilot)
        alone = view.headings()
    assert offered == [
        "Everyone working (by site)", "Specialty: Family medicine", "List: fm team (2 providers)",
        "Only Okafor, A.", "Save the columns shown as a list (supervisors)",
    ]  # fmt: skip
    assert listed == ["EDT", "Ortega, L.", "Okafor, A."]  # in the list's order; Boston time
    assert "all sites · List: fm team (2 providers) · 2 providers" in title
    assert len(week) == 15 and week[1:3] == ["Mon09 Ortega, L.", "Mon09 Okafor, A."]
    assert alone == ["EDT", "Okafor, A."]


async def test_a_supervisor_saves_the_columns_shown_as_a_list(
    sqlite_store: Store, clinic: tuple[EngineClinic, Staff]
) -> None:
    """f, "save", a name: the providers shown become a list every scheduler can choose;
    a scheduler may not save one (refused and audited)."""
    engine, staff = clinic
    app = _app(sqlite_store, staff)
    app.actor = staff.supervisor
    async with app.run_test(size=(120, 40)) as pilot:
        await _open_monday(pilot)
        await pilot.press("f", *"save", "enter")
        await _settle(pilot)
        await pilot.press(*"Monday team", "enter")
        await _settle(pilot)
        saved = [n.message for n in app._notifications]  # before it times out on a slow machine
        app.actor = staff.scheduler
        await pilot.press("f", *"save", "enter")
        await _settle(pilot)
        await pilot.press(*"mine", "enter")
        await _settle(pilot)
        await pilot.press("f", *"monday", "enter")
        await _settle(pilot)
        title = str(app.screen.query_one("#grid-title", Static).render())
        notes = [n.message for n in app._notifications]
    with sqlite_store.read() as session:
        assert provider_lists(session) == {"Monday team": [engine.okafor, engine.ortega]}
    assert "Saved the list 'Monday team' (2 providers)." in saved
    assert any("may not" in n and "templates" in n for n in notes), notes
    assert "List: Monday team (2 providers)" in title


async def test_the_next_day_read_ahead_still_shows_what_changed_since(
    sqlite_store: Store, clinic: tuple[EngineClinic, Staff]
) -> None:
    """`]` shows the day read ahead at once, then the day as it is now."""
    engine, staff = clinic
    app = _app(sqlite_store, staff)
    async with app.run_test(size=(120, 40)) as pilot:
        await _open_monday(pilot)
        screen = app.screen
        assert isinstance(screen, CalendarScreen) and screen.view is not None
        ahead = {v.day for v in screen.ahead}
        tuesday = BookingRequest(
            engine.patients[4], engine.okafor, "FU", engine.at(date(2026, 3, 10), 8)
        )
        book_self_pay(sqlite_store, staff.supervisor, tuesday, now=NOW)
        await pilot.press("]")
        await _settle(pilot)
        shown = _grid_text(app)
    assert {date(2026, 3, 8), date(2026, 3, 10)} <= ahead
    assert shown[0][:2] == ["08:00", "● Test P FU"]


async def test_a_block_from_the_grid_lists_the_visits_under_it_first(
    sqlite_store: Store, clinic: tuple[EngineClinic, Staff]
) -> None:
    engine, staff = clinic
    _book(sqlite_store, engine, staff, 3, 9)
    app = _app(sqlite_store, staff)
    app.actor = staff.supervisor  # blocks are a supervisor's job
    async with app.run_test(size=(120, 40)) as pilot:
        await _open_monday(pilot)
        await pilot.press("j", "j", "j", "b")  # 08:45, Okafor
        await _settle(pilot)
        form = app.screen
        form.query_one("#block-kind", Input).value = "nap"
        form.query_one("#block-ends", Input).value = "08:00"
        await pilot.press("ctrl+s")
        await _settle(pilot)
        errors = [str(form.query_one(f"#block-err-{n}", Static).render()) for n in ("kind", "ends")]
        form.query_one("#block-kind", Input).value = "meeting"
        form.query_one("#block-ends", Input).value = "09:30"
        form.query_one("#block-reason", Input).value = "Huddle"
        await pilot.press("ctrl+s")
        await _settle(pilot)
        warning = str(form.query_one("#block-in-the-way", Static).render())
        await pilot.press("ctrl+s")
        await _settle(pilot)
        grid = _grid_text(app)
    assert errors == ["one of admin, lunch, vacation, on-call, meeting", "after the start (08:45)"]
    assert "Booked visits lie under this block:" in warning and "E0003  Test, Pat3" in warning
    assert grid[3][1] == "meeting: Huddle"
    with sqlite_store.read() as session:
        blocks = session.exec(select(m.ScheduleBlock).where(m.ScheduleBlock.kind == "meeting"))
        assert [b.reason for b in blocks] == ["Huddle"]


def test_a_template_change_is_previewed_and_never_strands_visits_silently(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path, engine, visit = _blocks_cli(tmp_path, monkeypatch, capsys)  # Okafor, Monday 9:00
    assert (
        run(["templates", "show", "--provider", str(engine.okafor), "--json", "--db", str(path)])
        == 0
    )
    [okafor] = json.loads(capsys.readouterr().out)
    shorter = ["templates", "set", str(okafor["id"]), "--from", "09:30", "--db", str(path)]
    assert run(shorter) == 0  # a preview: nothing saved
    out = capsys.readouterr().out
    assert "1 booked visits would fall outside it:" in out and "E0004  (appointment" in out
    assert "Preview only: add --save to apply it." in out
    assert run([*shorter, "--save"]) == 3
    assert "Not saved: move those visits first, or save with --confirm." in capsys.readouterr().err
    assert run([*shorter, "--save", "--confirm", "--json"]) == 0
    saved = json.loads(capsys.readouterr().out)
    assert saved["saved"] and saved["hours_after"] < saved["hours_before"]
    assert [s[0] for s in saved["stranded"]] == [visit]
    with open_store(str(path), now=NOW).store.read() as session:
        template = session.get(m.ScheduleTemplate, okafor["id"])
        [to_call] = session.exec(select(m.WaitlistEntry)).all()
    assert template is not None and f"{template.start_time:%H:%M}" == "09:30"
    assert to_call.current_appointment_id == visit and "Call to move the visit" in to_call.notes
    for argv, message in (
        (["--from", "25:00"], "--from '25:00' is not a time like 08:30."),
        (["--to", "07:00"], "The template would end before it starts."),
        (["--rrule", "FREQ=NEVER"], "is not an RRULE"),
        (["--days", "MO", "--rrule", "FREQ=DAILY"], "Give --days or --rrule, not both."),
    ):
        assert run(["templates", "set", str(okafor["id"]), *argv, "--db", str(path)]) == 2
        assert message in capsys.readouterr().err


def _night_shift(store: Store, engine: EngineClinic, visits: list[datetime]) -> None:
    """Okafor on call Sunday nights 00:00-04:00, with visits at the given moments."""
    with store.write() as session:
        session.add(
            m.ScheduleTemplate(
                provider_id=engine.okafor,
                site_id=engine.site,
                rrule="FREQ=WEEKLY;BYDAY=SU",
                start_time=clock_time(0),
                end_time=clock_time(4),
                effective_from=date(2026, 3, 1),
            )
        )
        for number, start in enumerate(visits):
            session.add(
                m.Appointment(
                    patient_id=engine.patients[number],
                    provider_id=engine.okafor,
                    site_id=engine.site,
                    appointment_type_id=engine.follow_up,
                    start=start,
                    end=start + timedelta(minutes=20),
                    status="booked",
                    booked_at=NOW,
                    updated_at=NOW,
                )
            )


def test_when_the_clocks_go_forward_the_skipped_hour_has_no_rows(
    sqlite_store: Store, clinic: tuple[EngineClinic, Staff]
) -> None:
    engine, _ = clinic
    three = datetime(2026, 3, 8, 7, tzinfo=UTC)  # 03:00 EDT, just after the jump
    _night_shift(sqlite_store, engine, [three])
    with sqlite_store.read() as session:
        grid = day_grid(session, date(2026, 3, 8), zoom=30)
    labels = [row_label(at) for at in grid.rows]
    assert labels == ["00:00", "00:30", "01:00", "01:30", "03:00", "03:30"]
    visit_rows = [labels[r] for r in range(len(labels)) if grid.cell(r, 0).kind == "visit"]
    assert visit_rows == ["03:00"]


def test_when_the_clocks_go_back_the_repeated_hour_has_its_own_rows(
    sqlite_store: Store, clinic: tuple[EngineClinic, Staff]
) -> None:
    engine, _ = clinic
    first = datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # 01:30 EDT
    second = datetime(2026, 11, 1, 6, 30, tzinfo=UTC)  # 01:30 EST, an hour later
    _night_shift(sqlite_store, engine, [first, second])
    with sqlite_store.read() as session:
        grid = day_grid(session, date(2026, 11, 1), zoom=30)
    labels = [row_label(at) for at in grid.rows]
    assert labels == ["00:00", "00:30", "01:00", "01:30", "01:00+", "01:30+", "02:00", "02:30",
                      "03:00", "03:30"]  # fmt: skip
    visits = {labels[r]: grid.cell(r, 0) for r in range(len(labels))}
    assert visits["01:30"].kind == "visit" and visits["01:30+"].kind == "visit"
    assert visits["01:30"].appointment_id != visits["01:30+"].appointment_id
    assert visits["01:00+"].kind == "open"


def test_dst_day_snapshot(
    sqlite_store: Store, clinic: tuple[EngineClinic, Staff], snap_compare: Any
) -> None:
    """The Sunday the clocks go back: the hour from 01:00 comes twice (01:00+ the second)."""
    engine, staff = clinic
    _night_shift(sqlite_store, engine, [datetime(2026, 11, 1, 6, 30, tzinfo=UTC)])

    async def run_before(pilot: Pilot[Any]) -> None:
        await _settle(pilot)
        await pilot.press("f10")
        await _settle(pilot)
        await pilot.press("g", *"2026-11-01", "enter")
        await _settle(pilot)

    assert snap_compare(_app(sqlite_store, staff), terminal_size=(100, 30), run_before=run_before)


async def test_enter_where_nobody_works_says_why(
    sqlite_store: Store, clinic: tuple[EngineClinic, Staff]
) -> None:
    """Ortega works Monday afternoons: Enter on his 8:00 says so instead of doing nothing."""
    app = _app(sqlite_store, clinic[1])
    async with app.run_test(size=(120, 40)) as pilot:
        await _open_monday(pilot)
        await pilot.press("l", "enter")  # 08:00 in the second column (Ortega)
        await _settle(pilot)
        said = [n.message for n in app._notifications]
    assert any(m.startswith("Nothing to book here: the provider is not working then") for m in said)


async def test_a_new_theme_redraws_the_grid_in_its_colours(
    sqlite_store: Store, clinic: tuple[EngineClinic, Staff]
) -> None:
    engine, staff = clinic
    _book(sqlite_store, engine, staff, 3, 9)
    app = _app(sqlite_store, staff)
    async with app.run_test(size=(120, 40)) as pilot:
        await _open_monday(pilot)
        view = app.screen.query_one("#grid", CalendarGrid)
        before = [segment.style for segment in view.render_line(0)]
        app.theme = "schedtui-high-contrast"
        await _settle(pilot)
        after = [segment.style for segment in view.render_line(0)]
        expected = view.rich_style + view.get_component_rich_style("calendar-grid--header")
    assert before != after
    assert after[0] == expected
