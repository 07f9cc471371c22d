"""Site closures and holidays (supervisors): a site, or every site, closed for one day or
several. Booked visits on those days are listed first and nothing is written until the
supervisor confirms; then their patients go on the waitlist to be called and moved."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from schedtui.core.schedule.call_list import InTheWay, put_on_call_list, record_listed
from schedtui.core.schedule.statuses import NOT_YET_SEEN
from schedtui.core.security import audit
from schedtui.core.security.access import Actor, Permission
from schedtui.core.security.guard import guarded_write
from schedtui.core.support.errors import BadInput, FieldErrors
from schedtui.core.support.formats import day_text
from schedtui.core.support.rows import JsonRow
from schedtui.core.support.spoken_dates import spoken_day
from schedtui.core.support.text import text_problem
from schedtui.data import models as m
from schedtui.data.codes import CLOSURE_KINDS
from schedtui.data.store import Store

#: The longest closure one request may add (a year).
LONGEST_DAYS = 366


@dataclass(frozen=True)
class ClosureRequest:
    """Which site (None: every site), which days, what kind, and its name."""

    site_code: str | None
    first_day: date
    last_day: date
    kind: str
    name: str


@dataclass(frozen=True)
class ClosureResult:
    """The new closure's id (None while it waits for confirmation) and the visits in it."""

    closure_id: int | None
    in_the_way: tuple[InTheWay, ...]


def _checked(request: ClosureRequest) -> None:
    if request.kind not in CLOSURE_KINDS:
        raise BadInput(f"Kind '{request.kind}' is not one of {', '.join(CLOSURE_KINDS)}.")
    if request.last_day < request.first_day:
        raise BadInput("The closure ends before it starts.")
    if (request.last_day - request.first_day).days >= LONGEST_DAYS:
        raise BadInput(f"A closure spans at most {LONGEST_DAYS} days.")
    name = request.name.strip()
    if problem := ("is required" if not name else text_problem(name, 120)):
        raise BadInput(f"The name {problem}.")


def _sites(session: Session, code: str | None) -> list[m.Site]:
    sites = list(session.exec(select(m.Site).where(col(m.Site.active))))
    if code is None:
        return sites
    chosen = [s for s in sites if s.code == code.strip().upper()]
    if not chosen:
        raise BadInput(f"There is no active site '{code}'.")
    return chosen


def _in_the_way(session: Session, sites: list[m.Site], first: date, last: date) -> list[InTheWay]:
    zones = {s.id: ZoneInfo(s.timezone) for s in sites}
    rows = session.exec(
        select(m.Appointment, m.Patient)
        .join(m.Patient, col(m.Appointment.patient_id) == col(m.Patient.id))
        .where(col(m.Appointment.site_id).in_(list(zones)))
        .where(col(m.Appointment.status).in_(NOT_YET_SEEN))
        .where(col(m.Appointment.start) >= datetime.combine(first - timedelta(days=1), time(), UTC))
        .where(col(m.Appointment.start) < datetime.combine(last + timedelta(days=2), time(), UTC))
        .order_by(col(m.Appointment.start))
    ).all()
    visits = (InTheWay.of(a, p, zones[a.site_id]) for a, p in rows)
    return [v for v in visits if first <= v.local_start.date() <= last]


def add_closure(
    store: Store, actor: Actor, request: ClosureRequest, *, now: datetime, confirm: bool = False
) -> ClosureResult:
    """Close the site(s) on those days, unless visits are booked then and `confirm` is not
    given: then nothing is written and the visits are named."""

    def work(session: Session) -> ClosureResult:
        _checked(request)
        sites = _sites(session, request.site_code)
        in_the_way = tuple(_in_the_way(session, sites, request.first_day, request.last_day))
        if in_the_way and not confirm:
            record_listed(session, actor, (v.mrn for v in in_the_way), what="closure", now=now)
            return ClosureResult(None, in_the_way)
        closure = m.Closure(
            site_id=sites[0].id if request.site_code else None,
            first_day=request.first_day,
            last_day=request.last_day,
            kind=request.kind,
            name=request.name.strip(),
        )
        session.add(closure)
        session.flush()
        _record(session, actor, closure, "create", [v.appointment_id for v in in_the_way], now)
        visits = ((v.appointment_id, v.when) for v in in_the_way)
        why = f"the site is closed ({closure.name})"
        today = now.astimezone(ZoneInfo(sites[0].timezone)).date()
        put_on_call_list(session, actor, visits, why, now=now, today=today)
        assert closure.id is not None
        return ClosureResult(closure.id, in_the_way)

    return guarded_write(store, actor, Permission.EDIT_TEMPLATES, work, now=now, what="closure")


