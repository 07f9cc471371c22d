"""What a booking must satisfy, worked out from one read of the store.

`plan_booking` checks a request the way the search does (the time, the patient, the
no-show rule, the insurance checklist) and gathers what the new row links to. A booking
plans before it takes the write lock; inside the lock it reads again only what another
writer could have changed meanwhile (see `booking.insert_booking`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import Session, col, func, select

from schedtui.core.insurance.checklist import Proposal, booking_warnings, covering_authorization
from schedtui.core.schedule.availability import Candidate, Checker, Scope, load_occupancy
from schedtui.core.schedule.reference import Reference, current_reference
from schedtui.core.schedule.referrals import open_referral_for
from schedtui.core.schedule.telehealth import video_link
from schedtui.core.security.access import Actor, Permission
from schedtui.core.support.errors import BadInput
from schedtui.core.support.text import text_problem
from schedtui.core.support.writes import lock_rows
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
    #: Why book despite open insurance items; the items themselves are worked out by
    #: every booking's plan (`plan_booking`, which `insert_booking` always has), so no
    #: path can skip them.
    override_reason: str = ""
    #: Answers to the visit type's screening questions: (question id, answer as typed).
    screening: tuple[tuple[int, str], ...] = ()


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


@dataclass
class Prepared:
    """A request checked against the store: the candidate and what it needs."""

    candidate: Candidate
    kind: m.AppointmentType
    checker: Checker
    problems: list[str]
    #: Whose visits bear on the time: the provider, the patient, the resources, the
    #: interpreters of the patient's language.
    scope: Scope


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
    return Prepared(candidate, kind, checker, checker.problems(candidate), scope)


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


def _video_link(session: Session, candidate: Candidate, settings: Settings) -> str:
    if candidate.visit_mode != "telehealth":
        return ""
    provider = session.get(m.Provider, candidate.provider_id)
    assert provider is not None
    return video_link(provider, settings)


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


@dataclass(frozen=True)
class BookingPlan:
    """A request checked against one read of the store, and what its row will link to.

    Made before the write lock is taken; inside it, the booking reads again only what
    another writer could have changed since (the time's occupancy, and everything when
    the clinic's setup moved)."""

    prepared: Prepared
    reason: str
    #: The insurance override (reason and open items), empty when nothing was open.
    override: dict[str, Any]
    video_link: str
    authorization_id: int | None
    referral_id: int | None


def plan_booking(
    session: Session,
    actor: Actor,
    request: BookingRequest,
    *,
    now: datetime,
    settings: Settings,
    ignore_appointment: int | None = None,
    lock_shared: bool = False,
) -> BookingPlan:
    """Check `request` and gather its links; raise `BadInput` with every reason it
    cannot be booked (the time's own problems first, then the patient's, then insurance)."""
    reason = visit_reason(request.reason)
    prepared = prepare(
        session, request, now=now, ignore_appointment=ignore_appointment, lock_shared=lock_shared
    )
    refuse_problems(prepared.problems)
    if ignore_appointment is None:  # a move keeps a visit the patient already had
        check_no_show_limit(session, actor, request.patient_id, now, settings)
    if request.overbook and not request.overbook_reason.strip():
        raise BadInput("An overbooking needs a reason.")
    c = prepared.candidate
    local_day = c.start.astimezone(prepared.checker.ref.zones[c.site_id]).date()
    override = _insurance_override(session, request, local_day, now, settings)
    covering = covering_authorization(session, request.patient_id, c.type_id, local_day)
    referral = open_referral_for(session, request.patient_id, prepared.kind)
    return BookingPlan(
        prepared,
        reason,
        override,
        _video_link(session, c, settings),
        covering.id if covering else None,
        referral.id if referral else None,
    )


def refuse_problems(problems: list[str]) -> None:
    """Refuse a time with every reason it cannot be booked (nothing when there is none)."""
    if problems:
        raise BadInput("Cannot book that time: " + "; ".join(problems) + ".")


def recheck(
    session: Session,
    plan: BookingPlan,
    *,
    now: datetime,
    ignore_hold: int | None = None,
    ignore_appointment: int | None = None,
) -> Checker | None:
    """Inside the write: the plan's time checked again against what other writers may
    have booked or held since (the provider's, the patient's, the resources' and the
    interpreters' visits of that day). `None` when the clinic's setup moved since the
    plan (templates, blocks, closures, limits...): then everything is checked again."""
    prepared = plan.prepared
    ref = current_reference(session)
    if ref is not prepared.checker.ref:
        return None
    lock_rows(session, "resource", _shared_resources(ref, prepared.scope))
    first, last = _day_around(ref, prepared.candidate)
    occupancy = load_occupancy(
        session,
        ref,
        first,
        last,
        now=now,
        ignore_hold=ignore_hold,
        ignore_appointment=ignore_appointment,
        scope=prepared.scope,
    )
    checker = Checker(ref, occupancy, now)
    refuse_problems(checker.conflicts(prepared.candidate))
    return checker


def _day_around(ref: Reference, c: Candidate) -> tuple[datetime, datetime]:
    """The local day of the visit at its site (the per-day caps count by it), and the
    visit itself should it run past midnight."""
    zone = ref.zones[c.site_id]
    day = c.start.astimezone(zone).date()
    first = datetime.combine(day, datetime.min.time(), zone)
    last = datetime.combine(day + timedelta(days=1), datetime.min.time(), zone)
    return min(first, c.start), max(last, c.end)
