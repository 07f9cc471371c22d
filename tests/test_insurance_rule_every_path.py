"""Every way onto the schedule keeps the insurance rule: open checklist items (no coverage,
a missing referral...) refuse the booking unless a reason is given, and a refusal writes
nothing.

Regression tests for rescheduling and booking from the waitlist skipping the rule, since
only the caller computed the open items.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import col, func, select

from schedtui.core.schedule.appointment_changes import cancel, reschedule
from schedtui.core.schedule.booking import BookingRequest, book
from schedtui.core.schedule.booking_checks import OpenItemsNeedReason
from schedtui.core.schedule.waitlist import (
    OpenTime,
    WaitlistRequest,
    add_to_waitlist,
    book_from_waitlist,
)
from schedtui.core.security.access import Actor
from schedtui.data import models as m
from schedtui.data.store import Store
from schedtui.settings import load_settings
from tests.builders import SELF_PAY, book_self_pay
from tests.engine_clinic import EngineClinic, build_engine_clinic

NOW = datetime(2026, 3, 6, 17, 0, tzinfo=UTC)
MONDAY = date(2026, 3, 9)
ACTOR = Actor(None, "sam", "supervisor")
SETTINGS = load_settings()
REFUSED = "open insurance items is required: Coverage: none on file"


@pytest.fixture
def clinic(sqlite_store: Store) -> EngineClinic:
    return build_engine_clinic(sqlite_store)


def _counts(store: Store) -> tuple[int, int, int]:
    with store.read() as session:
        booked = session.exec(
            select(func.count())
            .select_from(m.Appointment)
            .where(col(m.Appointment.status) == "booked")
        ).one()
        audit = session.exec(select(func.count()).select_from(m.AuditEvent)).one()
        events = session.exec(select(func.count()).select_from(m.DomainEvent)).one()
    return booked, audit, events


def test_a_booking_with_open_items_and_no_reason_is_refused(
    sqlite_store: Store, clinic: EngineClinic
) -> None:
    before = _counts(sqlite_store)
    request = BookingRequest(clinic.patients[1], clinic.okafor, "FU", clinic.at(MONDAY, 9))
    with pytest.raises(OpenItemsNeedReason, match=REFUSED):
        book(sqlite_store, ACTOR, request, now=NOW, settings=SETTINGS)
    assert _counts(sqlite_store) == before


def test_a_double_booking_with_open_items_and_no_reason_is_refused(
    sqlite_store: Store, clinic: EngineClinic
) -> None:
    book_self_pay(
        sqlite_store,
        ACTOR,
        BookingRequest(clinic.patients[1], clinic.okafor, "FU", clinic.at(MONDAY, 9)),
        now=NOW,
    )
    before = _counts(sqlite_store)
    over = BookingRequest(
        clinic.patients[2], clinic.okafor, "FU", clinic.at(MONDAY, 9),
        overbook=True, overbook_reason="urgent",
    )  # fmt: skip
    with pytest.raises(OpenItemsNeedReason, match=REFUSED):
        book(sqlite_store, ACTOR, over, now=NOW, settings=SETTINGS)
    assert _counts(sqlite_store) == before


def test_a_reschedule_with_open_items_and_no_reason_is_refused(
    sqlite_store: Store, clinic: EngineClinic
) -> None:
    old = book_self_pay(
        sqlite_store,
        ACTOR,
        BookingRequest(clinic.patients[1], clinic.okafor, "FU", clinic.at(MONDAY, 9)),
        now=NOW,
    )
    before = _counts(sqlite_store)
    with pytest.raises(OpenItemsNeedReason, match=REFUSED):
        reschedule(sqlite_store, ACTOR, old, clinic.at(MONDAY, 11), now=NOW, settings=SETTINGS)
    assert _counts(sqlite_store) == before
    moved = reschedule(
        sqlite_store,
        ACTOR,
        old,
        clinic.at(MONDAY, 11),
        now=NOW,
        settings=SETTINGS,
        override_reason=SELF_PAY,
    )
    with sqlite_store.read() as session:
        row = session.exec(
            select(m.AuditEvent)
            .where(col(m.AuditEvent.entity_id) == str(moved.new_id))
            .where(col(m.AuditEvent.action) == "create")
        ).one()
    assert f'"reason": "{SELF_PAY}"' in row.detail_json
    assert '"open_items": ["Coverage: none on file' in row.detail_json


def test_a_booking_from_the_waitlist_with_open_items_and_no_reason_is_refused(
    sqlite_store: Store, clinic: EngineClinic
) -> None:
    taken = book_self_pay(
        sqlite_store,
        ACTOR,
        BookingRequest(clinic.patients[2], clinic.okafor, "FU", clinic.at(MONDAY, 9)),
        now=NOW,
    )
    cancel(sqlite_store, ACTOR, taken, "pat-fb", now=NOW, settings=SETTINGS)
    wish = WaitlistRequest(clinic.patients[1], "FU", earliest=MONDAY)
    entry = add_to_waitlist(sqlite_store, ACTOR, wish, now=NOW)
    opened = OpenTime(clinic.okafor, clinic.site, clinic.at(MONDAY, 9), clinic.at(MONDAY, 9, 20))
    before = _counts(sqlite_store)
    with pytest.raises(OpenItemsNeedReason, match=REFUSED):
        book_from_waitlist(sqlite_store, ACTOR, entry, opened, now=NOW, settings=SETTINGS)
    assert _counts(sqlite_store) == before
    with sqlite_store.read() as session:
        waiting = session.get(m.WaitlistEntry, entry)
    assert waiting is not None and waiting.status == "active"