def remove_closure(store: Store, actor: Actor, closure_id: int, *, now: datetime) -> None:
    """Open the site(s) again on those days (audited; every open grid redraws)."""

    def work(session: Session) -> None:
        closure = session.get(m.Closure, closure_id)
        if closure is None:
            raise BadInput(f"There is no closure {closure_id}.")
        _record(session, actor, closure, "delete", [], now)
        session.delete(closure)

    guarded_write(store, actor, Permission.EDIT_TEMPLATES, work, now=now, what="closure")


@dataclass(frozen=True)
class ClosureRow(JsonRow):
    """A closure or holiday: which site ("all": every site), which days (ISO text)."""

    id: int
    site: str
    first_day: str
    last_day: str
    kind: str
    name: str


def closures(session: Session, since: date) -> list[ClosureRow]:
    """Closures that end on or after `since`, soonest first."""
    codes = {s.id: s.code for s in session.exec(select(m.Site))}
    query = (
        select(m.Closure)
        .where(col(m.Closure.last_day) >= since)
        .order_by(col(m.Closure.first_day), col(m.Closure.id))
    )
    return [
        ClosureRow(
            id=c.id or 0,
            site=codes.get(c.site_id, "?") if c.site_id else "all",
            first_day=c.first_day.isoformat(),
            last_day=c.last_day.isoformat(),
            kind=c.kind,
            name=c.name,
        )
        for c in session.exec(query)
    ]


def _record(
    session: Session,
    actor: Actor,
    closure: m.Closure,
    action: str,
    stranded: list[int],
    now: datetime,
) -> None:
    detail = {
        "site_id": closure.site_id,
        "first_day": closure.first_day.isoformat(),
        "last_day": closure.last_day.isoformat(),
        "kind": closure.kind,
        "name": closure.name,
        "visits_on_those_days": stranded,
    }
    session.add(
        m.DomainEvent(
            occurred_at=now,
            kind="closure.added" if action == "create" else "closure.removed",
            aggregate="closure",
            aggregate_id=closure.id or 0,
            actor_id=actor.user_id,
            payload_json=json.dumps(detail),
        )
    )
    audit.record(
        session,
        actor=actor,
        action=action,
        now=now,
        entity="closure",
        entity_id=closure.id,
        detail=detail,
    )


#: The closure form's fields: name, label.
CLOSURE_FIELDS = (
    ("site", "Site code (all: every site)"),
    ("first", "First day closed (2026-12-24, dec 24, next fri)"),
    ("last", "Last day closed (empty: the same day)"),
    ("kind", f"Kind: {', '.join(CLOSURE_KINDS)}"),
    ("name", "Name (e.g. Christmas Eve)"),
)


def closure_from_form(typed: dict[str, str], today: date) -> ClosureRequest:
    """A `ClosureRequest` from the closure form; `FieldErrors` names every wrong field."""
    errors: dict[str, str] = {}
    days: dict[str, date] = {}
    for name in ("first", "last"):
        text = typed.get(name, "").strip() or (typed.get("first", "") if name == "last" else "")
        try:
            days[name] = spoken_day(text, today)
        except BadInput as wrong:
            errors[name] = str(wrong)
    if "first" in days and "last" in days and days["last"] < days["first"]:
        errors["last"] = f"on or after the first day ({day_text(days['first'])})"
    kind = typed.get("kind", "").strip().lower()
    if kind not in CLOSURE_KINDS:
        errors["kind"] = f"one of {', '.join(CLOSURE_KINDS)}"
    if not typed.get("name", "").strip():
        errors["name"] = "what the closure is (e.g. Christmas Eve)"
    if errors:
        raise FieldErrors(errors)
    site = typed.get("site", "").strip()
    code = None if site.lower() in ("", "all") else site.upper()
    return ClosureRequest(code, days["first"], days["last"], kind, typed["name"])
