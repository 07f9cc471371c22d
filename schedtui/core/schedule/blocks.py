"""Blocking a provider's time (admin, lunch, vacation, on-call, meeting), once or
recurring. A block over booked visits lists them and is only added once the scheduler
confirms; the visits are never silently orphaned: their patients go on the waitlist, first
in line, to be called and moved."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from sqlmodel import Session, col, select

from schedtui.core.schedule.call_list import InTheWay, put_on_call_list, record_listed
from schedtui.core.schedule.statuses import NOT_YET_SEEN
from schedtui.core.security import audit
from schedtui.core.security.access import Actor, Permission
from schedtui.core.security.guard import guarded_write
from schedtui.core.support.errors import BadInput, FieldErrors
from schedtui.core.support.formats import listed_name
from schedtui.core.support.text import text_problem
from schedtui.core.support.writes import lock_rows
from schedtui.data import models as m
from schedtui.data.codes import BLOCK_KINDS
from schedtui.data.recurrence import block_occurrences
from schedtui.data.store import Store

#: How far ahead a rule without an end is checked for visits in the way.
HORIZON_DAYS = 366


@dataclass(frozen=True)
class BlockRequest:
    """The time to block, as given."""

    provider_id: int
    start: datetime
    end: datetime
    kind: str
    reason: str = ""
    rrule: str | None = None
    repeat_until: date | None = None


@dataclass(frozen=True)
class BlockResult:
    """The new block's id (None when it waits for confirmation) and the visits under it."""

    block_id: int | None
    in_the_way: tuple[InTheWay, ...]


def _checked(request: BlockRequest) -> None:
    if request.kind not in BLOCK_KINDS:
        raise BadInput(f"Kind '{request.kind}' is not one of {', '.join(BLOCK_KINDS)}.")
    if request.end <= request.start:
        raise BadInput("The block ends before it starts.")
    if problem := text_problem(request.reason, 500):
        raise BadInput(f"The reason: {problem}.")
    if request.rrule:
        try:
            rrulestr(request.rrule, dtstart=request.start.replace(tzinfo=None))
        except (ValueError, TypeError) as wrong:
            raise BadInput(
                f"The rule '{request.rrule}' is not an RRULE ({wrong}); "
                "e.g. FREQ=WEEKLY;BYDAY=MO,WE or FREQ=DAILY;COUNT=5."
            ) from None


def _in_the_way(
    session: Session, block: m.ScheduleBlock, zone: ZoneInfo, last: date
) -> list[InTheWay]:
    first = block.start.astimezone(zone).date()
    spans = block_occurrences(block, zone, first, last)
    if not spans:
        return []
    rows = session.exec(
        select(m.Appointment, m.Patient)
        .join(m.Patient, col(m.Appointment.patient_id) == col(m.Patient.id))
        .where(col(m.Appointment.provider_id) == block.provider_id)
        .where(col(m.Appointment.status).in_(NOT_YET_SEEN))
        .where(col(m.Appointment.start) < spans[-1][1])
        .where(col(m.Appointment.end) > spans[0][0])
        .order_by(col(m.Appointment.start))
    ).all()
    return [
        InTheWay.of(a, p, zone)
        for a, p in rows
        if any(a.start < end and a.end > start for start, end in spans)
    ]


def add_block(
    store: Store, actor: Actor, request: BlockRequest, *, now: datetime, confirm: bool = False
) -> BlockResult:
    """Add the block, unless booked visits lie under it and `confirm` is not given: then
    nothing is written and the visits are named."""

    def work(session: Session) -> BlockResult:
        _checked(request)
        lock_rows(session, "provider", [request.provider_id])
        provider = session.get(m.Provider, request.provider_id)
        if provider is None:
            raise BadInput(f"There is no provider {request.provider_id}.")
        zone = home_zone(session, request.provider_id)
        block = m.ScheduleBlock(
            provider_id=request.provider_id,
            kind=request.kind,
            reason=request.reason.strip(),
            start=request.start,
            end=request.end,
            rrule=request.rrule or None,
            repeat_until=request.repeat_until,
        )
        last = request.repeat_until or (request.start + timedelta(days=HORIZON_DAYS)).date()
        in_the_way = tuple(_in_the_way(session, block, zone, last))
        if in_the_way and not confirm:
            record_listed(session, actor, (v.mrn for v in in_the_way), what="block", now=now)
            return BlockResult(None, in_the_way)
        session.add(block)
        session.flush()
        assert block.id is not None
        stranded = [visit.appointment_id for visit in in_the_way]
        _record(session, actor, block, stranded, now)
        visits = ((v.appointment_id, v.when) for v in in_the_way)
        why = f"the provider's time is blocked ({block.kind})"
        put_on_call_list(session, actor, visits, why, now=now, today=now.astimezone(zone).date())
        return BlockResult(block.id, in_the_way)

    return guarded_write(store, actor, Permission.EDIT_TEMPLATES, work, now=now, what="block")


def home_zone(session: Session, provider_id: int) -> ZoneInfo:
    """The timezone of the site the provider's templates are at (else the first site)."""
    template = session.exec(
        select(m.ScheduleTemplate).where(col(m.ScheduleTemplate.provider_id) == provider_id)
    ).first()
    site = (
        session.get(m.Site, template.site_id) if template else session.exec(select(m.Site)).first()
    )
    return ZoneInfo(site.timezone if site else "UTC")


