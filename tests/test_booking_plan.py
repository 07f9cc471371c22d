"""A booking is planned from a read, then made under the write lock: whatever another
writer did in between (a booking, a hold, a closure) is still seen and refused."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from sqlmodel import Session, col, select

from schedtui.core.schedule.booking import BookingRequest, hold_slot, insert_booking
from schedtui.core.schedule.booking_checks import BookingPlan, plan_booking
from schedtui.core.security.access import Actor
from schedtui.core.support.errors import BadInput
from schedtui.core.support.writes import in_write
from schedtui.data import models as m
from schedtui.data.store import Store
from schedtui.settings import load_settings
from tests.builders import SELF_PAY, book_self_pay
from tests.engine_clinic import EngineClinic, build_engine_clinic

NOW = datetime(2026, 3, 6, 17, 0, tzinfo=UTC)  # Friday
MONDAY = date(2026, 3, 9)
AVA = Actor(None, "ava", "scheduler")
BEN = Actor(None, "ben", "scheduler")
SETTINGS = load_settings()


@pytest.fixture
def clinic(any_store: Store) -> EngineClinic:
    return build_engine_clinic(any_store)


def _request(clinic: EngineClinic, patient: int, hour: int) -> BookingRequest:
    return BookingRequest(
        clinic.patients[patient], clinic.okafor, "FU", clinic.at(MONDAY, hour),
        override_reason=SELF_PAY,
    )  # fmt: skip


def _plan(store: Store, request: BookingRequest) -> BookingPlan:
    with store.read() as session:
        return plan_booking(session, AVA, request, now=NOW, settings=SETTINGS)


def _book_with(store: Store, request: BookingRequest, plan: BookingPlan) -> int:
    def work(session: Session) -> int:
        new = insert_booking(session, AVA, request, now=NOW, settings=SETTINGS, plan=plan)
        assert new.appointment.id is not None
        return new.appointment.id

    return in_write(store, work)


def _booked_at(store: Store, start: datetime) -> list[int]:
    with store.read() as session:
        rows = session.exec(select(m.Appointment.patient_id).where(m.Appointment.start == start))
        return list(rows)


def test_a_plan_still_true_under_the_lock_books(any_store: Store, clinic: EngineClinic) -> None:
    request = _request(clinic, 0, 8)
    _book_with(any_store, request, _plan(any_store, request))
    assert _booked_at(any_store, request.start) == [clinic.patients[0]]


def test_a_time_booked_by_another_scheduler_after_the_plan_is_refused(
    any_store: Store, clinic: EngineClinic
) -> None:
    mine = _request(clinic, 0, 8)
    plan = _plan(any_store, mine)
    book_self_pay(any_store, BEN, _request(clinic, 1, 8), now=NOW)
    with pytest.raises(BadInput, match=r"Dr\. Amara Okafor is already booked then"):
        _book_with(any_store, mine, plan)
    assert _booked_at(any_store, mine.start) == [clinic.patients[1]]


def test_the_patient_booked_meanwhile_at_that_time_is_refused(
    any_store: Store, clinic: EngineClinic
) -> None:
    mine = _request(clinic, 0, 8)
    plan = _plan(any_store, mine)
    elsewhere = replace(mine, provider_id=clinic.ortega, start=clinic.at(MONDAY, 13))
    with any_store.write() as session:  # the same patient, overlapping, another provider
        session.add(
            m.Appointment(
                patient_id=mine.patient_id, provider_id=clinic.ortega, site_id=clinic.site,
                appointment_type_id=clinic.follow_up, start=mine.start,
                end=elsewhere.start, status="booked", booked_at=NOW, updated_at=NOW,
            )
        )  # fmt: skip
    with pytest.raises(BadInput, match="the patient already has an appointment"):
        _book_with(any_store, mine, plan)


def test_a_hold_taken_after_the_plan_is_refused(any_store: Store, clinic: EngineClinic) -> None:
    mine = _request(clinic, 0, 9)
    plan = _plan(any_store, mine)
    hold_slot(any_store, BEN, _request(clinic, 1, 9), now=NOW, settings=SETTINGS)
    with pytest.raises(BadInput, match="held by another scheduler"):
        _book_with(any_store, mine, plan)
    assert _booked_at(any_store, mine.start) == []


def test_a_closure_entered_after_the_plan_is_seen_by_the_booking(
    any_store: Store, clinic: EngineClinic
) -> None:
    mine = _request(clinic, 0, 9)
    plan = _plan(any_store, mine)
    with any_store.write() as session:
        session.add(
            m.Closure(site_id=clinic.site, first_day=MONDAY, last_day=MONDAY, name="Burst pipe")
        )
    with pytest.raises(BadInput, match=r"closed that day \(Burst pipe\)"):
        _book_with(any_store, mine, plan)
    with any_store.read() as session:
        assert session.exec(select(m.Appointment).where(col(m.Appointment.id) > 0)).all() == []
