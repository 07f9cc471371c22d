"""Status moves, cancellation and rescheduling."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import col, select

from schedtui.core.schedule import appointment_changes as changes
from schedtui.core.schedule.booking import BookingRequest, hold_slot
from schedtui.core.security.access import Actor
from schedtui.core.support.errors import BadInput
from schedtui.data import models as m
from schedtui.data.codes import APPOINTMENT_STATUSES
from schedtui.data.store import Store
from schedtui.settings import load_settings
from tests.builders import SELF_PAY, book_self_pay
from tests.engine_clinic import EngineClinic, build_engine_clinic

BOOKED_AT = datetime(2026, 3, 6, 17, 0, tzinfo=UTC)
MONDAY = date(2026, 3, 9)
ACTOR = Actor(None, "ava", "scheduler")
SETTINGS = load_settings(late_cancel_hours=24)


@pytest.fixture
def clinic(sqlite_store: Store) -> EngineClinic:
    return build_engine_clinic(sqlite_store)


def _appointment(store: Store, clinic: EngineClinic, status: str = "booked", hour: int = 9) -> int:
    appointment_id = book_self_pay(
        store,
        ACTOR,
        BookingRequest(clinic.patients[0], clinic.okafor, "FU", clinic.at(MONDAY, hour)),
        now=BOOKED_AT,
    )
    if status != "booked":
        with store.write() as session:
            row = session.get(m.Appointment, appointment_id)
            assert row is not None
            row.status = status
    return appointment_id


def _status(store: Store, appointment_id: int) -> str:
    with store.read() as session:
        row = session.get(m.Appointment, appointment_id)
        assert row is not None
        return row.status


PAIRS = [
    (a, b)
    for a in APPOINTMENT_STATUSES
    for b in APPOINTMENT_STATUSES
    if a != b and b != "cancelled"
]


@pytest.mark.parametrize(("current", "wanted"), PAIRS)
def test_every_status_move_follows_the_state_machine(
    sqlite_store: Store, clinic: EngineClinic, current: str, wanted: str
) -> None:
    appointment_id = _appointment(sqlite_store, clinic, current)
    during_the_visit = clinic.at(MONDAY, 9, 30)
    if wanted in changes.TRANSITIONS[current]:
        changes.change_status(sqlite_store, ACTOR, appointment_id, wanted, now=during_the_visit)
        assert _status(sqlite_store, appointment_id) == wanted
    else:
        with pytest.raises(BadInput, match=f"cannot become {wanted}"):
            changes.change_status(sqlite_store, ACTOR, appointment_id, wanted, now=during_the_visit)
        assert _status(sqlite_store, appointment_id) == current


def test_a_missed_visit_can_be_undone(sqlite_store: Store, clinic: EngineClinic) -> None:
    appointment_id = _appointment(sqlite_store, clinic)
    after = clinic.at(MONDAY, 11)
    changes.change_status(sqlite_store, ACTOR, appointment_id, "noshow", now=after)
    changes.change_status(sqlite_store, ACTOR, appointment_id, "arrived", now=after)
    assert _status(sqlite_store, appointment_id) == "arrived"


def test_time_rules(sqlite_store: Store, clinic: EngineClinic) -> None:
    appointment_id = _appointment(sqlite_store, clinic)
    with pytest.raises(BadInput, match="before the day of the visit"):
        changes.change_status(sqlite_store, ACTOR, appointment_id, "arrived", now=BOOKED_AT)
    with pytest.raises(BadInput, match="once the start time has passed"):
        changes.change_status(
            sqlite_store, ACTOR, appointment_id, "noshow", now=clinic.at(MONDAY, 8)
        )
    with pytest.raises(BadInput, match="not an appointment status"):
        changes.change_status(sqlite_store, ACTOR, appointment_id, "done", now=BOOKED_AT)


def test_status_change_writes_event_and_audit(sqlite_store: Store, clinic: EngineClinic) -> None:
    appointment_id = _appointment(sqlite_store, clinic)
    changes.change_status(
        sqlite_store, ACTOR, appointment_id, "arrived", now=clinic.at(MONDAY, 8, 50)
    )
    with sqlite_store.read() as session:
        kinds = session.exec(select(m.DomainEvent.kind).order_by(col(m.DomainEvent.id))).all()
        row = session.exec(select(m.AuditEvent).order_by(col(m.AuditEvent.id).desc())).first()
    assert kinds == ["appointment.booked", "appointment.arrived"]
    assert row is not None and '"before": {' in row.detail_json and '"arrived"' in row.detail_json


@pytest.mark.parametrize(("hours_before", "late"), [(30, False), (23, True), (1, True)])
def test_cancel_flags_late_cancellations(
    sqlite_store: Store, clinic: EngineClinic, hours_before: int, late: bool
) -> None:
    appointment_id = _appointment(sqlite_store, clinic)
    now = clinic.at(MONDAY, 9) - timedelta(hours=hours_before)
    assert (
        changes.cancel(sqlite_store, ACTOR, appointment_id, "pat-fb", now=now, settings=SETTINGS)
        is late
    )
    with sqlite_store.read() as session:
        row = session.get(m.Appointment, appointment_id)
        assert row is not None
        assert (row.status, row.cancellation_reason, row.late_cancel) == (
            "cancelled",
            "pat-fb",
            late,
        )


@pytest.mark.parametrize(
    ("minutes_after_booking", "reason", "late"),
    [
        (5, "pat-fb", False),  # the caller changed their mind on the same call
        (59, "pat", False),
        (60, "pat", True),  # the grace window (60 minutes) is over
        (600, "prov-pers", False),  # the clinic's reason: never against the patient
        (600, "oth-err", False),
        (600, "pat-dec", False),
        (600, "pat-swl", False),  # took an earlier time from the waitlist
    ],
)
def test_a_visit_booked_minutes_ago_or_cancelled_by_the_clinic_is_not_late(
    sqlite_store: Store, clinic: EngineClinic, minutes_after_booking: int, reason: str, late: bool
) -> None:
    """The visit is at 9:00 on Monday; it is booked two hours before and cancelled
    `minutes_after_booking` later (always inside the 24 late hours)."""
    booked_at = clinic.at(MONDAY, 9) - timedelta(hours=12)
    appointment_id = book_self_pay(
        sqlite_store,
        ACTOR,
        BookingRequest(clinic.patients[0], clinic.okafor, "FU", clinic.at(MONDAY, 9)),
        now=booked_at,
    )
    now = booked_at + timedelta(minutes=minutes_after_booking)
    said = changes.cancel(sqlite_store, ACTOR, appointment_id, reason, now=now, settings=SETTINGS)
    assert said is late


def test_a_same_call_reschedule_is_not_late_and_the_grace_is_a_setting(
    sqlite_store: Store, clinic: EngineClinic
) -> None:
    booked_at = clinic.at(MONDAY, 9) - timedelta(hours=3)
    first = book_self_pay(
        sqlite_store,
        ACTOR,
        BookingRequest(clinic.patients[0], clinic.okafor, "FU", clinic.at(MONDAY, 9)),
        now=booked_at,
    )
    soon = booked_at + timedelta(minutes=10)
    moved = changes.reschedule(
        sqlite_store, ACTOR, first, clinic.at(MONDAY, 9, 30), now=soon, settings=SETTINGS,
        reason="pat", override_reason=SELF_PAY,
    )  # fmt: skip
    strict = load_settings(late_cancel_hours=24, late_cancel_grace_minutes=0)
    again = changes.reschedule(
        sqlite_store, ACTOR, moved.new_id, clinic.at(MONDAY, 11), now=soon, settings=strict,
        reason="pat", override_reason=SELF_PAY,
    )  # fmt: skip
    assert (moved.late_cancel, again.late_cancel) == (False, True)


def test_cancel_refuses_unknown_reasons_and_final_states(
    sqlite_store: Store, clinic: EngineClinic
) -> None:
    appointment_id = _appointment(sqlite_store, clinic)
    with pytest.raises(BadInput, match="'pat-bored' is not a cancellation reason code"):
        changes.cancel(
            sqlite_store, ACTOR, appointment_id, "pat-bored", now=BOOKED_AT, settings=SETTINGS
        )
    assert _status(sqlite_store, appointment_id) == "booked"
    changes.cancel(
        sqlite_store, ACTOR, appointment_id, "oth-weath", now=BOOKED_AT, settings=SETTINGS
    )
    with pytest.raises(BadInput, match="cannot become cancelled"):
        changes.cancel(
            sqlite_store, ACTOR, appointment_id, "pat-fb", now=BOOKED_AT, settings=SETTINGS
        )


def test_a_cancelled_slot_opens_again(sqlite_store: Store, clinic: EngineClinic) -> None:
    appointment_id = _appointment(sqlite_store, clinic)
    changes.cancel(sqlite_store, ACTOR, appointment_id, "pat-fb", now=BOOKED_AT, settings=SETTINGS)
    assert book_self_pay(
        sqlite_store,
        ACTOR,
        BookingRequest(clinic.patients[1], clinic.okafor, "FU", clinic.at(MONDAY, 9)),
        now=BOOKED_AT,
    )


def test_reschedule_links_old_and_new(sqlite_store: Store, clinic: EngineClinic) -> None:
    old = _appointment(sqlite_store, clinic)
    moved = changes.reschedule(
        sqlite_store,
        ACTOR,
        old,
        clinic.at(MONDAY, 9, 10),
        now=BOOKED_AT,
        settings=SETTINGS,
        reason="pat-cpp",
        override_reason=SELF_PAY,
    )
    again = changes.reschedule(
        sqlite_store,
        ACTOR,
        moved.new_id,
        clinic.at(MONDAY, 11),
        now=BOOKED_AT,
        settings=SETTINGS,
        override_reason=SELF_PAY,
    )
    with sqlite_store.read() as session:
        first = session.get(m.Appointment, old)
        second = session.get(m.Appointment, moved.new_id)
        third = session.get(m.Appointment, again.new_id)
    assert first and second and third
    assert (first.status, first.cancellation_reason) == ("cancelled", "pat-cpp")
    assert second.previous_appointment_id == old and second.originating_appointment_id == old
    assert third.previous_appointment_id == moved.new_id and third.originating_appointment_id == old
    assert third.status == "booked" and third.start == clinic.at(MONDAY, 11)


def test_a_failed_reschedule_leaves_the_old_appointment_intact(
    sqlite_store: Store, clinic: EngineClinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = _appointment(sqlite_store, clinic)

    def crash() -> None:
        raise RuntimeError("process killed between the two steps")

    monkeypatch.setattr(changes, "_between_steps", crash)
    with pytest.raises(RuntimeError):
        changes.reschedule(
            sqlite_store,
            ACTOR,
            old,
            clinic.at(MONDAY, 11),
            now=BOOKED_AT,
            settings=SETTINGS,
            override_reason=SELF_PAY,
        )
    with sqlite_store.read() as session:
        rows = session.exec(select(m.Appointment)).all()
        events = session.exec(select(m.DomainEvent)).all()
    assert [(row.id, row.status) for row in rows] == [(old, "booked")]
    assert len(events) == 1


def test_reschedule_to_a_taken_time_changes_nothing(
    sqlite_store: Store, clinic: EngineClinic
) -> None:
    old = _appointment(sqlite_store, clinic)
    book_self_pay(
        sqlite_store,
        ACTOR,
        BookingRequest(clinic.patients[1], clinic.okafor, "FU", clinic.at(MONDAY, 11)),
        now=BOOKED_AT,
    )
    with pytest.raises(BadInput, match="already booked"):
        changes.reschedule(
            sqlite_store,
            ACTOR,
            old,
            clinic.at(MONDAY, 11),
            now=BOOKED_AT,
            settings=SETTINGS,
            override_reason=SELF_PAY,
        )
    assert _status(sqlite_store, old) == "booked"


def test_a_held_time_overlapping_the_old_one_moves_the_visit(
    sqlite_store: Store, clinic: EngineClinic
) -> None:
    """The workspace holds the new time first; the visit's own time is not in its way."""
    old = _appointment(sqlite_store, clinic)
    request = BookingRequest(clinic.patients[0], clinic.okafor, "FU", clinic.at(MONDAY, 9, 10))
    with pytest.raises(BadInput, match="Cannot hold"):
        hold_slot(sqlite_store, ACTOR, request, now=BOOKED_AT, settings=SETTINGS)
    held = hold_slot(sqlite_store, ACTOR, request, now=BOOKED_AT, settings=SETTINGS, moving=old)
    moved = changes.reschedule(
        sqlite_store,
        ACTOR,
        old,
        request.start,
        now=BOOKED_AT,
        settings=SETTINGS,
        reason="pat-lt",
        hold_id=held.hold_id,
        override_reason=SELF_PAY,
    )
    with sqlite_store.read() as session:
        new = session.get(m.Appointment, moved.new_id)
        holds = session.exec(select(m.SlotHold)).all()
    assert new is not None and new.start == request.start
    assert holds == [] and _status(sqlite_store, old) == "cancelled"
