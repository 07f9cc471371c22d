"""Changing a provider's recurring availability (supervisors): preview what the change does
to the coming weeks before saving, and never strand booked visits silently. Visits the
new template no longer covers are refused unless confirmed; confirmed, their patients go
on the waitlist, first in line, to be called and moved."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from sqlmodel import Session, col, select

from schedtui.core.schedule.call_list import put_on_call_list, record_listed
from schedtui.core.schedule.reference import current_reference
from schedtui.core.schedule.statuses import MOVABLE
from schedtui.core.security import audit
from schedtui.core.security.access import Actor, Permission
from schedtui.core.security.guard import guarded_write
from schedtui.core.support.errors import BadInput
from schedtui.core.support.formats import clock_time, moment_text
from schedtui.core.support.writes import lock_rows
from schedtui.data import models as m
from schedtui.data.codes import TEMPLATE_VISIT_MODES
from schedtui.data.recurrence import Window, windows
from schedtui.data.store import Store

#: How far ahead a change is previewed and checked for stranded visits.
PREVIEW_WEEKS = 8


#: How many of the coming working days the preview spells out.
PREVIEW_DAYS = 10
#: The fields of a template a change sets directly (the rest: site and visit types).
COLUMNS = (
    "rrule", "start_time", "end_time", "effective_from", "effective_to", "overbook_per_hour",
    "visit_mode",
)  # fmt: skip


@dataclass(frozen=True)
class TemplateChange:
    """What to change; None leaves a field as it is. `effective_to` of `OPEN_ENDED`
    removes the end date; `type_codes` empty means the template takes every visit type."""

    rrule: str | None = None
    start_time: time | None = None
    end_time: time | None = None
    effective_from: date | None = None
    effective_to: date | None = None
    overbook_per_hour: int | None = None
    visit_mode: str | None = None
    site_code: str | None = None
    type_codes: tuple[str, ...] | None = None


#: An `effective_to` that means "no end date".
OPEN_ENDED = date.max


@dataclass(frozen=True)
class Preview:
    """What the change does over the next weeks: open hours before and after, and the
    booked visits it would leave outside the template."""

    hours_before: float
    hours_after: float
    stranded: tuple[tuple[int, str, str], ...]  # (appointment id, MRN, local start)
    saved: bool = False
    #: The first working days after the change: "Mon 11/30 08:00-12:00 S1".
    days_after: tuple[str, ...] = ()
    #: The template's id (a new one's, once saved).
    template_id: int | None = None


@dataclass(frozen=True)
class Changed:
    """The template as it would be, where, and which visit types it would take."""

    template: m.ScheduleTemplate
    site: m.Site
    type_ids: frozenset[int]  # empty: every type


def _changed(session: Session, template: m.ScheduleTemplate, change: TemplateChange) -> Changed:
    values = {k: getattr(change, k) for k in COLUMNS if getattr(change, k) is not None}
    if values.get("effective_to") == OPEN_ENDED:
        values["effective_to"] = None
    after = m.ScheduleTemplate(**{**template.model_dump(), **values})
    if after.end_time <= after.start_time:
        raise BadInput("The template would end before it starts.")
    if after.effective_to and after.effective_to < after.effective_from:
        raise BadInput("The template would stop before it takes effect.")
    if after.overbook_per_hour < 0:
        raise BadInput("Overbookings an hour cannot be negative.")
    if after.visit_mode not in TEMPLATE_VISIT_MODES:
        raise BadInput(
            f"Visit mode '{after.visit_mode}' is not one of {', '.join(TEMPLATE_VISIT_MODES)}."
        )
    try:
        rrulestr(after.rrule, dtstart=datetime.combine(after.effective_from, time()))
    except (ValueError, TypeError) as wrong:
        raise BadInput(f"The rule '{after.rrule}' is not an RRULE ({wrong}).") from None
    site = _site(session, template, change.site_code)
    after.site_id = site.id or 0
    return Changed(after, site, _type_ids(session, template, change.type_codes))


def _site(session: Session, template: m.ScheduleTemplate, code: str | None) -> m.Site:
    if code is None:
        site = session.get(m.Site, template.site_id)
        assert site is not None
        return site
    found = session.exec(select(m.Site).where(col(m.Site.code) == code.strip().upper())).first()
    if found is None or not found.active:
        raise BadInput(f"There is no active site '{code}'.")
    return found


def _type_ids(
    session: Session, template: m.ScheduleTemplate, codes: tuple[str, ...] | None
) -> frozenset[int]:
    if codes is None:
        links = session.exec(
            select(m.TemplateAppointmentType).where(
                col(m.TemplateAppointmentType.template_id) == template.id
            )
        )
        return frozenset(link.appointment_type_id for link in links)
    known = {t.code: t.id for t in session.exec(select(m.AppointmentType)) if t.id is not None}
    wanted = {code.strip().upper() for code in codes if code.strip()}
    if unknown := sorted(wanted - set(known)):
        raise BadInput(f"There is no visit type {', '.join(unknown)}.")
    return frozenset(known[code] for code in wanted)


def _hours(spans: list[Window]) -> float:
    return sum(w.open_minutes for w in spans) / 60


def _preview(session: Session, before: m.ScheduleTemplate, after: Changed, today: date) -> Preview:
    site = session.get(m.Site, before.site_id)
    assert site is not None
    zones = {
        before.site_id: ZoneInfo(site.timezone),
        after.site.id or 0: ZoneInfo(after.site.timezone),
    }
    blocks = list(
        session.exec(
            select(m.ScheduleBlock).where(col(m.ScheduleBlock.provider_id) == before.provider_id)
        )
    )
    closures = list(session.exec(select(m.Closure)))
    last = today + timedelta(weeks=PREVIEW_WEEKS)
    hours = current_reference(session).site_hours
    old = windows([before], blocks, closures, zones, today, last, hours)
    new = windows([after.template], blocks, closures, zones, today, last, hours)
    visits = session.exec(
        select(m.Appointment, m.Patient)
        .join(m.Patient, col(m.Appointment.patient_id) == col(m.Patient.id))
        .where(col(m.Appointment.provider_id) == before.provider_id)
        .where(col(m.Appointment.site_id) == before.site_id)
        .where(col(m.Appointment.status).in_(MOVABLE))
        .where(col(m.Appointment.start) >= datetime.combine(today, time(), tzinfo=UTC))
        .order_by(col(m.Appointment.start))
    ).all()
    stranded = tuple(
        (a.id or 0, p.mrn, moment_text(a.start.astimezone(zones[before.site_id])))
        for a, p in visits
        if _inside(a, old) and not _still_fits(a, new, after)
    )
    return Preview(_hours(old), _hours(new), stranded, days_after=_days(new, after))


def _still_fits(visit: m.Appointment, spans: list[Window], after: Changed) -> bool:
    accepted = not after.type_ids or visit.appointment_type_id in after.type_ids
    return visit.site_id == after.site.id and accepted and _inside(visit, spans)


def _days(spans: list[Window], after: Changed) -> tuple[str, ...]:
    zone, code = ZoneInfo(after.site.timezone), after.site.code
    return tuple(
        _window(w.start.astimezone(zone), w.end.astimezone(zone), code)
        for w in spans[:PREVIEW_DAYS]
    )


def _window(start: datetime, end: datetime, code: str) -> str:
    """'Mon 03/09 09:00 AM-12:00 PM EDT BOS'."""
    return f"{start:%a %m/%d} {clock_time(start)}-{clock_time(end)} {end:%Z} {code}"


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

    def work(session: Session) -> Preview:
        template = session.get(m.ScheduleTemplate, template_id)
        if template is None:
            raise BadInput(f"There is no template {template_id}.")
        lock_rows(session, "provider", [template.provider_id])
        after = _changed(session, template, change)
        preview = _preview(session, template, after, today)
        if not save or (preview.stranded and not confirm):
            mrns = (mrn for _, mrn, _ in preview.stranded)
            record_listed(session, actor, mrns, what="template", now=now)
            return preview
        before = _described(session, template)
        for key in COLUMNS:
            setattr(template, key, getattr(after.template, key))
        template.site_id = after.template.site_id
        _works_at(session, template)
        _accept(session, template, after.type_ids)
        session.flush()
        visits = ((visit, when) for visit, _, when in preview.stranded)
        why = "the provider's template changed"
        put_on_call_list(session, actor, visits, why, now=now, today=today)
        _record(session, actor, template, before, preview, now)
        return replace(preview, saved=True, template_id=template.id)

    return guarded_write(store, actor, Permission.EDIT_TEMPLATES, work, now=now, what="template")


#: What a new template cannot do without.
NEEDED = {
    "rrule": "the days",
    "start_time": "when it opens",
    "end_time": "when it closes",
    "effective_from": "the day it takes effect",
    "site_code": "the site",
}


def add_template(
    store: Store,
    actor: Actor,
    provider_id: int,
    change: TemplateChange,
    *,
    now: datetime,
    today: date,
    save: bool,
) -> Preview:
    """A new template for the provider: preview the weeks it opens; with `save`, add it
    (audited, on the event feed). It takes away no time, so it strands no visit."""

    def work(session: Session) -> Preview:
        if missing := [words for name, words in NEEDED.items() if getattr(change, name) is None]:
            raise BadInput("A new template needs " + ", ".join(missing) + ".")
        opens, closes, starts = change.start_time, change.end_time, change.effective_from
        assert opens is not None and closes is not None and starts is not None
        provider = session.get(m.Provider, provider_id)
        if provider is None or not provider.active:
            raise BadInput(f"There is no active provider {provider_id}.")
        lock_rows(session, "provider", [provider_id])
        base = m.ScheduleTemplate(
            provider_id=provider_id, site_id=0, rrule=change.rrule or "",
            start_time=opens, end_time=closes, effective_from=starts,
        )  # fmt: skip
        after = _changed(session, base, change)
        opened = _preview(session, after.template, after, today)
        preview = replace(opened, hours_before=0.0, stranded=())
        if not save:
            return preview
        template = after.template
        session.add(template)
        session.flush()
        _works_at(session, template)
        _accept(session, template, after.type_ids)
        _record(session, actor, template, {}, preview, now)
        return replace(preview, saved=True, template_id=template.id)

    return guarded_write(store, actor, Permission.EDIT_TEMPLATES, work, now=now, what="template")


def _accept(session: Session, template: m.ScheduleTemplate, type_ids: frozenset[int]) -> None:
    """The visit types the template takes (none listed: every type)."""
    links = session.exec(
        select(m.TemplateAppointmentType).where(
            col(m.TemplateAppointmentType.template_id) == template.id
        )
    )
    for link in links:
        if link.appointment_type_id not in type_ids:
            session.delete(link)
        type_ids -= {link.appointment_type_id}
    for type_id in sorted(type_ids):
        session.add(
            m.TemplateAppointmentType(template_id=template.id or 0, appointment_type_id=type_id)
        )


def _works_at(session: Session, template: m.ScheduleTemplate) -> None:
    """A template at a site the provider has not worked at links them to it."""
    link = session.get(m.ProviderSite, (template.provider_id, template.site_id))
    if link is None:
        session.add(m.ProviderSite(provider_id=template.provider_id, site_id=template.site_id))


def _described(session: Session, template: m.ScheduleTemplate) -> dict[str, str]:
    """The template for the audit trail, with the visit types it takes."""
    types = sorted(
        str(t)
        for t in session.exec(
            select(m.AppointmentType.code)
            .join(m.TemplateAppointmentType)
            .where(col(m.TemplateAppointmentType.template_id) == template.id)
        )
    )
    return {k: str(v) for k, v in template.model_dump().items()} | {
        "types": ",".join(types) or "any"
    }


def _record(
    session: Session,
    actor: Actor,
    template: m.ScheduleTemplate,
    before: dict[str, str],
    preview: Preview,
    now: datetime,
) -> None:
    after = _described(session, template)
    stranded = [a for a, _, _ in preview.stranded]
    session.add(
        m.DomainEvent(
            occurred_at=now,
            kind="template.changed" if before else "template.added",
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
        action="update" if before else "create",
        now=now,
        entity="schedule-template",
        entity_id=template.id,
        detail={"before": before, "after": after, "stranded": stranded},
    )
