"""The supervisor's measures over a period, by provider, site, visit type or scheduler
(or for the whole clinic), each with its definition (../shared/DOMAIN.md): computed by
SQL aggregates over the visits that start in the period (and the call notes filed in
it), on SQLite and PostgreSQL alike; template time is expanded for the fill rate.
Reading them needs the KPI permission and is audited (the figures name no patient)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, case, func, literal, select
from sqlmodel import Session, col
from sqlmodel import select as select_rows

from schedtui.core.schedule.reference import load_reference
from schedtui.core.security import audit
from schedtui.core.security.access import Actor, Permission
from schedtui.core.security.guard import require
from schedtui.core.support.errors import BadInput
from schedtui.core.support.rows import JsonRow
from schedtui.data import models as m
from schedtui.data.recurrence import windows
from schedtui.data.store import Store

GROUPINGS: Final = ("provider", "site", "type", "scheduler")
#: Statuses of a visit that was due (it was kept or missed, not called off).
DUE: Final = ("booked", "arrived", "checked-in", "fulfilled", "noshow")
#: The longest period one report covers.
MOST_DAYS: Final = 366
#: What each figure means, shown beside it (and written to every export).
DEFINITIONS: Final = {
    "appointments": "visits starting in the period (not entered in error)",
    "due": "of those, visits that were due: started before now and not cancelled",
    "no_show_rate": "no-shows ÷ visits that were due",
    "cancellation_rate": "cancellations ÷ visits starting in the period",
    "late_cancellation_rate": "cancellations less than 24 h before the visit (or the "
    "clinic's setting) ÷ visits starting in the period",
    "early_cancellation_rate": "the other cancellations ÷ visits starting in the period",
    "overbooks": "visits double-booked over a taken time",
    "lead_time_days": "average days from booking to the visit",
    "confirmation_rate": "visits the patient confirmed ÷ visits that were due",
    "fill_rate": "booked template minutes ÷ open template minutes (templates less blocks "
    "and closures; by provider, by site and for the clinic only)",
    "calls": "call notes filed in the period",
    "first_call_resolution": "calls marked resolved on the call ÷ calls whose note says "
    "(by scheduler and for the clinic only)",
    "handle_minutes": "average minutes from a call's start to its note being filed",
}


@dataclass(frozen=True)
class KpiRow(JsonRow):
    """The figures of one group (a provider, a site, a visit type, a scheduler, or the
    whole clinic); rates are fractions 0-1, None when there is nothing to divide by."""

    group: str
    appointments: int
    due: int
    no_shows: int
    no_show_rate: float | None
    cancellations: int
    cancellation_rate: float | None
    late_cancellation_rate: float | None
    early_cancellation_rate: float | None
    overbooks: int
    lead_time_days: float | None
    confirmation_rate: float | None
    fill_rate: float | None = None
    calls: int | None = None
    first_call_resolution: float | None = None
    handle_minutes: float | None = None


@dataclass(frozen=True)
class Period:
    """The clinic's days from `first` to `last`, as UTC bounds [start, end)."""

    first: date
    last: date
    start: datetime
    end: datetime


def period(first: date, last: date, zone: ZoneInfo) -> Period:
    """The period, checked: it ends on or after it starts, within `MOST_DAYS`."""
    if last < first:
        raise BadInput(f"--to {last} is before --from {first}: the period ends before it starts.")
    if (last - first).days >= MOST_DAYS:
        raise BadInput(f"A report covers at most {MOST_DAYS} days; split the period.")
    start = datetime.combine(first, time(), tzinfo=zone)
    end = datetime.combine(last + timedelta(days=1), time(), tzinfo=zone)
    return Period(first, last, start, end)


def kpis(
    store: Store, actor: Actor, when: Period, by: str | None, *, now: datetime
) -> list[KpiRow]:
    """The figures for `when`, one row per group (`by`), or one for the clinic."""
    if by is not None and by not in GROUPINGS:
        raise BadInput(f"--by '{by}': group by {', '.join(GROUPINGS)}.")
    require(store, actor, Permission.VIEW_KPIS, now=now, what="report")
    with store.read() as session:
        rows = _visit_figures(session, when, by, now)
        names = _names(session, by)
        fill = _fill(session, when, by) if by in (None, "provider", "site") else {}
        calls = _call_figures(session, when, by) if by in (None, "scheduler") else {}
    audit.append(store, actor=actor, action="view", now=now, entity="report",
                 detail={"report": "kpis", "from": str(when.first), "to": str(when.last),
                         "by": by or "clinic"})  # fmt: skip
    keys = sorted(set(rows) | set(calls), key=lambda key: names.get(key, str(key)))
    return [_row(names.get(key, str(key)), rows.get(key), fill.get(key), calls.get(key))
            for key in keys]  # fmt: skip


