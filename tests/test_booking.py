"""Booking and holding: what is refused (and why), what is written with a booking."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlmodel import col, select

from schedtui.core.schedule.booking import BookingRequest, hold_slot, release_hold
from schedtui.core.schedule.slots import SlotRequest, find_open_slots
from schedtui.core.security.access import Actor, PermissionDenied
from schedtui.core.support.errors import BadInput
from schedtui.data import models as m
from schedtui.data.store import Store
from schedtui.settings import load_settings
from tests.builders import book_self_pay
from tests.engine_clinic import EngineClinic, build_engine_clinic

NOW = datetime(2026, 3, 6, 17, 0, tzinfo=UTC)  # Friday
MONDAY = date(2026, 3, 9)
SCHEDULER = Actor(None, "ava", "scheduler")
SUPERVISOR = Actor(None, "sue", "supervisor")


@pytest.fixture
def clinic(any_store: Store) -> EngineClinic:
    return build_engine_clinic(any_store)


def _book(
    store: Store,
    clinic: EngineClinic,
    patient: int,
    hour: int,
    minute: int = 0,
    day: date = MONDAY,
    code: str = "FU",
    actor: Actor = SCHEDULER,
    **extra: object,
) -> int:
    request = BookingRequest(
        clinic.patients[patient], clinic.okafor, code, clinic.at(day, hour, minute), **extra
    )  # type: ignore[arg-type]
    return book_self_pay(store, actor, request, now=NOW)


def test_booking_writes_the_appointment_a_domain_event_and_an_audit_row(
    any_store: Store, clinic: EngineClinic
) -> None:
    appointment_id = _book(any_store, clinic, 0, 8)
    with any_store.read() as session:
        appointment = session.get(m.Appointment, appointment_id)
        event = session.exec(select(m.DomainEvent)).one()
        audit = session.exec(
            select(m.AuditEvent).where(col(m.AuditEvent.entity) == "appointment")
        ).one()
    assert appointment is not None and appointment.status == "booked"
    assert appointment.start == clinic.at(MONDAY, 8) and appointment.site_id == clinic.site
    assert (event.kind, event.aggregate_id) == ("appointment.booked", appointment_id)
    assert audit.action == "create" and audit.patient_id == clinic.patients[0]


@pytest.mark.parametrize(
    ("patient", "hour", "minute", "code", "day", "message"),
    [
        (1, 8, 10, "FU", MONDAY, "is already booked then"),
        (1, 8, 3, "FU", MONDAY, "not on a 5-minute slot boundary"),
        (1, 10, 0, "FU", MONDAY, "blocked (admin: Charting)"),
        (1, 11, 50, "FU", MONDAY, "outside Dr. Amara Okafor's hours"),
        (1, 13, 0, "FU", MONDAY, "outside Dr. Amara Okafor's hours"),
        (1, 9, 0, "FU", date(2026, 3, 11), "Test Site is closed that day (Snow day)"),
        (1, 9, 0, "FU", date(2026, 3, 8), "outside"),
    ],
)
def test_booking_refuses_times_that_are_not_free(
    sqlite_store: Store, patient: int, hour: int, minute: int, code: str, day: date, message: str
) -> None:
    clinic = build_engine_clinic(sqlite_store)
    _book(sqlite_store, clinic, 0, 8)
    with pytest.raises(BadInput, match=re.escape(message)):
        _book(sqlite_store, clinic, patient, hour, minute, day, code)
    with sqlite_store.read() as session:
        assert len(session.exec(select(m.Appointment)).all()) == 1


def test_same_patient_cannot_be_in_two_places_at_once(
    any_store: Store, clinic: EngineClinic
) -> None:
    monday_afternoon = clinic.at(MONDAY, 13)
    book_self_pay(
        any_store,
        SCHEDULER,
        BookingRequest(clinic.patients[0], clinic.ortega, "FU", monday_afternoon),
        now=NOW,
    )
    request = BookingRequest(
        clinic.patients[0], clinic.ortega, "FU", monday_afternoon + timedelta(minutes=10)
    )
    with pytest.raises(BadInput, match="overlapping time"):
        book_self_pay(any_store, SCHEDULER, request, now=NOW)


def test_the_scanner_cannot_be_in_two_places_at_once(sqlite_store: Store) -> None:
    clinic = build_engine_clinic(sqlite_store)
    with sqlite_store.write() as session:  # Ortega also scans, Monday mornings
        ortega_mornings = m.ScheduleTemplate(
            provider_id=clinic.ortega,
            site_id=clinic.site,
            rrule="FREQ=WEEKLY;BYDAY=MO",
            start_time=time(8),
            end_time=time(12),
            effective_from=date(2026, 1, 5),
        )
        session.add(ortega_mornings)
        session.flush()
        session.add(
            m.TemplateAppointmentType(
                template_id=ortega_mornings.id or 0, appointment_type_id=clinic.mri
            )
        )
    _book(sqlite_store, clinic, 0, 8, code="MRI")
    scan_with_ortega = BookingRequest(
        clinic.patients[1], clinic.ortega, "MRI", clinic.at(MONDAY, 8, 30)
    )
    with pytest.raises(BadInput, match="no equipment free for MRI then"):
        book_self_pay(sqlite_store, SCHEDULER, scan_with_ortega, now=NOW)
    later = BookingRequest(clinic.patients[1], clinic.ortega, "MRI", clinic.at(MONDAY, 9))
    assert book_self_pay(sqlite_store, SCHEDULER, later, now=NOW)


def test_a_type_the_block_does_not_take_is_refused(sqlite_store: Store) -> None:
    clinic = build_engine_clinic(sqlite_store)
    request = BookingRequest(clinic.patients[0], clinic.ortega, "MRI", clinic.at(MONDAY, 13))
    with pytest.raises(BadInput, match="this block does not take MRI"):
        book_self_pay(sqlite_store, SCHEDULER, request, now=NOW)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"patient_id": 9999}, "no patient with id 9999"),
        ({"provider_id": 9999}, "no active provider with id 9999"),
        ({"type_code": "NOPE"}, "no appointment type 'NOPE'"),
        ({"site_id": 9999}, "no active site with id 9999"),
        ({"start": datetime(2026, 3, 9, 9, 0)}, "needs a timezone"),
        ({"start": datetime(2026, 3, 2, 14, 0, tzinfo=UTC)}, "already passed"),
    ],
)
def test_bad_requests_say_what_is_wrong(
    sqlite_store: Store, change: dict[str, object], message: str
) -> None:
    clinic = build_engine_clinic(sqlite_store)
    fields: dict[str, object] = {
        "patient_id": clinic.patients[0],
        "provider_id": clinic.okafor,
        "type_code": "FU",
        "start": clinic.at(MONDAY, 9),
    }
    fields.update(change)
    with pytest.raises(BadInput, match=re.escape(message)):
        book_self_pay(sqlite_store, SCHEDULER, BookingRequest(**fields), now=NOW)  # type: ignore[arg-type]


def test_overbooking_needs_a_reason_then_an_allowance_or_a_supervisor(
    sqlite_store: Store,
) -> None:
    clinic = build_engine_clinic(sqlite_store)
    _book(sqlite_store, clinic, 0, 8)
    with pytest.raises(BadInput, match="needs a reason"):
        _book(sqlite_store, clinic, 1, 8, overbook=True)
    _book(sqlite_store, clinic, 1, 8, overbook=True, overbook_reason="Walk-in, chest pain")
    with pytest.raises(PermissionDenied, match=r"appointments\.overbook"):
        _book(sqlite_store, clinic, 2, 8, overbook=True, overbook_reason="Another walk-in")
    _book(
        sqlite_store,
        clinic,
        2,
        8,
        actor=SUPERVISOR,
        overbook=True,
        overbook_reason="Approved by supervisor",
    )
    with sqlite_store.read() as session:
        flagged = session.exec(select(m.Appointment).where(col(m.Appointment.overbooked))).all()
    assert len(flagged) == 2 and all(a.overbook_reason for a in flagged)


def test_a_hold_hides_the_slot_from_others_then_expires(sqlite_store: Store) -> None:
    clinic = build_engine_clinic(sqlite_store)
    settings = load_settings(hold_minutes=5)
    request = BookingRequest(clinic.patients[0], clinic.okafor, "FU", clinic.at(MONDAY, 8))
    hold = hold_slot(sqlite_store, SCHEDULER, request, now=NOW, settings=settings)
    assert hold.expires_at == NOW + timedelta(minutes=5)

    def open_starts(now: datetime) -> list[datetime]:
        with sqlite_store.read() as session:
            found = find_open_slots(
                session,
                SlotRequest("FU", after=MONDAY, before=MONDAY, provider_ids=(clinic.okafor,)),
                now=now,
            )
        return [slot.start for slot in found]

    assert clinic.at(MONDAY, 8) not in open_starts(NOW)
    with pytest.raises(BadInput, match="held by another scheduler"):
        _book(sqlite_store, clinic, 1, 8)
    assert clinic.at(MONDAY, 8) in open_starts(NOW + timedelta(minutes=6))
    book_self_pay(
        sqlite_store,
        SCHEDULER,
        BookingRequest(**{**request.__dict__, "hold_id": hold.hold_id}),
        now=NOW,
    )
    with sqlite_store.read() as session:
        assert session.exec(select(m.SlotHold)).all() == []


def test_a_released_hold_frees_the_slot(sqlite_store: Store) -> None:
    clinic = build_engine_clinic(sqlite_store)
    request = BookingRequest(clinic.patients[0], clinic.okafor, "FU", clinic.at(MONDAY, 8))
    hold = hold_slot(sqlite_store, SCHEDULER, request, now=NOW, settings=load_settings())
    release_hold(sqlite_store, SCHEDULER, hold.hold_id, now=NOW)
    assert _book(sqlite_store, clinic, 1, 8)


def test_trainees_and_schedulers_book_but_refusals_are_audited(sqlite_store: Store) -> None:
    clinic = build_engine_clinic(sqlite_store)
    stranger = Actor(None, "x", "nobody")
    with pytest.raises(PermissionDenied, match=r"appointments\.book"):
        _book(sqlite_store, clinic, 0, 8, actor=stranger)
    with sqlite_store.read() as session:
        refusal = session.exec(select(m.AuditEvent)).one()
    assert refusal.action == "permission-denied"
