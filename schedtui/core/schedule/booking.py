"""Holding and booking: the only door through which anything gets on the schedule.

A booking is planned from a read (`booking_checks`), then made in one transaction that
locks the provider's (and the patient's) rows, checks the time again with the same
`Checker` the search uses, inserts, and writes a DomainEvent and an audit row with it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from schedtui.core.schedule.availability import Checker
from schedtui.core.schedule.booking_checks import (
    BookingPlan,
    Prepared,
    plan_booking,
    prepare,
    recheck,
    within_allowance,
)
from schedtui.core.schedule.booking_checks import BookingRequest as BookingRequest
from schedtui.core.schedule.recalls import link_recall_on_booking
from schedtui.core.schedule.referrals import link_on_booking
from schedtui.core.schedule.screening import keep_answers, questions_for, read_answers
from schedtui.core.security import audit
from schedtui.core.security.access import Actor, Permission
from schedtui.core.security.guard import guarded_write, require
from schedtui.core.support.errors import BadInput
from schedtui.core.support.writes import in_write, lock_rows
from schedtui.data import models as m
from schedtui.data.store import Store
from schedtui.settings import Settings


class NeedsOverbookPermission(Exception):
    """Raised inside the transaction; the refusal is audited once it has rolled back."""


def record_event(
    session: Session,
    kind: str,
    appointment: m.Appointment,
    actor: Actor,
    now: datetime,
    **extra: Any,
) -> None:
    """Write the DomainEvent of a change to an appointment (same transaction)."""
    assert appointment.id is not None
    payload = {
        "patient_id": appointment.patient_id,
        "provider_id": appointment.provider_id,
        "site_id": appointment.site_id,
        "start": appointment.start.isoformat(),
        "end": appointment.end.isoformat(),
        "status": appointment.status,
        **extra,
    }
    session.add(
        m.DomainEvent(
            occurred_at=now,
            kind=kind,
            aggregate="appointment",
            aggregate_id=appointment.id,
            provider_id=appointment.provider_id,
            actor_id=actor.user_id,
            payload_json=json.dumps(payload),
        )
    )


def _check_overbook(
    session: Session, prepared: Prepared, request: BookingRequest, actor: Actor
) -> None:
    if not request.overbook or actor.can(Permission.OVERBOOK_BEYOND_ALLOWANCE):
        return
    if not within_allowance(session, prepared, request.provider_id):
        raise NeedsOverbookPermission()


@dataclass(frozen=True)
class NewBooking:
    """An appointment inserted (not yet committed), and what its audit row must keep."""

    appointment: m.Appointment
    #: The insurance override (reason and open items), empty when nothing was open.
    override: dict[str, Any]


def insert_booking(
    session: Session,
    actor: Actor,
    request: BookingRequest,
    *,
    now: datetime,
    settings: Settings,
    ignore_appointment: int | None = None,
    plan: BookingPlan | None = None,
    **links: Any,
) -> NewBooking:
    """Check and insert one booking in the caller's transaction; raise `BadInput` with every
    reason it cannot be booked.

    Every path onto the schedule comes through here, so the insurance checklist is read
    for every booking: by the `plan` made just before the write, or here. With a plan,
    only what another writer could have changed since is read again under the lock.
    """
    lock_rows(session, "provider", [request.provider_id])
    lock_rows(session, "patient", [request.patient_id])
    checker = None
    if plan is not None:
        checker = recheck(
            session,
            plan,
            now=now,
            ignore_hold=request.hold_id,
            ignore_appointment=ignore_appointment,
        )
    if plan is None or checker is None:
        plan = plan_booking(
            session,
            actor,
            request,
            now=now,
            settings=settings,
            ignore_appointment=ignore_appointment,
            lock_shared=True,
        )
        checker = plan.prepared.checker
    _check_overbook(session, plan.prepared, request, actor)
    appointment = _new_appointment(actor, request, plan, checker, now, links)
    link_on_booking(session, appointment, now, planned=plan.referral_id)
    session.add(appointment)
    if request.hold_id is not None:
        hold = session.get(m.SlotHold, request.hold_id)
        if hold is not None:
            session.delete(hold)
    session.flush()
    link_recall_on_booking(session, appointment)
    return NewBooking(appointment, plan.override)


def _new_appointment(
    actor: Actor,
    request: BookingRequest,
    plan: BookingPlan,
    checker: Checker,
    now: datetime,
    links: dict[str, Any],
) -> m.Appointment:
    c = plan.prepared.candidate
    resource = checker.free_resource(c) if plan.prepared.kind.resource_kind else None
    appointment = m.Appointment(
        patient_id=request.patient_id,
        provider_id=c.provider_id,
        site_id=c.site_id,
        appointment_type_id=c.type_id,
        resource_id=resource,
        start=c.start,
        end=c.end,
        status="booked",
        reason=plan.reason,
        visit_mode=c.visit_mode,
        video_link=plan.video_link,
        interpreter_language=c.interpreter_language,
        overbooked=request.overbook,
        overbook_reason=request.overbook_reason.strip() if request.overbook else "",
        booked_by_id=actor.user_id,
        booked_at=now,
        updated_at=now,
        **links,
    )
    if "prior_authorization_id" not in links:
        appointment.prior_authorization_id = plan.authorization_id
    return appointment


def book(
    store: Store, actor: Actor, request: BookingRequest, *, now: datetime, settings: Settings
) -> int:
    """Book an appointment; return its id. Refusals name every reason.

    Everything that needs no lock (the time against the template, the insurance
    checklist, the links) is worked out from a read before the write; the write then
    holds the lock only to read again what another writer could have changed, insert,
    and keep the event and the audit row."""
    require(store, actor, Permission.BOOK, now=now, what="appointment")
    with store.read() as session:
        plan = plan_booking(session, actor, request, now=now, settings=settings)
        answers = screening_answers(session, request)

    def work(session: Session) -> int:
        new = insert_booking(session, actor, request, now=now, settings=settings, plan=plan)
        appointment = new.appointment
        record_booking(
            session, actor, appointment, now, overbooked=appointment.overbooked, **new.override
        )
        assert appointment.id is not None
        keep_answers(session, actor, appointment.id, answers, now)
        return appointment.id

    try:
        return in_write(store, work)
    except NeedsOverbookPermission:
        require(store, actor, Permission.OVERBOOK_BEYOND_ALLOWANCE, now=now, what="appointment")
        raise


def screening_answers(session: Session, request: BookingRequest) -> dict[int, str]:
    """The screening answers given with the booking, checked against the visit type's
    questions (none given: none kept, and the required ones stay open)."""
    if not request.screening:
        return {}
    return read_answers(questions_for(session, request.type_code), dict(request.screening))


def record_booking(
    session: Session,
    actor: Actor,
    appointment: m.Appointment,
    now: datetime,
    kind: str = "appointment.booked",
    **extra: Any,
) -> None:
    """The DomainEvent and the audit row of a new booking (same transaction)."""
    record_event(session, kind, appointment, actor, now, **extra)
    audit.record(
        session,
        actor=actor,
        action="create",
        now=now,
        entity="appointment",
        entity_id=appointment.id,
        patient_id=appointment.patient_id,
        detail={"after": snapshot(appointment), **extra},
    )


def snapshot(appointment: m.Appointment) -> dict[str, Any]:
    """The fields an audit row shows before and after a change."""
    return {
        key: getattr(appointment, key)
        for key in (
            "status",
            "provider_id",
            "site_id",
            "start",
            "end",
            "appointment_type_id",
            "visit_mode",
            "overbooked",
            "cancellation_reason",
            "late_cancel",
            "no_show_reason",
        )
    }


@dataclass(frozen=True)
class Hold:
    """A reserved slot and when the reservation lapses."""

    hold_id: int
    expires_at: datetime


def hold_slot(
    store: Store,
    actor: Actor,
    request: BookingRequest,
    *,
    now: datetime,
    settings: Settings,
    moving: int | None = None,
) -> Hold:
    """Reserve a slot for a few minutes while the caller decides (FHIR $hold). `moving` is
    the appointment being rescheduled: its own time does not stand in the way."""

    def work(session: Session) -> Hold:
        if request.overbook:
            raise BadInput("Overbookings are booked directly, not held.")
        lock_rows(session, "provider", [request.provider_id])
        prepared = prepare(session, request, now=now, ignore_appointment=moving, lock_shared=True)
        if prepared.problems:
            raise BadInput("Cannot hold that time: " + "; ".join(prepared.problems) + ".")
        c = prepared.candidate
        expires = now + timedelta(minutes=settings.hold_minutes)
        resource = prepared.checker.free_resource(c) if prepared.kind.resource_kind else None
        hold = m.SlotHold(
            provider_id=c.provider_id,
            site_id=c.site_id,
            appointment_type_id=c.type_id,
            resource_id=resource,
            patient_id=c.patient_id,
            start=c.start,
            end=c.end,
            held_by_id=actor.user_id,
            expires_at=expires,
        )
        session.add(hold)
        session.flush()
        assert hold.id is not None
        return Hold(hold.id, expires)

    return guarded_write(store, actor, Permission.BOOK, work, now=now, what="hold")


def release_hold(store: Store, actor: Actor, hold_id: int, *, now: datetime) -> None:
    """Give a held slot back before it expires."""

    def work(session: Session) -> None:
        hold = session.get(m.SlotHold, hold_id)
        if hold is not None:
            session.delete(hold)

    guarded_write(store, actor, Permission.BOOK, work, now=now, what="hold")
