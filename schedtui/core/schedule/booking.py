"""Holding and booking: the only door through which anything gets on the schedule.

A booking is one transaction that locks the provider's (and the patient's) rows,
re-checks the time with the same `Checker` the search uses, inserts, and writes a
DomainEvent and an audit row with it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import Session, col, func, select

from schedtui.core.insurance.checklist import Proposal, booking_warnings, covering_authorization
from schedtui.core.schedule.availability import Candidate, Checker, Scope, load_occupancy
from schedtui.core.schedule.recalls import link_recall_on_booking
from schedtui.core.schedule.reference import Reference, current_reference
from schedtui.core.schedule.referrals import link_on_booking
from schedtui.core.schedule.telehealth import video_link
from schedtui.core.security import audit
from schedtui.core.security.access import Actor, Permission
from schedtui.core.security.guard import guarded_write, require
from schedtui.core.support.errors import BadInput
from schedtui.core.support.text import text_problem
from schedtui.core.support.writes import in_write, lock_rows
from schedtui.data import models as m
from schedtui.data.codes import VisitMode
from schedtui.data.recurrence import windows
from schedtui.data.store import Store
from schedtui.settings import Settings


@dataclass(frozen=True)
class BookingRequest:
    """Who, with whom, what and when."""

    patient_id: int
    provider_id: int
    type_code: str
    start: datetime
    site_id: int | None = None
    visit_mode: str | None = None
    reason: str = ""
    overbook: bool = False
    overbook_reason: str = ""
    hold_id: int | None = None
    #: Why book despite open insurance items; the items themselves are worked out inside
    #: the booking's transaction, so no path can skip them.
    override_reason: str = ""


class OpenItemsNeedReason(BadInput):
    """Insurance items are open and no (fit) reason was given for booking anyway."""


def insurance_override(open_items: tuple[str, ...], reason: str) -> dict[str, Any]:
    """What the audit row keeps of an insurance override (nothing when none was needed);
    open items without a reason are refused."""
    if not open_items:
        return {}
    reason = reason.strip()
    problem = "is required" if not reason else text_problem(reason, VISIT_REASON_LIMIT)
    if problem:
        raise OpenItemsNeedReason(
            f"The reason for booking despite open insurance items {problem}: "
            + "; ".join(open_items)
        )
    return {"insurance_override": {"reason": reason, "open_items": list(open_items)}}


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


@dataclass
class Prepared:
    """A request checked against the store: the candidate and what it needs."""

    candidate: Candidate
    kind: m.AppointmentType
    checker: Checker
    problems: list[str]


def prepare(
    session: Session,
    request: BookingRequest,
    *,
    now: datetime,
    ignore_appointment: int | None = None,
    lock_shared: bool = False,
) -> Prepared:
    """Check a request against a fresh read of the store (inside the caller's transaction).

    `lock_shared` (a write that consumes the time) first locks the shared resources the
    visit could use, the equipment serving its type and the interpreters of its language,
    so two schedulers never both take the last one (PostgreSQL; SQLite's writer holds
    the whole file already). The caller has locked the provider and patient rows before.
    """
    ref = current_reference(session)
    kind, patient = _known(session, ref, request)
    start = request.start
    end = start + timedelta(minutes=kind.duration_minutes)
    site_id = request.site_id or _site_at(ref, request.provider_id, start)
    interpreter = None
    if patient.interpreter_needed and patient.language not in ref.languages[request.provider_id]:
        interpreter = patient.language
    assert kind.id is not None
    candidate = Candidate(
        request.provider_id,
        site_id,
        kind.id,
        start,
        end,
        request.patient_id,
        request.visit_mode or VisitMode.IN_PERSON,
        interpreter,
        request.overbook,
    )
    scope = Scope(
        frozenset({request.provider_id}),
        request.patient_id,
        frozenset(ref.type_resources.get(kind.id, ())),
        interpreter,
    )
    if lock_shared:
        lock_rows(session, "resource", _shared_resources(ref, scope))
    occupancy = load_occupancy(
        session,
        ref,
        start - timedelta(days=1),
        end + timedelta(days=1),
        now=now,
        ignore_hold=request.hold_id,
        ignore_appointment=ignore_appointment,
        scope=scope,
    )
    checker = Checker(ref, occupancy, now)
    return Prepared(candidate, kind, checker, checker.problems(candidate))


def _shared_resources(ref: Reference, scope: Scope) -> set[int]:
    """The resource rows a booking in `scope` could consume (locked in one id order)."""
    wanted = set(scope.resource_ids)
    if scope.language:
        wanted |= {
            resource_id
            for resource_id, resource in ref.resources.items()
            if resource.kind == "interpreter" and resource.language == scope.language
        }
    return wanted


def _known(
    session: Session, ref: Reference, request: BookingRequest
) -> tuple[m.AppointmentType, m.Patient]:
    patient = session.get(m.Patient, request.patient_id)
    if patient is None:
        raise BadInput(f"There is no patient with id {request.patient_id}.")
    if patient.deceased:
        died = f" on {patient.deceased_on:%m/%d/%Y}" if patient.deceased_on else ""
        raise BadInput(f"MRN {patient.mrn} is recorded as deceased{died}: nothing is booked.")
    if patient.merged_into_id is not None:
        raise BadInput(f"MRN {patient.mrn} was merged into another chart: book on that one.")
    if request.provider_id not in ref.providers:
        raise BadInput(f"There is no active provider with id {request.provider_id}.")
    kind = ref.type_by_code(request.type_code)
    if kind is None:
        raise BadInput(f"There is no appointment type '{request.type_code}'.")
    if request.site_id is not None and request.site_id not in ref.sites:
        raise BadInput(f"There is no active site with id {request.site_id}.")
    if request.start.tzinfo is None:
        raise BadInput("The start time needs a timezone.")
    return kind, patient


def _site_at(ref: Reference, provider_id: int, start: datetime) -> int:
    """The site whose template window holds `start` (a provider may work at several)."""
    templates = ref.templates_of(provider_id)
    for template in templates:
        day = start.astimezone(ref.zones[template.site_id]).date()
        spans = windows([template], [], ref.closures, ref.zones, day, day, ref.site_hours)
        if any(window.start <= start < window.end for window in spans):
            return template.site_id
    sites = {template.site_id for template in templates}
    if len(sites) == 1:
        return sites.pop()
    raise BadInput("The provider works at several sites and none is open then; say which site.")


class PastNoShowLimit(BadInput):
    """The clinic's no-show rule: only a supervisor books this patient's next visit."""


def check_no_show_limit(
    session: Session, actor: Actor, patient_id: int, now: datetime, settings: Settings
) -> None:
    """Refuse, saying why, a booking for a patient past the clinic's no-show limit by a
    user who may not approve it (`no_show_limit`; 0 is no rule)."""
    limit = settings.no_show_limit
    if not limit or actor.can(Permission.BOOK_AFTER_NO_SHOWS):
        return
    since = now - timedelta(days=settings.no_show_window_days)
    missed = session.exec(
        select(func.count())
        .select_from(m.Appointment)
        .where(col(m.Appointment.patient_id) == patient_id)
        .where(col(m.Appointment.status) == "noshow")
        .where(col(m.Appointment.start) >= since)
    ).one()
    if missed >= limit:
        raise PastNoShowLimit(
            f"The patient missed {missed} visits in the last {settings.no_show_window_days} "
            f"days (the clinic's limit is {limit}): a supervisor books their next visit."
        )


def _check_overbook(
    session: Session, prepared: Prepared, request: BookingRequest, actor: Actor
) -> None:
    if not request.overbook:
        return
    if not request.overbook_reason.strip():
        raise BadInput("An overbooking needs a reason.")
    if actor.can(Permission.OVERBOOK_BEYOND_ALLOWANCE):
        return
    if not within_allowance(session, prepared, request.provider_id):
        raise NeedsOverbookPermission()


def within_allowance(session: Session, prepared: Prepared, provider_id: int) -> bool:
    """Whether the template's overbookings an hour leave room for one more."""
    window = prepared.checker.window_for(prepared.candidate)
    allowance = window.template.overbook_per_hour if window else 0
    hour = prepared.candidate.start.replace(minute=0, second=0, microsecond=0)
    used = session.exec(
        select(func.count())
        .select_from(m.Appointment)
        .where(col(m.Appointment.provider_id) == provider_id)
        .where(col(m.Appointment.overbooked))
        .where(col(m.Appointment.status).in_(("booked", "arrived", "checked-in")))
        .where(col(m.Appointment.start) >= hour)
        .where(col(m.Appointment.start) < hour + timedelta(hours=1))
    ).one()
    return bool(used < allowance)


#: The longest reason for a visit the store keeps.
VISIT_REASON_LIMIT = 500


def visit_reason(text: str) -> str:
    """The reason for the visit as typed, trimmed; `BadInput` says what is wrong with it."""
    reason = text.strip()
    problem = text_problem(reason, VISIT_REASON_LIMIT)
    if problem:
        raise BadInput(f"The reason for the visit: {problem}.")
    return reason


@dataclass(frozen=True)
class NewBooking:
    """An appointment inserted (not yet committed), and what its audit row must keep."""

    appointment: m.Appointment
    #: The insurance override (reason and open items), empty when nothing was open.
    override: dict[str, Any]


def _video_link(session: Session, candidate: Candidate, settings: Settings) -> str:
    if candidate.visit_mode != "telehealth":
        return ""
    provider = session.get(m.Provider, candidate.provider_id)
    assert provider is not None
    return video_link(provider, settings)


def insert_booking(
    session: Session,
    actor: Actor,
    request: BookingRequest,
    *,
    now: datetime,
    settings: Settings,
    ignore_appointment: int | None = None,
    **links: Any,
) -> NewBooking:
    """Check and insert one booking in the caller's transaction; raise `BadInput` with every
    reason it cannot be booked.

    Every path onto the schedule comes through here, so the insurance checklist is read
    here, in the same transaction: open items are refused unless the request says why.
    """
    reason = visit_reason(request.reason)
    lock_rows(session, "provider", [request.provider_id])
    lock_rows(session, "patient", [request.patient_id])
    prepared = prepare(
        session, request, now=now, ignore_appointment=ignore_appointment, lock_shared=True
    )
    if prepared.problems:
        raise BadInput("Cannot book that time: " + "; ".join(prepared.problems) + ".")
    if ignore_appointment is None:  # a move keeps a visit the patient already had
        check_no_show_limit(session, actor, request.patient_id, now, settings)
    _check_overbook(session, prepared, request, actor)
    c = prepared.candidate
    local_day = c.start.astimezone(prepared.checker.ref.zones[c.site_id]).date()
    # after the time's own checks, so those are named first; a refusal rolls back
    override = _insurance_override(session, request, local_day, now, settings)
    resource = prepared.checker.free_resource(c) if prepared.kind.resource_kind else None
    appointment = m.Appointment(
        patient_id=request.patient_id,
        provider_id=c.provider_id,
        site_id=c.site_id,
        appointment_type_id=c.type_id,
        resource_id=resource,
        start=c.start,
        end=c.end,
        status="booked",
        reason=reason,
        visit_mode=c.visit_mode,
        video_link=_video_link(session, c, settings),
        interpreter_language=c.interpreter_language,
        overbooked=request.overbook,
        overbook_reason=request.overbook_reason.strip() if request.overbook else "",
        booked_by_id=actor.user_id,
        booked_at=now,
        updated_at=now,
        **links,
    )
    if "prior_authorization_id" not in links:
        covering = covering_authorization(session, request.patient_id, c.type_id, local_day)
        appointment.prior_authorization_id = covering.id if covering else None
    link_on_booking(session, appointment, now)
    session.add(appointment)
    if request.hold_id is not None:
        hold = session.get(m.SlotHold, request.hold_id)
        if hold is not None:
            session.delete(hold)
    session.flush()
    link_recall_on_booking(session, appointment)
    return NewBooking(appointment, override)


def _insurance_override(
    session: Session, request: BookingRequest, day: date, now: datetime, settings: Settings
) -> dict[str, Any]:
    proposal = Proposal(request.patient_id, request.type_code, request.provider_id, day)
    open_items = booking_warnings(session, proposal, now=now, settings=settings)
    return insurance_override(tuple(open_items), request.override_reason)


def open_insurance_items(
    store: Store, request: BookingRequest, *, now: datetime, settings: Settings
) -> list[str]:
    """The insurance items a booking of `request` would find open (to show before booking;
    the booking itself reads them again in its own transaction)."""
    with store.read() as session:
        ref = current_reference(session)
        _known(session, ref, request)
        site_id = request.site_id or _site_at(ref, request.provider_id, request.start)
        day = request.start.astimezone(ref.zones[site_id]).date()
        proposal = Proposal(request.patient_id, request.type_code, request.provider_id, day)
        return booking_warnings(session, proposal, now=now, settings=settings)


def book(
    store: Store, actor: Actor, request: BookingRequest, *, now: datetime, settings: Settings
) -> int:
    """Book an appointment; return its id. Refusals name every reason."""
    require(store, actor, Permission.BOOK, now=now, what="appointment")

    def work(session: Session) -> int:
        new = insert_booking(session, actor, request, now=now, settings=settings)
        appointment = new.appointment
        record_booking(
            session, actor, appointment, now, overbooked=appointment.overbooked, **new.override
        )
        assert appointment.id is not None
        return appointment.id

    try:
        return in_write(store, work)
    except NeedsOverbookPermission:
        require(store, actor, Permission.OVERBOOK_BEYOND_ALLOWANCE, now=now, what="appointment")
        raise


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
