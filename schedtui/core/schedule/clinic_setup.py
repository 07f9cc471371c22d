"""Setting the clinic up: sites and their opening hours (providers and visit types in
`provider_setup`). Supervisors and admins only; every change audited before and after
and written to the change feed (open calendars redraw); the store's reference version
moves by its own triggers, so every booking and search sees the change at once.
Nothing is ever deleted: what has visits is deactivated."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from schedtui.core.schedule import setup_checks as checks
from schedtui.core.schedule.directory import site_id_for
from schedtui.core.schedule.statuses import NOT_YET_SEEN
from schedtui.core.security import audit
from schedtui.core.security.access import Actor, Permission
from schedtui.core.security.guard import guarded_write
from schedtui.core.support.errors import BadInput
from schedtui.data import models as m
from schedtui.data.store import Store


@dataclass(frozen=True)
class SiteFields:
    """What is said of a site; None: not given (kept as it is on an edit)."""

    name: str | None = None
    timezone: str | None = None
    address_line: str | None = None
    city: str | None = None
    state: str | None = None
    postal_code: str | None = None
    phone: str | None = None
    #: Opening hours as typed ('mon-fri 8:00-17:00; sat 9-12').
    hours: str | None = None


def _site_values(fields: SiteFields, region: str) -> dict[str, Any]:
    """The checked columns of the fields given (each refused naming the field)."""
    given: dict[str, Any] = {}
    if fields.name is not None:
        given["name"] = checks.line("The site's name", fields.name, 120, required=True)
    if fields.timezone is not None:
        given["timezone"] = checks.timezone(fields.timezone)
    for column, label, limit in (
        ("address_line", "The address", 200),
        ("city", "The city", 80),
        ("state", "The state", 40),
        ("postal_code", "The postal code", 16),
    ):
        value = getattr(fields, column)
        if value is not None:
            given[column] = checks.line(label, value, limit)
    if fields.phone is not None:
        given["phone"] = checks.phone(fields.phone, region)
    return given


def changed(row: Any, values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Set `values` on `row`; what they were and are, of those that changed."""
    before, after = {}, {}
    for column, value in values.items():
        if getattr(row, column) != value:
            before[column], after[column] = getattr(row, column), value
            setattr(row, column, value)
    return before, after


def record_setup(
    session: Session,
    actor: Actor,
    now: datetime,
    entity: str,
    entity_id: int,
    change: tuple[dict[str, Any], dict[str, Any]],
    *,
    provider_id: int | None = None,
    created: bool = False,
) -> None:
    """The audit row (before and after) and the change-feed entry of a setup change."""
    before, after = change
    session.add(
        m.DomainEvent(
            occurred_at=now,
            kind=f"{entity}.{'added' if created else 'changed'}",
            aggregate=entity,
            aggregate_id=entity_id,
            provider_id=provider_id,
            actor_id=actor.user_id,
            payload_json=json.dumps(sorted(after), default=str),
        )
    )
    audit.record(
        session,
        actor=actor,
        action="create" if created else "update",
        now=now,
        entity=entity,
        entity_id=entity_id,
        detail={"before": before, "after": after},
    )


def switch_active(
    session: Session,
    actor: Actor,
    now: datetime,
    entity: str,
    row: Any,
    active: bool,
    *,
    provider_id: int | None = None,
) -> bool:
    """Take a site, provider, visit type or resource out of use or back (never deleted),
    audited and on the feed when it changed; whether it did."""
    change = changed(row, {"active": active})
    if change[1]:
        session.add(row)
        record_setup(session, actor, now, entity, row.id, change, provider_id=provider_id)
    return bool(change[1])


def site_by_code(session: Session, code: str) -> m.Site:
    """The site with this code (BOS) or id (directory.site_id_for says which there are)."""
    site = session.get(m.Site, site_id_for(session, code))
    assert site is not None
    return site


def visits_ahead(session: Session, which: Any, now: datetime) -> int:
    """How many visits matching `which` are still to come (not yet seen)."""
    return session.exec(
        select(func.count())
        .select_from(m.Appointment)
        .where(which)
        .where(col(m.Appointment.start) >= now)
        .where(col(m.Appointment.status).in_(NOT_YET_SEEN))
    ).one()