def _record(
    session: Session, actor: Actor, block: m.ScheduleBlock, stranded: list[int], now: datetime
) -> None:
    detail = {
        "provider_id": block.provider_id,
        "kind": block.kind,
        "start": block.start.isoformat(),
        "end": block.end.isoformat(),
        "rrule": block.rrule,
        "visits_under_it": stranded,
    }
    session.add(
        m.DomainEvent(
            occurred_at=now,
            kind="block.added",
            aggregate="schedule_block",
            aggregate_id=block.id or 0,
            provider_id=block.provider_id,
            actor_id=actor.user_id,
            payload_json=json.dumps(detail),
        )
    )
    audit.record(
        session,
        actor=actor,
        action="create",
        now=now,
        entity="schedule-block",
        entity_id=block.id,
        detail=detail,
    )


@dataclass(frozen=True)
class TemplateRow:
    """A provider's recurring availability as supervisors read it (site-local times as
    HH:MM, days as ISO text); `id` is None for one not yet saved."""

    id: int | None
    provider_id: int
    provider: str
    site: str
    rrule: str
    opens: str
    closes: str
    effective_from: str
    effective_to: str | None
    visit_mode: str = "in-person"
    overbook_per_hour: int = 0
    #: The visit types it takes ("any": every type).
    types: tuple[str, ...] = ("any",)

    @classmethod
    def new(cls, provider_id: int, provider: str, site: str, today: date) -> TemplateRow:
        """What a new template starts from: weekdays, 8 to 5, from today."""
        return cls(
            None, provider_id, provider, site, "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
            "08:00", "17:00", today.isoformat(), None,
        )  # fmt: skip

    def to_json(self) -> dict[str, Any]:
        """For `schedtui templates list --json` (the hours as "from" and "to")."""
        shown = asdict(self)
        shown["from"], shown["to"] = shown.pop("opens"), shown.pop("closes")
        shown["types"] = list(self.types)
        return shown


def templates(session: Session, provider_id: int | None = None) -> list[TemplateRow]:
    """Providers' recurring availability as supervisors read it (site-local times)."""
    ref_sites = {s.id: s for s in session.exec(select(m.Site))}
    names = {p.id: listed_name(p) for p in session.exec(select(m.Provider))}
    codes = {t.id: t.code for t in session.exec(select(m.AppointmentType))}
    accepted: dict[int, list[str]] = {}
    for link in session.exec(select(m.TemplateAppointmentType)):
        accepted.setdefault(link.template_id, []).append(codes[link.appointment_type_id])
    query = select(m.ScheduleTemplate).order_by(
        col(m.ScheduleTemplate.provider_id), col(m.ScheduleTemplate.id)
    )
    if provider_id is not None:
        query = query.where(col(m.ScheduleTemplate.provider_id) == provider_id)
    return [
        TemplateRow(
            id=t.id,
            provider_id=t.provider_id,
            provider=names.get(t.provider_id, "?"),
            site=ref_sites[t.site_id].code if t.site_id in ref_sites else "?",
            rrule=t.rrule,
            opens=f"{t.start_time:%H:%M}",
            closes=f"{t.end_time:%H:%M}",
            effective_from=t.effective_from.isoformat(),
            effective_to=t.effective_to.isoformat() if t.effective_to else None,
            visit_mode=t.visit_mode,
            overbook_per_hour=t.overbook_per_hour,
            types=tuple(sorted(accepted.get(t.id or 0, []))) or ("any",),
        )
        for t in session.exec(query)
    ]


#: The block form's fields: name, label.
BLOCK_FIELDS = (
    ("kind", f"Kind: {', '.join(BLOCK_KINDS)}"),
    ("ends", "Ends at (HH:MM, the same day)"),
    ("reason", "Reason (optional)"),
    ("rrule", "Repeat (optional RRULE, e.g. FREQ=WEEKLY;BYDAY=MO)"),
    ("until", "Repeat until (optional, YYYY-MM-DD)"),
)


def block_from_form(provider_id: int, start: datetime, typed: dict[str, str]) -> BlockRequest:
    """A `BlockRequest` from the grid's block form; `FieldErrors` names every wrong field."""
    errors: dict[str, str] = {}
    kind = typed.get("kind", "").strip().lower()
    if kind not in BLOCK_KINDS:
        errors["kind"] = f"one of {', '.join(BLOCK_KINDS)}"
    end = None
    try:
        hours, minutes = (int(part) for part in typed.get("ends", "").strip().split(":"))
        end = start.replace(hour=hours, minute=minutes)
    except ValueError:
        errors["ends"] = "a time like 10:30"
    if end is not None and end <= start:
        errors["ends"] = f"after the start ({start:%H:%M})"
    until = None
    if text := typed.get("until", "").strip():
        try:
            until = date.fromisoformat(text)
        except ValueError:
            errors["until"] = "a date like 2026-12-31"
    if errors:
        raise FieldErrors(errors)
    assert end is not None
    rule = typed.get("rrule", "").strip() or None
    return BlockRequest(provider_id, start, end, kind, typed.get("reason", ""), rule, until)
