"""Changing a provider's recurring availability (supervisors): preview what the change does
to the coming weeks before saving, and never strand booked visits silently. Visits the
new template no longer covers are refused unless confirmed; confirmed, their patients go
on the waitlist, first in line, to be called and moved."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from sqlmodel import Session, col, select

from schedtui.core import audit
from schedtui.core.access import Actor, Permission
from schedtui.core.errors import BadInput
from schedtui.core.guard import require
from schedtui.core.statuses import MOVABLE
from schedtui.core.writes import in_write, lock_rows
from schedtui.data import models as m
from schedtui.data.recurrence import Window, windows
from schedtui.data.store import Store

#: How far ahead a change is previewed and checked for stranded visits.
PREVIEW_WEEKS = 8
#: Waitlist priority of a patient whose visit a template change stranded.
STRANDED_PRIORITY = 10


@dataclass(frozen=True)
class TemplateChange:
    """What to change; None leaves a field as it is."""

    rrule: str | None = None
    start_time: time | None = None
    end_time: time | None = None
    effective_from: date | None = None
    effective_to: date | None = None
    overbook_per_hour: int | None = None


@dataclass(frozen=True)
class Preview:
    """What the change does over the next weeks: open hours before and after, and the
    booked visits it would leave outside the template."""

    hours_before: float
    hours_after: float
    stranded: tuple[tuple[int, str, str], ...]  # (appointment id, MRN, local start)
    saved: bool = False


def _changed(template: m.ScheduleTemplate, change: TemplateChange) -> m.ScheduleTemplate:
    values = {k: v for k, v in change.__dict__.items() if v is not None}
    after = m.ScheduleTemplate(**{**template.model_dump(), **values})
    if after.end_time <= after.start_time:
        raise BadInput("The template would end before it starts.")
    if after.effective_to and after.effective_to < after.effective_from:
        raise BadInput("The template would stop before it takes effect.")
    if after.overbook_per_hour < 0:
        raise BadInput("Overbookings an hour cannot be negative.")
    try:
        rrulestr(after.rrule, dtstart=datetime.combine(after.effective_from, time()))
    except (ValueError, TypeError) as wrong:
        raise BadInput(f"The rule '{after.rrule}' is not an RRULE ({wrong}).") from None
    return after


def _hours(spans: list[Window]) -> float:
    return sum(w.open_minutes for w in spans) / 60


def _preview(
    session: Session, before: m.ScheduleTemplate, after: m.ScheduleTemplate, today: date
) -> Preview:
    site = session.get(m.Site, before.site_id)
    assert site is not None
    zones = {before.site_id: ZoneInfo(site.timezone)}
    blocks = list(
        session.exec(
            select(m.ScheduleBlock).where(col(m.ScheduleBlock.provider_id) == before.provider_id)
        )
    )
    closures = list(session.exec(select(m.Closure)))
    last = today + timedelta(weeks=PREVIEW_WEEKS)
    old = windows([before], blocks, closures, zones, today, last)
    new = windows([after], blocks, closures, zones, today, last)
    visits = session.exec(
        select(m.Appointment, m.Patient)
        .join(m.Patient, col(m.Appointment.patient_id) == col(m.Patient.id))
        .where(col(m.Appointment.provider_id) == before.provider_id)
        .where(col(m.Appointment.site_id) == before.site_id)
        .where(col(m.Appointment.status).in_(MOVABLE))
        .order_by(col(m.Appointment.start))
    ).all()
    stranded = tuple(
        (a.id or 0, p.mrn, f"{a.start.astimezone(zones[before.site_id]):%a %m/%d/%Y %H:%M %Z}")
        for a, p in visits
        if _inside(a, old) and not _inside(a, new)
    )
    return Preview(_hours(old), _hours(new), stranded)


def _inside(visit: m.Appointment, spans: list[Window]) -> bool:
    return any(w.start <= visit.start and visit.end <= w.end for w in spans)


def change_template(
    store: Store,
    actor: Actor,
    template_id: int,
    change: TemplateChange,
    *,
    now: datetime,
    today: date,
    save: bool,
    confirm: bool = False,
) -> Preview:
    """Preview the change; with `save`, apply it unless it strands visits (then `confirm`
    is needed, and those patients go on the waitlist to be called)."""
    require(store, actor, Permission.EDIT_TEMPLATES, now=now, what="template")

    def work(session: Session) -> Preview:
        template = session.get(m.ScheduleTemplate, template_id)
        if template is None:
            raise BadInput(f"There is no template {template_id}.")
        lock_rows(session, "provider", [template.provider_id])
        after = _changed(template, change)
        preview = _preview(session, template, after, today)
        if not save or (preview.stranded and not confirm):
            return preview
        before = {k: str(v) for k, v in template.model_dump().items()}
        for key, value in change.__dict__.items():
            if value is not None:
                setattr(template, key, value)
        _to_call(session, actor, preview, template, now, today)
        _record(session, actor, template, before, preview, now)
        return replace(preview, saved=True)

    return in_write(store, work)


def _to_call(
    session: Session,
    actor: Actor,
    preview: Preview,
    template: m.ScheduleTemplate,
    now: datetime,
    today: date,
) -> None:
    """Each stranded visit's patient goes on the waitlist, first in line."""
    for appointment_id, _, when in preview.stranded:
        visit = session.get(m.Appointment, appointment_id)
        assert visit is not None
        session.add(
            m.WaitlistEntry(
                patient_id=visit.patient_id,
                appointment_type_id=visit.appointment_type_id,
                provider_id=template.provider_id,
                site_id=template.site_id,
                current_appointment_id=appointment_id,
                earliest_date=today,
                priority=STRANDED_PRIORITY,
                notes=f"Call to move the visit of {when}: the provider's template changed.",
                created_at=now,
                created_by_id=actor.user_id,
            )
        )


def _record(
    session: Session,
    actor: Actor,
    template: m.ScheduleTemplate,
    before: dict[str, str],
    preview: Preview,
    now: datetime,
) -> None:
    after = {k: str(v) for k, v in template.model_dump().items()}
    stranded = [a for a, _, _ in preview.stranded]
    session.add(
        m.DomainEvent(
            occurred_at=now,
            kind="template.changed",
            aggregate="schedule_template",
            aggregate_id=template.id or 0,
            provider_id=template.provider_id,
            actor_id=actor.user_id,
            payload_json=json.dumps({"stranded": stranded}),
        )
    )
    audit.record(
        session,
        actor=actor,
        action="update",
        now=now,
        entity="schedule-template",
        entity_id=template.id,
        detail={"before": before, "after": after, "stranded": stranded},
    )
