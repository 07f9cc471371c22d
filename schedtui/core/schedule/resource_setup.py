"""Setting the clinic up: resources (rooms, equipment, interpreters) and the visit types
each serves. Supervisors and admins only; audited before and after, on the change feed.
A resource is deactivated, never deleted: the visits that used it keep it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, col, select

from schedtui.core.schedule import setup_checks as checks
from schedtui.core.schedule.clinic_setup import (
    changed,
    record_setup,
    site_by_code,
    switch_active,
)
from schedtui.core.security.access import Actor, Permission
from schedtui.core.security.guard import guarded_write
from schedtui.core.support.errors import BadInput
from schedtui.core.support.rows import JsonRow
from schedtui.core.support.text import printable
from schedtui.data import codes as known
from schedtui.data import models as m
from schedtui.data.store import Store

if TYPE_CHECKING:
    from datetime import datetime


@dataclass(frozen=True)
class ResourceFields:
    """What is said of a resource; None: not given (kept on an edit)."""

    name: str | None = None
    site: str | None = None
    language: str | None = None
    #: The visit types it serves, comma-separated codes (replaces the whole list).
    serves: str | None = None


@dataclass(frozen=True)
class ResourceRow(JsonRow):
    """A resource as listed."""

    id: int
    kind: str
    name: str
    site: str
    language: str
    serves: list[str]
    active: bool


def resources(session: Session) -> list[ResourceRow]:
    """Every resource, active first, by kind and name."""
    sites = {s.id: s.code for s in session.exec(select(m.Site))}
    serves: dict[int, list[str]] = {}
    link = m.AppointmentTypeResource
    for resource_id, code in session.exec(
        select(link.resource_id, m.AppointmentType.code).join(
            m.AppointmentType, col(m.AppointmentType.id) == link.appointment_type_id
        )
    ):
        serves.setdefault(resource_id, []).append(code)
    rows = [_row(r, sites, serves) for r in session.exec(select(m.Resource))]
    return sorted(rows, key=lambda row: (not row.active, row.kind, row.name))


def _row(r: m.Resource, sites: dict[int | None, str], serves: dict[int, list[str]]) -> ResourceRow:
    site = sites.get(r.site_id, "") if r.site_id else ""
    served = sorted(serves.get(r.id or 0, []))
    return ResourceRow(r.id or 0, r.kind, r.name, site, r.language or "", served, r.active)


def _values(session: Session, kind: str, fields: ResourceFields) -> dict[str, Any]:
    given: dict[str, Any] = {}
    if fields.name is not None:
        given["name"] = checks.line("The resource's name", fields.name, 120, required=True)
    if fields.site is not None:
        given["site_id"] = site_by_code(session, fields.site).id if fields.site.strip() else None
    if fields.language is not None:
        spoken = checks.languages(fields.language)
        if kind != "interpreter" and spoken:
            raise BadInput("Only an interpreter has a language.")
        if len(spoken) > 1:
            raise BadInput("An interpreter resource speaks one language (add one per language).")
        given["language"] = spoken[0] if spoken else None
    return given


def add_resource(
    store: Store, actor: Actor, kind: str, fields: ResourceFields, *, now: datetime
) -> int:
    """A new room, piece of equipment or interpreter (an interpreter needs a language)."""
    kind = kind.strip().lower()
    if kind not in known.RESOURCE_KINDS:
        raise BadInput(
            f"The kind '{printable(kind)}' is not one of: {', '.join(known.RESOURCE_KINDS)}."
        )
    if fields.name is None:
        raise BadInput("A new resource needs --name.")
    if kind == "interpreter" and not (fields.language or "").strip():
        raise BadInput("An interpreter needs --language (e.g. es).")

    def work(session: Session) -> int:
        values = _values(session, kind, fields)
        resource = m.Resource(kind=kind, **values)
        session.add(resource)
        session.flush()
        assert resource.id is not None
        served = _set_serves(session, resource.id, fields.serves)
        after = {"kind": kind, **values, **served}
        record_setup(session, actor, now, "resource", resource.id, ({}, after), created=True)
        return resource.id

    return guarded_write(store, actor, Permission.MANAGE_CLINIC, work, now=now, what="resource")


def edit_resource(
    store: Store, actor: Actor, resource_id: int, fields: ResourceFields, *, now: datetime
) -> list[str]:
    """Change what is given of a resource; the names of what changed."""

    def work(session: Session) -> list[str]:
        resource = _resource(session, resource_id)
        before, after = changed(resource, _values(session, resource.kind, fields))
        was = _serves_of(session, resource_id)
        served = _set_serves(session, resource_id, fields.serves)
        if served["serves"] != was:
            before["serves"], after["serves"] = was, served["serves"]
        if after:
            session.add(resource)
            record_setup(session, actor, now, "resource", resource_id, (before, after))
        return sorted(after)

    return guarded_write(store, actor, Permission.MANAGE_CLINIC, work, now=now, what="resource")


def set_resource_active(
    store: Store, actor: Actor, resource_id: int, active: bool, *, now: datetime
) -> bool:
    """Take a resource out of service (never offered again) or back; whether it changed."""

    def work(session: Session) -> bool:
        return switch_active(
            session, actor, now, "resource", _resource(session, resource_id), active
        )

    return guarded_write(store, actor, Permission.MANAGE_CLINIC, work, now=now, what="resource")


def _resource(session: Session, resource_id: int) -> m.Resource:
    resource = session.get(m.Resource, resource_id)
    if resource is None:
        raise BadInput(f"There is no resource with id {resource_id} (see 'resources list').")
    return resource


def _serves_of(session: Session, resource_id: int) -> str:
    link = m.AppointmentTypeResource
    codes = session.exec(
        select(m.AppointmentType.code)
        .join(link, col(link.appointment_type_id) == m.AppointmentType.id)
        .where(col(link.resource_id) == resource_id)
    ).all()
    return ",".join(sorted(codes))


def _set_serves(session: Session, resource_id: int, serves: str | None) -> dict[str, str]:
    """Replace the visit types the resource serves (when given); what they are now."""
    if serves is not None:
        wanted = []
        for code in checks.codes(serves):
            kind = session.exec(
                select(m.AppointmentType).where(col(m.AppointmentType.code) == code)
            ).first()
            if kind is None or kind.id is None:
                raise BadInput(f"There is no visit type '{printable(code)}'.")
            wanted.append(kind.id)
        link = m.AppointmentTypeResource
        for row in session.exec(select(link).where(col(link.resource_id) == resource_id)):
            session.delete(row)
        session.flush()
        for type_id in dict.fromkeys(wanted):
            session.add(link(appointment_type_id=type_id, resource_id=resource_id))
        session.flush()
    return {"serves": _serves_of(session, resource_id)}
