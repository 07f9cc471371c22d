"""The waitlist: patients who want an earlier (or any) time, offered one the moment it opens.

`offers_for` ranks the entries that fit an opened time (urgency, then time waited, then
how exactly it fits) so a scheduler can call the first at once (Epic's "Fast Pass").
Booking from the waitlist closes the entry and cancels the patient's later appointment
for the same need with reason pat-swl, in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from sqlmodel import Session, col, select

from schedtui.core.schedule.appointment_changes import cancel_in
from schedtui.core.schedule.availability import Candidate, Checker, load_occupancy
from schedtui.core.schedule.booking import BookingRequest, insert_booking, record_booking
from schedtui.core.schedule.reference import Reference, load_reference
from schedtui.core.schedule.slots import DAY_PARTS
from schedtui.core.security import audit
from schedtui.core.security.access import Actor, Permission
from schedtui.core.security.guard import guarded_write
from schedtui.core.support.errors import BadInput
from schedtui.core.support.rows import JsonRow
from schedtui.core.support.text import text_problem
from schedtui.data import models as m
from schedtui.data.codes import DAY_PARTS as DAY_PART_CODES
from schedtui.data.store import Store
from schedtui.settings import Settings


@dataclass(frozen=True)
class WaitlistRequest:
    """A patient's wish for an earlier or any time."""

    patient_id: int
    type_code: str
    earliest: date
    latest: date | None = None
    provider_id: int | None = None
    site_id: int | None = None
    specialty: str | None = None
    weekdays: str = "01234"
    day_part: str = "any"
    priority: int = 0
    expires_on: date | None = None
    notes: str = ""
    current_appointment_id: int | None = None


def add_to_waitlist(store: Store, actor: Actor, request: WaitlistRequest, *, now: datetime) -> int:
    """Put a patient on the waitlist; return the entry id."""

    def work(session: Session) -> int:
        if not request.weekdays or any(ch not in "0123456" for ch in request.weekdays):
            raise BadInput("Weekdays are digits 0 (Monday) to 6 (Sunday), e.g. 024.")
        if request.day_part not in DAY_PART_CODES:
            raise BadInput(
                f"Day part '{request.day_part}' is not one of {', '.join(DAY_PART_CODES)}."
            )
        if request.latest and request.latest < request.earliest:
            raise BadInput("The latest date is before the earliest.")
        problem = text_problem(request.notes, WAITLIST_NOTE_LIMIT)
        if problem:
            raise BadInput(f"The waitlist note: {problem}.")
        ref = load_reference(session)
        kind = ref.type_by_code(request.type_code)
        if kind is None or kind.id is None:
            raise BadInput(f"There is no appointment type '{request.type_code}'.")
        if session.get(m.Patient, request.patient_id) is None:
            raise BadInput(f"There is no patient with id {request.patient_id}.")
        _known_places(ref, request)
        specialty = (
            ref.specialty_codes.get(request.specialty.upper())
            if request.specialty
            else kind.specialty_id
        )
        entry = m.WaitlistEntry(
            patient_id=request.patient_id,
            appointment_type_id=kind.id,
            provider_id=request.provider_id,
            site_id=request.site_id,
            specialty_id=specialty,
            current_appointment_id=request.current_appointment_id,
            earliest_date=request.earliest,
            latest_date=request.latest,
            expires_on=request.expires_on,
            weekdays=request.weekdays,
            day_part=request.day_part,
            priority=request.priority,
            notes=request.notes,
            created_at=now,
            created_by_id=actor.user_id,
        )
        session.add(entry)
        session.flush()
        audit.record(
            session,
            actor=actor,
            action="create",
            now=now,
            entity="waitlist",
            entity_id=entry.id,
            patient_id=request.patient_id,
        )
        assert entry.id is not None
        return entry.id

    return guarded_write(store, actor, Permission.BOOK, work, now=now, what="waitlist")


#: The longest note a waitlist entry keeps.
WAITLIST_NOTE_LIMIT = 500


def _known_places(ref: Reference, request: WaitlistRequest) -> None:
    """The provider, site and specialty asked for exist (ids typed on a command line)."""
    if request.provider_id is not None and request.provider_id not in ref.providers:
        raise BadInput(f"There is no active provider with id {request.provider_id}.")
    if request.site_id is not None and request.site_id not in ref.sites:
        raise BadInput(f"There is no active site with id {request.site_id}.")
    if request.specialty and request.specialty.upper() not in ref.specialty_codes:
        raise BadInput(f"There is no specialty '{request.specialty}'.")


@dataclass(frozen=True)
class OpenTime:
    """A stretch of a provider's time that just opened (a cancellation, a new template...)."""

    provider_id: int
    site_id: int
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Offer:
    """A waitlist entry that fits an opened time, best first."""

    entry_id: int
    patient_id: int
    type_code: str
    start: datetime
    priority: int
    waited_days: int
    why: tuple[str, ...]


