"""The outbox, fed by the change feed: every booking, move, cancellation, status change,
and block, closure or template change that strands visits makes the messages it calls
for, whichever process made the change.

The outbox reads the feed (domain_event) in id order from its cursor. A message is made
at most once: its `dedupe_key` names the change or reminder it is for, and the store
refuses a second. The cursor moves over every change read, but not past a gap in the
ids while the changes after it are recent: a writer that took an id earlier may still
commit (PostgreSQL), and the changes after the gap are read again meanwhile (harmless:
nothing is made twice). A gap older than `LATE_COMMIT` was a rolled-back write.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, func, select

from schedtui.core.messages.consent import call_point, contact_points
from schedtui.core.messages.offers import offer_freed_time
from schedtui.core.messages.outreach import unreached_notices
from schedtui.core.messages.phrasebook import own_for, own_words
from schedtui.core.messages.timing import (
    Offset,
    after_quiet,
    quiet_hours,
    reminder_at,
    reminder_offsets,
)
from schedtui.core.messages.wording import (
    CALL_KINDS,
    VisitWords,
    language_of,
    script_of,
    tell,
    text_of,
)
from schedtui.core.support.writes import in_write
from schedtui.data import models as m
from schedtui.data.store import Store
from schedtui.settings import Settings

OUTBOX = "outbox"
#: A missing id this long older than the changes after it is a write that rolled back.
LATE_COMMIT = timedelta(minutes=2)
#: Changes read in one transaction.
BATCH = 200
#: Still coming: a visit in one of these is reminded of; any other status withdraws them.
COMING = ("booked",)
#: Where the feed names the visits a block, closure or template change strands.
STRANDED_KEYS = ("visits_under_it", "visits_on_those_days", "stranded")
#: Kinds that tell a patient a visit exists (after one was sent, a change is told).
TOLD = ("confirmation", "change")


@dataclass(frozen=True)
class Planned:
    """A message to make, unless one with its key exists."""

    key: str
    kind: str
    appointment: m.Appointment
    channel: str
    to: str
    at: datetime
    event_id: int | None
    was: datetime | None = None


def take_up_changes(store: Store, *, now: datetime, settings: Settings) -> int:
    """Read the feed from the outbox's cursor and make the messages; return how many."""
    made = 0
    while True:
        count, more = in_write(store, lambda session: _one_batch(session, now, settings))
        made += count
        if not more:
            return made


def _one_batch(session: Session, now: datetime, settings: Settings) -> tuple[int, bool]:
    cursor = session.get(m.OutboxCursor, OUTBOX)
    if cursor is None:  # made by the migration; if lost, the history is not messaged
        newest = session.exec(select(func.max(m.DomainEvent.id))).one() or 0
        session.add(m.OutboxCursor(name=OUTBOX, last_event_id=newest, updated_at=now))
        return 0, False
    events = session.exec(
        select(m.DomainEvent)
        .where(col(m.DomainEvent.id) > cursor.last_event_id)
        .order_by(col(m.DomainEvent.id))
        .limit(BATCH)
    ).all()
    made, last, gap = 0, cursor.last_event_id, False
    for event in events:
        assert event.id is not None
        gap = gap or (event.id != last + 1 and now - event.occurred_at < LATE_COMMIT)
        made += _make(session, _plans(session, event, now, settings), settings)
        made += _offers(session, event, now, settings)
        made += unreached_notices(session, event, now, settings)
        if not gap:
            last = event.id
    cursor.last_event_id, cursor.updated_at = last, now
    session.add(cursor)
    return made, len(events) == BATCH and not gap


def _offers(session: Session, event: m.DomainEvent, now: datetime, settings: Settings) -> int:
    """A cancellation (or the old half of a move) frees a time: offer it to the waitlist."""
    if event.kind != "appointment.cancelled" or not settings.waitlist_offers:
        return 0
    visit = session.get(m.Appointment, event.aggregate_id)
    if visit is None or visit.status != "cancelled":
        return 0
    return offer_freed_time(session, visit, event, now, settings)


def _plans(
    session: Session, event: m.DomainEvent, now: datetime, settings: Settings
) -> list[Planned]:
    payload: dict[str, Any] = json.loads(event.payload_json or "{}")
    if event.aggregate != "appointment":
        stranded: list[int] = next((payload[k] for k in STRANDED_KEYS if payload.get(k)), [])
        return [
            plan
            for visit_id in stranded
            if (visit := session.get(m.Appointment, visit_id)) is not None
            and visit.status in COMING
            for plan in _notices(session, "must-move", visit, event, now, settings)
        ]
    visit = session.get(m.Appointment, event.aggregate_id)
    if visit is None:
        return []
    if event.kind == "appointment.booked":
        return _told_of(session, "confirmation", visit, event, now, settings)
    if event.kind == "appointment.rescheduled":
        return _moved(session, visit, event, now, settings)
    if event.kind == "appointment.cancelled":
        return _cancelled(session, visit, event, now, settings)
    _withdraw(session, visit.id)  # arrived, seen, no-show, entered in error...
    return []


