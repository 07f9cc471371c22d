"""Patient lookup results as a scheduler reads them: who, born when, how to reach them,
their next appointment and the alerts to mind (interpreter, balance, authorization)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlmodel import Session

from schedtui.core.insurance.money import dollars
from schedtui.core.patients.lookup.index import Entry, PatientIndex, load_index, nicknames
from schedtui.core.patients.lookup.query import parse_query
from schedtui.core.patients.lookup.store_keys import catch_up, index_for
from schedtui.core.patients.phones import national
from schedtui.data import models as m
from schedtui.data.store import Store


@dataclass(frozen=True)
class PatientMatch:
    """One row of the lookup."""

    patient_id: int
    mrn: str
    name: str
    dob: date
    age: int
    phone: str
    next_appointment: datetime | None
    alerts: tuple[str, ...]
    score: float
    why: tuple[str, ...]
    #: The alerts in a word each, for a narrow list ("interp es", "$45.00", "auth").
    brief_alerts: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The CLI's JSON for a patient match."""
        return {
            "mrn": self.mrn,
            "name": self.name,
            "dob": self.dob.isoformat(),
            "age": self.age,
            "phone": self.phone,
            "next_appointment": self.next_appointment.isoformat()
            if self.next_appointment
            else None,
            "alerts": list(self.alerts),
            "score": round(self.score, 1),
            "why": list(self.why),
        }


def _age(dob: date, today: date) -> int:
    return today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))


def warm_up(region: str) -> None:
    """Load what the first search would otherwise load on a keystroke (phone metadata)."""
    national("+12025550100", region)


def refresh(
    session: Session, index: PatientIndex | None, stop: Callable[[], bool] | None = None
) -> PatientIndex:
    """A current index: built on first use, then only patients changed since are re-read.
    `stop` may end a first build early (`BuildStopped`)."""
    if index is None:
        return load_index(session, stop=stop)
    return load_index(session, since=index.seen_until, index=index)


def find_patients(
    session: Session,
    index: PatientIndex,
    text: str,
    *,
    now: datetime,
    today: date,
    region: str,
    limit: int = 20,
) -> list[PatientMatch]:
    """The best matches for what was typed, strongest first (top `limit`)."""
    query = parse_query(text, today)
    if query.empty:
        return []
    found = index.search(query, limit, _mrn_owners(session, query.tokens))
    return _matches(session, found, now=now, today=today, region=region)


def find_in_store(
    store: Store, text: str, *, now: datetime, today: date, region: str, limit: int = 20
) -> list[PatientMatch]:
    """The same matches as `find_patients` on a full index, from the keys kept in the
    store: only the patients the query may be about are read (a one-off search, or one
    made before the full index is built). The keys are brought up to date first."""
    query = parse_query(text, today)
    if query.empty:
        return []
    catch_up(store, now)
    with store.read() as session:
        mrns = _mrn_owners(session, query.tokens)
        index = index_for(session, query, nicknames(), typos=False, mrn_ids=mrns)
        found = index.search(query, limit, mrns, retry_typos=False)
        if not found and query.names:  # read as misspelt, among the closest spellings
            index = index_for(session, query, nicknames(), typos=True, mrn_ids=mrns)
            found = index.search(query, limit, mrns)
        return _matches(session, found, now=now, today=today, region=region)


def _matches(
    session: Session,
    found: list[tuple[Entry, float, list[str]]],
    *,
    now: datetime,
    today: date,
    region: str,
) -> list[PatientMatch]:
    ids = [entry.patient_id for entry, _, _ in found]
    upcoming = _next_appointments(session, ids, now)
    mrns, alerts = _mrns_and_alerts(session, ids)
    return [
        PatientMatch(
            entry.patient_id,
            mrns[entry.patient_id],
            f"{entry.last}, {entry.first}",
            entry.dob,
            _age(entry.dob, today),
            national("+" + entry.phones[0], region) if entry.phones else "",
            upcoming.get(entry.patient_id),
            tuple(alert.full for alert in alerts.get(entry.patient_id, ())),
            score,
            tuple(why),
            tuple(alert.brief for alert in alerts.get(entry.patient_id, ())),
        )
        for entry, score, why in found
    ]


def _next_appointments(session: Session, ids: list[int], now: datetime) -> dict[int, datetime]:
    """Each patient's next booked visit, in its site's own time zone (its date is the one
    the patient will be told, not the UTC date)."""
    if not ids:
        return {}
    a = m.Appointment.__table__  # type: ignore[attr-defined]
    site = m.Site.__table__  # type: ignore[attr-defined]
    first = (
        select(a.c.patient_id, func.min(a.c.start).label("start"))
        .where(a.c.patient_id.in_(ids), a.c.start > now, a.c.status == "booked")
        .group_by(a.c.patient_id)
        .subquery()
    )
    rows = session.execute(
        select(first.c.patient_id, first.c.start, site.c.timezone)
        .join(a, (a.c.patient_id == first.c.patient_id) & (a.c.start == first.c.start))
        .join(site, site.c.id == a.c.site_id)
        .where(a.c.status == "booked")
    )
    return {
        patient_id: start.astimezone(ZoneInfo(zone))
        for patient_id, start, zone in rows
        if start is not None
    }


def _mrn_owners(session: Session, tokens: list[str]) -> list[int]:
    """Patients whose MRN was typed (in upper or lower case); the old MRN of a merged
    chart finds the chart it was merged into."""
    if not tokens:
        return []
    p = m.Patient.__table__  # type: ignore[attr-defined]
    spellings = {spelling for t in tokens for spelling in (t, t.lower())}
    owners = session.execute(select(p.c.id, p.c.merged_into_id).where(p.c.mrn.in_(spellings)))
    return [row.merged_into_id or row.id for row in owners]  # a merged chart's: its survivor


class Alert(NamedTuple):
    """Something to mind about a caller, in full and in a word."""

    full: str
    brief: str


def _mrns_and_alerts(
    session: Session, ids: list[int]
) -> tuple[dict[int, str], dict[int, list[Alert]]]:
    """Each patient's MRN, and the alerts to mind: interpreter, balance, authorization."""
    found: dict[int, list[Alert]] = {patient_id: [] for patient_id in ids}
    mrns: dict[int, str] = {}
    if not ids:
        return mrns, found
    p = m.Patient.__table__  # type: ignore[attr-defined]
    for row in session.execute(
        select(p.c.id, p.c.mrn, p.c.interpreter_needed, p.c.language, p.c.balance_cents).where(
            p.c.id.in_(ids)
        )
    ):
        mrns[row.id] = row.mrn
        if row.interpreter_needed:
            found[row.id].append(Alert(f"interpreter ({row.language})", f"interp {row.language}"))
        if row.balance_cents:
            owed = dollars(row.balance_cents)
            found[row.id].append(Alert(f"balance {owed}", owed))
    auth = m.PriorAuthorization.__table__  # type: ignore[attr-defined]
    pending = session.execute(
        select(auth.c.patient_id)
        .distinct()
        .where(auth.c.patient_id.in_(ids), auth.c.status.in_(("needed", "submitted", "pending")))
    )
    for (patient_id,) in pending:
        found[patient_id].append(Alert("authorization pending", "auth"))
    return mrns, found