def add_site(
    store: Store, actor: Actor, code: str, fields: SiteFields, *, now: datetime, region: str
) -> int:
    """A new site; its code, name and time zone are required."""
    site_code = checks.code("The site code", code)
    if fields.name is None or fields.timezone is None:
        raise BadInput("A new site needs --name and --timezone.")
    values = _site_values(fields, region)
    hours = checks.site_hours(fields.hours) if fields.hours is not None else {}

    def work(session: Session) -> int:
        if session.exec(select(m.Site).where(col(m.Site.code) == site_code)).first():
            raise BadInput(f"There is already a site with code {site_code}.")
        site = m.Site(code=site_code, **values)
        session.add(site)
        session.flush()
        assert site.id is not None
        after = {"code": site_code, **values, **_set_hours(session, site.id, hours)}
        record_setup(session, actor, now, "site", site.id, ({}, after), created=True)
        return site.id

    return guarded_write(store, actor, Permission.MANAGE_CLINIC, work, now=now, what="site")


def edit_site(
    store: Store, actor: Actor, code: str, fields: SiteFields, *, now: datetime, region: str
) -> list[str]:
    """Change what is given of a site; the names of what changed (none: nothing written)."""
    values = _site_values(fields, region)
    hours = checks.site_hours(fields.hours) if fields.hours is not None else None

    def work(session: Session) -> list[str]:
        site = site_by_code(session, code)
        assert site.id is not None
        if values.get("timezone", site.timezone) != site.timezone:
            _no_visits_ahead(session, site, now)
        before, after = changed(site, values)
        if hours is not None:
            was = _hours_of(session, site.id)
            now_hours = _set_hours(session, site.id, hours)
            if was != now_hours["hours"]:
                before["hours"], after["hours"] = was, now_hours["hours"]
        if after:
            session.add(site)
            record_setup(session, actor, now, "site", site.id, (before, after))
        return sorted(after)

    return guarded_write(store, actor, Permission.MANAGE_CLINIC, work, now=now, what="site")


def _no_visits_ahead(session: Session, site: m.Site, now: datetime) -> None:
    """Refuse a new time zone while visits are booked there: each is kept as an instant,
    so every one of them would move on the clock people read."""
    ahead = visits_ahead(session, col(m.Appointment.site_id) == site.id, now)
    if ahead:
        raise BadInput(
            f"{ahead} visits ahead are booked at {site.code}: a new time zone would move each "
            "on the clock; move them first, or add the site anew."
        )


def set_site_active(store: Store, actor: Actor, code: str, active: bool, *, now: datetime) -> bool:
    """Deactivate a site (no new visits are offered there; its visits stay) or bring it
    back; whether anything changed."""

    def work(session: Session) -> bool:
        return switch_active(session, actor, now, "site", site_by_code(session, code), active)

    return guarded_write(store, actor, Permission.MANAGE_CLINIC, work, now=now, what="site")


def _hours_of(session: Session, site_id: int) -> str:
    of_site = select(m.SiteHours).where(col(m.SiteHours.site_id) == site_id)
    rows = session.exec(of_site.order_by(col(m.SiteHours.weekday))).all()
    return "; ".join(
        f"{checks.WEEKDAYS[row.weekday]} {row.opens:%H:%M}-{row.closes:%H:%M}" for row in rows
    )


def _set_hours(session: Session, site_id: int, hours: dict[int, Any]) -> dict[str, str]:
    """Replace the site's opening hours (when any are given); what they are now."""
    if hours:
        for row in session.exec(select(m.SiteHours).where(col(m.SiteHours.site_id) == site_id)):
            session.delete(row)
        session.flush()
        for weekday, (opens, closes) in sorted(hours.items()):
            session.add(m.SiteHours(site_id=site_id, weekday=weekday, opens=opens, closes=closes))
        session.flush()
    return {"hours": _hours_of(session, site_id)}


def add_specialty(store: Store, actor: Actor, code: str, name: str, *, now: datetime) -> int:
    """A new specialty (FM, CARD) providers and visit types can name."""
    specialty_code = checks.code("The specialty code", code)
    specialty_name = checks.line("The specialty's name", name, 120, required=True)

    def work(session: Session) -> int:
        taken = select(m.Specialty).where(col(m.Specialty.code) == specialty_code)
        if session.exec(taken).first():
            raise BadInput(f"There is already a specialty {specialty_code}.")
        specialty = m.Specialty(code=specialty_code, name=specialty_name)
        session.add(specialty)
        session.flush()
        assert specialty.id is not None
        after = {"code": specialty_code, "name": specialty_name}
        record_setup(session, actor, now, "specialty", specialty.id, ({}, after), created=True)
        return specialty.id

    return guarded_write(store, actor, Permission.MANAGE_CLINIC, work, now=now, what="specialty")
