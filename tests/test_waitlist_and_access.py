"""Waitlist offers when time opens, booking from the waitlist, third next available."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from schedtui.core.schedule.access_kpis import third_next_available
from schedtui.core.schedule.appointment_changes import cancel
from schedtui.core.schedule.booking import BookingRequest, hold_slot
from schedtui.core.schedule.waitlist import (
    OpenTime,
    WaitlistRequest,
    add_to_waitlist,
    book_from_waitlist,
    offers_for,
)
from schedtui.core.security.access import Actor
from schedtui.core.support.errors import BadInput
from schedtui.data import models as m
from schedtui.data.store import Store
from schedtui.settings import load_settings
from tests.builders import SELF_PAY, book_self_pay
from tests.engine_clinic import EngineClinic, build_engine_clinic

NOW = datetime(2026, 3, 6, 17, 0, tzinfo=UTC)
MONDAY = date(2026, 3, 9)
ACTOR = Actor(None, "ava", "scheduler")
SETTINGS = load_settings()


@pytest.fixture
def clinic(sqlite_store: Store) -> EngineClinic:
    return build_engine_clinic(sqlite_store)


def _wait(
    store: Store,
    clinic: EngineClinic,
    patient: int,
    *,
    priority: int = 0,
    created: datetime = NOW,
    **extra: object,
) -> int:
    request = WaitlistRequest(
        clinic.patients[patient],
        "FU",
        earliest=MONDAY,  # type: ignore[arg-type]
        priority=priority,
        **extra,
    )
    return add_to_waitlist(store, ACTOR, request, now=created)


def test_offers_rank_urgency_then_time_waited(sqlite_store: Store, clinic: EngineClinic) -> None:
    calm = _wait(sqlite_store, clinic, 1, created=NOW - timedelta(days=30))
    urgent = _wait(sqlite_store, clinic, 2, priority=2)
    patient = _wait(sqlite_store, clinic, 3, created=NOW - timedelta(days=3))
    _wait(sqlite_store, clinic, 4, provider_id=clinic.ortega)  # wants someone else
    _wait(sqlite_store, clinic, 5, weekdays="4")  # Fridays only
    _wait(sqlite_store, clinic, 6, day_part="afternoon")
    _wait(sqlite_store, clinic, 7, expires_on=date(2026, 3, 8))
    opened = OpenTime(clinic.okafor, clinic.site, clinic.at(MONDAY, 9), clinic.at(MONDAY, 9, 20))
    with sqlite_store.read() as session:
        offers = offers_for(session, opened, now=NOW)
    assert [offer.entry_id for offer in offers] == [urgent, calm, patient]
    assert "within the patient's dates" in offers[0].why


def test_a_patient_already_busy_then_is_not_offered(
    sqlite_store: Store, clinic: EngineClinic
) -> None:
    _wait(sqlite_store, clinic, 1)
    book_self_pay(
        sqlite_store,
        ACTOR,
        BookingRequest(clinic.patients[1], clinic.ortega, "FU", clinic.at(MONDAY, 13)),
        now=NOW,
    )
    opened = OpenTime(clinic.okafor, clinic.site, clinic.at(MONDAY, 9), clinic.at(MONDAY, 9, 20))
    with sqlite_store.read() as session:
        assert offers_for(session, opened, now=NOW)  # 9:00 does not clash with 13:00
    clash = OpenTime(clinic.ortega, clinic.site, clinic.at(MONDAY, 13), clinic.at(MONDAY, 13, 20))
    with sqlite_store.read() as session:
        assert offers_for(session, clash, now=NOW) == []


def test_booking_from_the_waitlist_closes_it_and_cancels_the_later_visit(
    sqlite_store: Store, clinic: EngineClinic
) -> None:
    later = book_self_pay(
        sqlite_store,
        ACTOR,
        BookingRequest(clinic.patients[1], clinic.okafor, "FU", clinic.at(date(2026, 3, 20), 9)),
        now=NOW,
    )
    entry = _wait(sqlite_store, clinic, 1)
    taken = book_self_pay(
        sqlite_store,
        ACTOR,
        BookingRequest(clinic.patients[2], clinic.okafor, "FU", clinic.at(MONDAY, 9)),
        now=NOW,
    )
    cancel(sqlite_store, ACTOR, taken, "pat-fb", now=NOW, settings=SETTINGS)
    opened = OpenTime(clinic.okafor, clinic.site, clinic.at(MONDAY, 9), clinic.at(MONDAY, 9, 20))
    new = book_from_waitlist(
        sqlite_store, ACTOR, entry, opened, now=NOW, settings=SETTINGS, override_reason=SELF_PAY
    )
    with sqlite_store.read() as session:
        old = session.get(m.Appointment, later)
        waiting = session.get(m.WaitlistEntry, entry)
        booked = session.get(m.Appointment, new)
    assert old and waiting and booked
    assert (old.status, old.cancellation_reason) == ("cancelled", "pat-swl")
    assert waiting.status == "booked" and booked.start == clinic.at(MONDAY, 9)
    with pytest.raises(BadInput, match="not active"):
        book_from_waitlist(
            sqlite_store, ACTOR, entry, opened, now=NOW, settings=SETTINGS, override_reason=SELF_PAY
        )


def test_bad_waitlist_entries_are_refused(sqlite_store: Store, clinic: EngineClinic) -> None:
    with pytest.raises(BadInput, match="Weekdays are digits"):
        _wait(sqlite_store, clinic, 1, weekdays="MTW")
    with pytest.raises(BadInput, match="latest date is before the earliest"):
        _wait(sqlite_store, clinic, 1, latest=date(2026, 3, 1))
    with sqlite_store.read() as session:
        assert session.exec(select(m.WaitlistEntry)).all() == []


def test_third_next_available_counts_days_and_ignores_holds(
    sqlite_store: Store, clinic: EngineClinic
) -> None:
    friday_noon = datetime(2026, 3, 6, 17, 0, tzinfo=UTC)  # Okafor's Friday is over
    with sqlite_store.read() as session:
        before = {
            (r.provider_id, r.type_code): r.days
            for r in third_next_available(session, now=friday_noon, today=date(2026, 3, 6))
        }
    assert before[(clinic.okafor, "FU")] == 3  # Monday 9 March
    assert before[(clinic.ortega, "FU")] == 3
    assert (clinic.ortega, "MRI") not in before
    for hour in (8, 9):  # two of Monday's three scanner hours booked...
        request = BookingRequest(
            clinic.patients[hour], clinic.okafor, "MRI", clinic.at(MONDAY, hour)
        )
        book_self_pay(sqlite_store, ACTOR, request, now=NOW)
    # ...and the third (10:30, after the admin block) only held.
    hold_slot(
        sqlite_store,
        ACTOR,
        BookingRequest(clinic.patients[0], clinic.okafor, "MRI", clinic.at(MONDAY, 10, 30)),
        now=NOW,
        settings=SETTINGS,
    )
    with sqlite_store.read() as session:
        after = {
            (r.provider_id, r.type_code): r.days
            for r in third_next_available(
                session, now=friday_noon, today=date(2026, 3, 6), type_code="MRI"
            )
        }
    # Monday keeps one open hour (10:30, held: still counted) -> the third slot is Tuesday.
    assert after == {(clinic.okafor, "MRI"): 4}