def _told_of(
    session: Session,
    kind: str,
    visit: m.Appointment,
    event: m.DomainEvent,
    now: datetime,
    settings: Settings,
    was: datetime | None = None,
) -> list[Planned]:
    """A notice that the visit exists (booked, or moved here), and its reminders."""
    if visit.status not in COMING:
        return []
    return _notices(session, kind, visit, event, now, settings, was) + _reminders(
        session, visit, now, settings
    )


def _moved(
    session: Session, visit: m.Appointment, event: m.DomainEvent, now: datetime, settings: Settings
) -> list[Planned]:
    """A move: the old visit's waiting messages withdrawn; a change notice when the
    patient was told of the old time, else a confirmation of the new."""
    old = session.get(m.Appointment, visit.previous_appointment_id or 0)
    if old is None:
        return _told_of(session, "confirmation", visit, event, now, settings)
    told = _was_told(session, old.id) or _clinic_changed_for_caller(session, old, settings)
    _withdraw(session, old.id)
    kind = "change" if told else "confirmation"
    return _told_of(session, kind, visit, event, now, settings, was=old.start if told else None)


def _cancelled(
    session: Session, visit: m.Appointment, event: m.DomainEvent, now: datetime, settings: Settings
) -> list[Planned]:
    """A cancellation (not the old half of a move): its waiting messages withdrawn, and a
    notice when the patient had been told of it."""
    moved = session.exec(
        select(m.Appointment.id).where(col(m.Appointment.previous_appointment_id) == visit.id)
    ).first()
    told = _was_told(session, visit.id) or _clinic_changed_for_caller(session, visit, settings)
    _withdraw(session, visit.id)
    if moved is not None or not told:
        return []
    return _notices(session, "cancellation", visit, event, now, settings)


def _clinic_changed_for_caller(session: Session, visit: m.Appointment, settings: Settings) -> bool:
    """A patient reached only by phone has no written confirmation to go by: a move or
    cancellation the clinic made (a reason not the patient's own, "pat...") is a call;
    one the patient asked for was said on the phone already."""
    if (visit.cancellation_reason or "pat").startswith("pat"):
        return False
    patient = session.get(m.Patient, visit.patient_id)
    points = reach(session, patient, settings, "change") if patient else []
    return bool(points) and points[0][0] == "voice"


def _was_told(session: Session, visit_id: int | None) -> bool:
    return (
        session.exec(
            select(m.Message.id)
            .where(col(m.Message.appointment_id) == visit_id)
            .where(col(m.Message.kind).in_(TOLD))
            .where(col(m.Message.status).in_(("sent", "sending")))
        ).first()
        is not None
    )


def _withdraw(session: Session, visit_id: int | None) -> None:
    """Messages of a visit not yet sent are withdrawn (it moved, was cancelled, or the
    patient came)."""
    for message in session.exec(
        select(m.Message)
        .where(col(m.Message.appointment_id) == visit_id)
        .where(col(m.Message.status).in_(("queued", "failed")))
    ):
        message.status, message.error = "cancelled", "withdrawn: the visit changed"
        session.add(message)


def _notices(
    session: Session,
    kind: str,
    visit: m.Appointment,
    event: m.DomainEvent,
    now: datetime,
    settings: Settings,
    was: datetime | None = None,
) -> list[Planned]:
    patient = session.get(m.Patient, visit.patient_id)
    site = session.get(m.Site, visit.site_id)
    if patient is None or site is None:
        return []
    at = after_quiet(now, quiet_hours(settings), ZoneInfo(site.timezone))
    return [
        Planned(
            f"{kind}:{event.id}:{visit.id}:{channel}", kind, visit, channel, to, at, event.id, was
        )
        for channel, to in reach(session, patient, settings, kind)
    ]


def reach(
    session: Session, patient: m.Patient, settings: Settings, kind: str
) -> list[tuple[str, str]]:
    """Where a message of `kind` goes: every written channel the patient agreed to, else
    the call list when they agreed to calls (not for a confirmation)."""
    written = contact_points(session, patient, settings)
    if written or kind not in CALL_KINDS:
        return written
    return call_point(session, patient)