def _key(by: str | None) -> ColumnElement[Any]:
    a = m.Appointment
    columns: dict[str | None, Any] = {
        "provider": col(a.provider_id), "site": col(a.site_id),
        "type": col(a.appointment_type_id), "scheduler": col(a.booked_by_id),
    }  # fmt: skip
    return columns.get(by, literal(0))  # type: ignore[no-any-return]


def _count(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    return func.sum(case((condition, 1), else_=0))


def _days(later: Any, earlier: Any, dialect: str) -> ColumnElement[Any]:
    """Days between two moments, in SQL (each store's own way)."""
    if dialect == "sqlite":
        return func.julianday(later) - func.julianday(earlier)
    return func.extract("epoch", later - earlier) / 86400.0


def _visit_figures(
    session: Session, when: Period, by: str | None, now: datetime
) -> dict[Any, tuple[Any, ...]]:
    a = m.Appointment
    dialect = session.get_bind().dialect.name
    status, start = col(a.status), col(a.start)
    was_due = and_(status.in_(DUE), start < now)
    key = _key(by).label("key")
    query = (
        select(
            key, func.count(), _count(was_due), _count(status == "noshow"),
            _count(status == "cancelled"), _count(and_(status == "cancelled", col(a.late_cancel))),
            _count(col(a.overbooked).is_(True)), func.avg(_days(start, col(a.booked_at), dialect)),
            _count(and_(was_due, col(a.confirmed_at).is_not(None))),
            func.sum(case((and_(status.in_(DUE), ~col(a.overbooked)),
                           _days(col(a.end), start, dialect) * 1440), else_=0)),
        )
        .where(start >= when.start, start < when.end, status != "entered-in-error")
        .group_by(key)
    )  # fmt: skip
    return {row[0]: tuple(row[1:]) for row in session.execute(query)}


def _call_figures(session: Session, when: Period, by: str | None) -> dict[Any, tuple[Any, ...]]:
    note = m.CallNote
    dialect = session.get_bind().dialect.name
    key = (col(note.user_id) if by == "scheduler" else literal(0)).label("key")
    resolved = col(note.resolved_on_call)
    query = (
        select(
            key, func.count(), _count(resolved.is_(True)), _count(resolved.is_not(None)),
            func.avg(_days(col(note.ended_at), col(note.started_at), dialect) * 1440),
        )
        .where(~col(note.is_draft), col(note.ended_at) >= when.start, col(note.ended_at) < when.end)
        .group_by(key)
    )  # fmt: skip
    return {row[0]: tuple(row[1:]) for row in session.execute(query)}


def _fill(session: Session, when: Period, by: str | None) -> dict[Any, int]:
    """Open template minutes in the period, by provider, by site, or for the clinic."""
    ref = load_reference(session)
    open_minutes: dict[Any, int] = defaultdict(int)
    for provider_id in {t.provider_id for t in ref.templates}:
        found = windows(ref.templates_of(provider_id), ref.blocks_of(provider_id), ref.closures,
                        ref.zones, when.first, when.last, hours=ref.site_hours)  # fmt: skip
        for window in found:
            key = {"provider": provider_id, "site": window.template.site_id}.get(by or "", 0)
            open_minutes[key] += window.open_minutes
    return dict(open_minutes)


def _names(session: Session, by: str | None) -> dict[Any, str]:
    if by == "provider":
        found = session.exec(select_rows(m.Provider))
        return {p.id: f"{p.last_name}, {p.first_name}" for p in found}
    if by == "site":
        return {s.id: s.code for s in session.exec(select_rows(m.Site))}
    if by == "type":
        return {t.id: t.code for t in session.exec(select_rows(m.AppointmentType))}
    if by == "scheduler":
        users = {u.id: u.username for u in session.exec(select_rows(m.User))}
        return {**users, None: "(not known)"}
    return {0: "clinic"}


def _share(part: Any, whole: Any) -> float | None:
    """part ÷ whole to 4 places (minutes come as floats from the date arithmetic)."""
    return round(round(float(part or 0), 3) / float(whole), 4) if whole else None


def _row(
    name: str,
    visits: tuple[Any, ...] | None,
    open_minutes: int | None,
    calls: tuple[Any, ...] | None,
) -> KpiRow:
    count, due, noshow, cancelled, late, overbooks, lead, confirmed, booked = visits or (0,) * 9
    count, cancelled, late = int(count), int(cancelled or 0), int(late or 0)
    fill = _share(booked, open_minutes) if open_minutes is not None else None
    filed, resolved, said, handle = calls or (None, 0, 0, None)
    return KpiRow(
        name, count, int(due or 0), int(noshow or 0), _share(noshow, due), cancelled,
        _share(cancelled, count), _share(late, count), _share(cancelled - late, count),
        int(overbooks or 0), None if lead is None else round(float(lead), 2),
        _share(confirmed, due), fill, None if filed is None else int(filed),
        _share(resolved, said), None if handle is None else round(float(handle), 1),
    )  # fmt: skip
