"""The booking screen's choices as the caller says them: visit types ranked for the
patient, and the open times narrowed by day, provider, weekday and site."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from rich.text import Text
from textual.widgets import DataTable, Input, Static

from schedtui.app import SchedApp, create_app
from schedtui.core.schedule.booking_choices import (
    BookingChoices,
    booking_choices,
    read_narrowing,
    type_candidates,
)
from schedtui.core.security.session import SessionStart
from schedtui.core.support.clock import FrozenClock
from schedtui.core.support.errors import BadInput
from schedtui.data import models as m
from schedtui.data.store import Store
from schedtui.screens.booking import PAGE, BookingScreen
from schedtui.screens.type_picker import TypePicker
from schedtui.settings import load_settings
from tests.app_helpers import settle
from tests.builders import Staff, add_staff
from tests.cli_helpers import run_and_read
from tests.conftest import SEED_NOW
from tests.engine_clinic import EngineClinic, build_engine_clinic

TODAY = date(2026, 11, 30)  # a Monday
NOW = datetime(2026, 3, 6, 17, 0, tzinfo=UTC)  # Friday noon in Boston (the engine clinic)


@pytest.fixture
def clinic(sqlite_store: Store) -> EngineClinic:
    """The engine clinic (family medicine: FU; MRI) and a cardiology follow-up type."""
    engine = build_engine_clinic(sqlite_store)
    with sqlite_store.write() as session:
        cardiology = m.Specialty(code="CRD", name="Cardiology")
        session.add(cardiology)
        session.flush()
        session.add(
            m.AppointmentType(
                code="CRDFU",
                name="Cardiology follow-up",
                specialty_id=cardiology.id,
                category="follow-up",
                duration_minutes=20,
            )
        )
    return engine


def _choices(store: Store, patient_id: int) -> BookingChoices:
    with store.read() as session:
        return booking_choices(session, patient_id)


def _had_a_follow_up(store: Store, engine: EngineClinic, patient: int) -> None:
    with store.write() as session:
        kind = session.exec(
            m.AppointmentType.__table__.select().where(m.AppointmentType.code == "FU")  # type: ignore[attr-defined]
        ).one()
        session.add(
            m.Appointment(
                patient_id=patient,
                provider_id=engine.okafor,
                site_id=engine.site,
                appointment_type_id=kind.id,
                start=datetime(2026, 1, 5, 14, 0, tzinfo=UTC),
                end=datetime(2026, 1, 5, 14, 20, tzinfo=UTC),
                status="fulfilled",
                booked_at=datetime(2025, 12, 1, tzinfo=UTC),
                updated_at=datetime(2026, 1, 5, 15, 0, tzinfo=UTC),
            )
        )


def test_the_patients_own_kind_of_visit_comes_first(
    sqlite_store: Store, clinic: EngineClinic
) -> None:
    patient = clinic.patients[1]
    _had_a_follow_up(sqlite_store, clinic, patient)
    choices = _choices(sqlite_store, patient)
    follow = [t.code for t in type_candidates("follow", choices)]
    cardio = [t.code for t in type_candidates("cardio", choices)]
    nothing_typed = [t.code for t in type_candidates("", choices)]
    with_okafor = [t.code for t in type_candidates("follow", choices, (clinic.okafor,))]
    assert follow[0] == "FU" and "CRDFU" in follow
    assert cardio[0] == "CRDFU"
    assert nothing_typed == ["FU"]  # what they come for
    assert "CRDFU" not in with_okafor  # Okafor practises family medicine only
    assert type_candidates("zzzzqqq", choices) == []


@pytest.mark.parametrize(
    ("said", "field", "expected", "echo"),
    [
        ("after the 14th", "after", date(2026, 12, 15), "from Tue 12/15"),
        ("from the 14th", "after", date(2026, 12, 14), "from Mon 12/14"),
        ("the 2nd", "after", date(2026, 12, 2), "on Wed 12/02"),
        ("before dec 20", "before", date(2026, 12, 19), "up to Sat 12/19"),
        ("by friday", "before", date(2026, 12, 4), "up to Fri 12/04"),
        ("tuesdays", "weekdays", frozenset({1}), "Tuesdays"),
        ("tue or thu", "weekdays", frozenset({1, 3}), "Tuesdays or Thursdays"),
        ("next week", "after", date(2026, 12, 7), "Mon 12/07 to Sun 12/13"),
        (
            "discharged nov 28",
            "before",
            date(2026, 12, 5),
            "post-discharge: by Sat 12/05 (7 days after 11/28)",
        ),
        (
            "post-discharge",
            "before",
            date(2026, 12, 7),
            "post-discharge: by Mon 12/07 (7 days after 11/30)",
        ),
        (
            "discharged on nov 28",
            "after",
            TODAY,
            "post-discharge: by Sat 12/05 (7 days after 11/28)",
        ),
        (
            "discharged nov 2",
            "before",
            date(2026, 12, 7),
            "post-discharge: by Mon 11/09 (7 days after 11/02), already past: the soonest time",
        ),
    ],
)
def test_narrowing_is_read_as_people_say_it(
    sqlite_store: Store, clinic: EngineClinic, said: str, field: str, expected: Any, echo: str
) -> None:
    narrowing = read_narrowing(said, _choices(sqlite_store, clinic.patients[0]), TODAY)
    assert getattr(narrowing, field) == expected
    assert narrowing.said == (echo,)


def test_providers_and_sites_by_name_and_parts_together(
    sqlite_store: Store, clinic: EngineClinic
) -> None:
    choices = _choices(sqlite_store, clinic.patients[0])
    narrowing = read_narrowing("with Dr. Ortega, tuesdays and thursdays, at s1", choices, TODAY)
    assert narrowing.provider_ids == (clinic.ortega,)
    assert narrowing.weekdays == frozenset({1, 3})
    assert narrowing.site_ids == (clinic.site,)
    assert narrowing.said[0] == "with Ortega, Luis" and narrowing.said[-1] == "at S1"


@pytest.mark.parametrize(
    ("said", "named"),
    [("with dr nobodyatall", "nobodyatall"), ("blue", "'blue'"), ("after the 45th", "45th")],
)
def test_what_is_not_understood_is_named(
    sqlite_store: Store, clinic: EngineClinic, said: str, named: str
) -> None:
    with pytest.raises(BadInput, match=named):
        read_narrowing(said, _choices(sqlite_store, clinic.patients[0]), TODAY)


def _app(store: Store, staff: Staff) -> SchedApp:
    start = SessionStart(staff.scheduler, False, "ava_os", caller_query="E0003")
    return create_app(
        load_settings(clinic_name="Test Clinic"), store, FrozenClock(NOW), start=start
    )


def _providers(app: SchedApp) -> list[str]:
    table: DataTable[Text] = app.screen.query_one("#booking-rows", DataTable)
    return [table.get_row_at(i)[1].plain for i in range(table.row_count)]


async def test_the_scheduler_narrows_the_times_and_pages_on(
    sqlite_store: Store, clinic: EngineClinic
) -> None:
    staff = add_staff(sqlite_store)
    app = _app(sqlite_store, staff)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "ctrl+b")
        await settle(pilot)
        assert isinstance(app.screen, BookingScreen)
        await pilot.press(*"follow", "ctrl+d")  # Ctrl+D in the box: mornings, not a delete
        await settle(pilot)
        offered = str(app.screen.query_one("#booking-types", Static).render())
        typed = app.screen.query_one("#booking-type", Input).value
        part = app.screen.part
        await pilot.press("ctrl+d", "ctrl+d")  # back to any time
        await pilot.press("enter")
        await settle(pilot)
        everyone = set(_providers(app))
        app.screen.query_one("#booking-narrow", Input).focus()
        await pilot.press(*"with ortega, wednesdays", "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, BookingScreen)
        narrowed = set(_providers(app))
        days = {slot.start.astimezone(clinic.zone).weekday() for slot in screen.slots}
        status = str(screen.query_one("#booking-status", Static).render())
        first_page = list(screen.slots)
        await pilot.press("m")
        await settle(pilot)
        table: DataTable[Text] = screen.query_one("#booking-rows", DataTable)
        cursor, count = table.cursor_row, table.row_count
        await pilot.press("shift+tab")  # back to the narrowing box
        await pilot.press("ctrl+u", *"with dr nobodyatall", "enter")
        await settle(pilot)
        refused = str(screen.query_one("#booking-status", Static).render())
        still = set(_providers(app))
    assert offered.startswith("Enter: FU Follow-up")
    assert (typed, part) == ("follow", "morning")
    assert everyone == {"Okafor, Amara", "Ortega, Luis"}
    assert narrowed == {"Ortega, Luis"} and days == {2}
    assert "with Ortega, Luis" in status and "Wednesdays" in status
    assert len(first_page) == PAGE and count == 2 * PAGE and cursor == PAGE
    assert screen.slots[:PAGE] == first_page
    assert "nobodyatall" in refused and still == {"Ortega, Luis"}  # nothing changed


async def test_booking_on_the_calendar_offers_what_the_provider_takes(
    sqlite_store: Store, clinic: EngineClinic
) -> None:
    """Enter on Okafor's open time (family medicine) and "follow": the family-medicine
    follow-up, never the cardiology one."""
    staff = add_staff(sqlite_store)
    app = _app(sqlite_store, staff)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "f10")  # open the caller, then the calendar
        await settle(pilot)
        await pilot.press("g", *"mon", "enter")
        await settle(pilot)
        await pilot.press("enter", *"follow")  # 08:00, Okafor, open
        await settle(pilot)
        assert isinstance(app.screen, TypePicker)
        offered = str(app.screen.query_one("#type-offered", Static).render())
        await pilot.press(*" cardio")
        await settle(pilot)
        cardio = str(app.screen.query_one("#type-offered", Static).render())
    assert offered == "Enter: FU Follow-up"
    assert cardio.startswith("Enter: FU") and "CRDFU" not in cardio


async def test_a_post_discharge_follow_up_is_offered_soonest_and_says_how_to_make_room(
    sqlite_store: Store, clinic: EngineClinic
) -> None:
    """Within 7 days of the discharge, the earliest first; none open: the scheduler is
    told how to make room (double-book on the calendar)."""
    staff = add_staff(sqlite_store)
    app = _app(sqlite_store, staff)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "ctrl+b")
        await settle(pilot)
        await pilot.press(*"follow", "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, BookingScreen)
        screen.query_one("#booking-narrow", Input).focus()
        await pilot.press(*"discharged mar 4", "enter")  # the Wednesday before (NOW: Fri 3/6)
        await settle(pilot)
        starts = [slot.start for slot in screen.slots]
        status = str(screen.query_one("#booking-status", Static).render())
        screen.query_one("#booking-narrow", Input).focus()
        await pilot.press("ctrl+u", *"discharged mar 4, saturdays", "enter")
        await settle(pilot)
        none_open = str(screen.query_one("#booking-status", Static).render())
    assert starts == sorted(starts) and starts
    assert all(start.astimezone(clinic.zone).date() <= date(2026, 3, 11) for start in starts)
    assert "post-discharge: by Wed 03/11 (7 days after 03/04)" in status
    assert "No open time within 7 days of the discharge" in none_open
    assert "o double-books" in none_open


def test_a_post_discharge_search_from_the_command_line(
    command_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """--discharged D: the soonest times up to 7 days after D, earliest first."""
    discharged = SEED_NOW.date() - timedelta(days=2)
    code, out, err = run_and_read(capsys, "slots", "find", "--type", "FMFU", "--discharged",
                                  discharged.isoformat(), "--limit", "20", "--json",
                                  "--db", command_db)  # fmt: skip
    assert code == 0, err
    found = json.loads(out)
    starts = [datetime.fromisoformat(slot["start"]) for slot in found]
    assert starts and starts == sorted(starts)
    assert all(start.date() <= discharged + timedelta(days=7) for start in starts)
    code, _, err = run_and_read(capsys, "slots", "find", "--type", "FMFU", "--discharged",
                                "today", "--after", "2026-12-01", "--db", command_db)  # fmt: skip
    assert code == 2 and "leave out --after and --before" in err