def offers_for(session: Session, opened: OpenTime, *, now: datetime) -> list[Offer]:
    """Entries that could take the opened time, most urgent and longest waiting first."""
    ref = load_reference(session)
    zone = ref.zones[opened.site_id]
    day = opened.start.astimezone(zone).date()
    entries = session.exec(
        select(m.WaitlistEntry)
        .where(col(m.WaitlistEntry.status) == "active")
        .order_by(col(m.WaitlistEntry.priority).desc(), col(m.WaitlistEntry.created_at))
    ).all()
    occupancy = load_occupancy(
        session, ref, opened.start - timedelta(days=1), opened.end + timedelta(days=1), now=now
    )
    checker = Checker(ref, occupancy, now)
    offers = []
    for entry in entries:
        why = _fits(ref, entry, opened, day, zone)
        if why is None:
            continue
        kind = ref.types[entry.appointment_type_id]
        end = opened.start + timedelta(minutes=kind.duration_minutes)
        candidate = Candidate(
            opened.provider_id,
            opened.site_id,
            entry.appointment_type_id,
            opened.start,
            end,
            entry.patient_id,
        )
        if end > opened.end or checker.problems(candidate):
            continue
        assert entry.id is not None
        offers.append(
            Offer(
                entry.id,
                entry.patient_id,
                kind.code,
                opened.start,
                entry.priority,
                (now - entry.created_at).days,
                tuple(why),
            )
        )
    return sorted(offers, key=lambda o: (-o.priority, -o.waited_days, -len(o.why)))


def _fits(
    ref: Reference, entry: m.WaitlistEntry, opened: OpenTime, day: date, zone: tzinfo
) -> list[str] | None:
    if entry.expires_on and day > entry.expires_on:
        return None
    if day < entry.earliest_date or (entry.latest_date and day > entry.latest_date):
        return None
    if str(day.weekday()) not in entry.weekdays:
        return None
    if entry.provider_id not in (None, opened.provider_id):
        return None
    if entry.site_id not in (None, opened.site_id):
        return None
    if entry.specialty_id and entry.specialty_id not in ref.specialties[opened.provider_id]:
        return None
    why = ["within the patient's dates", "on a day they can come"]
    if entry.day_part != "any":
        low, high = DAY_PARTS[entry.day_part]
        local = opened.start.astimezone(zone).time()
        if not low <= local < high:
            return None
        why.append(f"{entry.day_part} as they asked")
    if entry.provider_id == opened.provider_id:
        why.append("the provider they asked for")
    return why


def book_from_waitlist(
    store: Store,
    actor: Actor,
    entry_id: int,
    opened: OpenTime,
    *,
    now: datetime,
    settings: Settings,
    override_reason: str = "",
) -> int:
    """Book the entry into the opened time, close it, and cancel the later appointment it
    replaces (reason pat-swl); all or nothing. Return the new appointment id. Open
    insurance items refuse it (`OpenItemsNeedReason`) unless `override_reason` says why."""

    def work(session: Session) -> int:
        return book_entry_in(session, actor, entry_id, opened, now, settings, override_reason)

    return guarded_write(store, actor, Permission.BOOK, work, now=now, what="waitlist")


def book_entry_in(
    session: Session,
    actor: Actor,
    entry_id: int,
    opened: OpenTime,
    now: datetime,
    settings: Settings,
    override_reason: str = "",
) -> int:
    """`book_from_waitlist` inside the caller's write transaction."""
    entry = session.get(m.WaitlistEntry, entry_id)
    if entry is None or entry.status != "active":
        raise BadInput(f"Waitlist entry {entry_id} is not active.")
    kind = session.get(m.AppointmentType, entry.appointment_type_id)
    assert kind is not None
    request = BookingRequest(
        entry.patient_id,
        opened.provider_id,
        kind.code,
        opened.start,
        opened.site_id,
        reason="From the waitlist",
        override_reason=override_reason,
    )
    booked = insert_booking(session, actor, request, now=now, settings=settings)
    new = booked.appointment
    entry.status = "booked"
    record_booking(session, actor, new, now, waitlist_entry=entry_id, **booked.override)
    for later in _replaced(session, entry, new):
        cancel_in(session, actor, later, "pat-swl", now, settings)
    assert new.id is not None
    return new.id


def _replaced(session: Session, entry: m.WaitlistEntry, new: m.Appointment) -> list[m.Appointment]:
    if entry.current_appointment_id:
        current = session.get(m.Appointment, entry.current_appointment_id)
        return [current] if current and current.status == "booked" else []
    return list(
        session.exec(
            select(m.Appointment)
            .where(col(m.Appointment.patient_id) == entry.patient_id)
            .where(col(m.Appointment.appointment_type_id) == entry.appointment_type_id)
            .where(col(m.Appointment.status) == "booked")
            .where(col(m.Appointment.start) > new.start)
            .where(col(m.Appointment.id) != new.id)
        ).all()
    )


@dataclass(frozen=True)
class WaitlistRow(JsonRow):
    """An active waitlist entry as `waitlist list` prints it (days as ISO text)."""

    id: int
    patient_mrn: str
    type_code: str
    provider_id: int | None
    earliest: str
    latest: str | None
    weekdays: str
    day_part: str
    priority: int


def active_entries(session: Session) -> list[WaitlistRow]:
    """The active waitlist, most urgent and longest waiting first, as `waitlist list`
    prints it."""
    rows = session.exec(
        select(m.WaitlistEntry, m.Patient.mrn, m.AppointmentType.code)
        .join(m.Patient, col(m.WaitlistEntry.patient_id) == col(m.Patient.id))
        .join(
            m.AppointmentType,
            col(m.WaitlistEntry.appointment_type_id) == col(m.AppointmentType.id),
        )
        .where(col(m.WaitlistEntry.status) == "active")
        .order_by(col(m.WaitlistEntry.priority).desc(), col(m.WaitlistEntry.created_at))
    ).all()
    return [
        WaitlistRow(
            id=e.id or 0,
            patient_mrn=mrn,
            type_code=code,
            provider_id=e.provider_id,
            earliest=e.earliest_date.isoformat(),
            latest=e.latest_date.isoformat() if e.latest_date else None,
            weekdays=e.weekdays,
            day_part=e.day_part,
            priority=e.priority,
        )
        for e, mrn, code in rows
    ]