def _reminders(
    session: Session, visit: m.Appointment, now: datetime, settings: Settings
) -> list[Planned]:
    patient = session.get(m.Patient, visit.patient_id)
    site = session.get(m.Site, visit.site_id)
    kind = session.get(m.AppointmentType, visit.appointment_type_id)
    if patient is None or site is None or kind is None:
        return []
    zone = ZoneInfo(site.timezone)
    points = reach(session, patient, settings, "reminder")
    offsets = reminder_offsets(settings, site.code, kind.code)
    if points and points[0][0] == "voice":
        offsets = call_offsets(offsets)
    plans = []
    for offset in offsets:
        at = reminder_at(visit.start, offset, zone, settings, now)
        if at is None:
            continue
        for channel, to in points:
            key = f"reminder:{visit.id}:{offset.label}:{channel}"
            plans.append(Planned(key, "reminder", visit, channel, to, at, None))
    return plans


def call_offsets(offsets: list[Offset]) -> list[Offset]:
    """A patient reached only by phone gets one reminder call: the nearest of the
    reminders counted in days (2 days before, by default), else the earliest."""
    days = [offset for offset in offsets if offset.label.endswith("d")]
    if days:
        return [min(days, key=lambda offset: offset.before)]
    return [max(offsets, key=lambda offset: offset.before)] if offsets else []


def _make(session: Session, plans: list[Planned], settings: Settings) -> int:
    """Insert the planned messages whose key is new; return how many."""
    if not plans:
        return 0
    keys = [plan.key for plan in plans]
    known = set(
        session.exec(select(m.Message.dedupe_key).where(col(m.Message.dedupe_key).in_(keys)))
    )
    made = 0
    own = own_words(session)  # the supervisors' own words, if any
    said: dict[int | None, tuple[VisitWords, int]] = {}  # each visit read once
    for plan in plans:
        if plan.key in known:
            continue
        known.add(plan.key)
        visit = plan.appointment
        if visit.id not in said:
            said[visit.id] = (
                visit_words(session, visit, settings),
                visit_sequence(session, visit),
            )
        words, sequence = said[visit.id]
        was = plan.was.astimezone(words.start.tzinfo) if plan.was else None
        write = WRITERS.get(plan.channel, tell)
        told = write(plan.kind, words, was=was, own=own_for(own, plan.kind, plan.channel,
                                                          words.language))  # fmt: skip
        session.add(
            m.Message(
                patient_id=plan.appointment.patient_id,
                appointment_id=plan.appointment.id,
                channel=plan.channel,
                kind=plan.kind,
                to_address=plan.to,
                subject=told.subject,
                body=told.text,
                scheduled_for=plan.at,
                dedupe_key=plan.key,
                event_id=plan.event_id,
                sequence=sequence + (1 if plan.kind == "cancellation" else 0),
            )
        )
        made += 1
    session.flush()
    return made


#: How each channel words a message (e-mail: `tell`).
WRITERS = {"sms": text_of, "voice": script_of}


def visit_words(session: Session, visit: m.Appointment, settings: Settings) -> VisitWords:
    """What messages may say of `visit` (read once per message)."""
    patient = session.get(m.Patient, visit.patient_id)
    provider = session.get(m.Provider, visit.provider_id)
    site = session.get(m.Site, visit.site_id)
    assert patient is not None and provider is not None and site is not None
    place = ", ".join(
        part
        for part in (
            site.name,
            site.address_line,
            site.city,
            f"{site.state} {site.postal_code}".strip(),
        )
        if part
    )
    return VisitWords(
        first_name=patient.preferred_name or patient.first_name,
        language=language_of(patient.language),
        provider=f"{provider.first_name} {provider.last_name}".strip(),
        place=place,
        call_back=site.phone or settings.clinic_phone,
        clinic=site.name,
        mode=visit.visit_mode,
        start=visit.start.astimezone(ZoneInfo(site.timezone)),
        replies=bool(settings.twilio_webhook_url),
        video_link=visit.video_link,
        device_test=settings.telehealth_device_test,
    )


def visit_sequence(session: Session, visit: m.Appointment) -> int:
    """How many times the visit has moved (its calendar invite's SEQUENCE)."""
    origin = visit.originating_appointment_id
    if origin is None:
        return 0
    return int(
        session.exec(
            select(func.count())
            .select_from(m.Appointment)
            .where(col(m.Appointment.originating_appointment_id) == origin)
            .where(col(m.Appointment.id) <= (visit.id or 0))
        ).one()
    )


def visit_uid(visit: m.Appointment, domain: str) -> str:
    """The calendar invite's UID: one per visit however often it moves."""
    return f"schedtui-visit-{visit.originating_appointment_id or visit.id}@{domain}"
