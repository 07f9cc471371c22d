"""Patient lookup results as a scheduler reads them: who, born when, how to reach them,
their next appointment and the alerts to mind (interpreter, balance, authorization)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from schedtui.core.lookup.index import PatientIndex, load_index
from schedtui.core.lookup.query import parse_query
from schedtui.core.money import dollars
from schedtui.core.phones import national
from schedtui.data import models as m


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


def refresh(session: Session, index: PatientIndex | None) -> PatientIndex:
    """A current index: built on first use, then only patients changed since are re-read."""
    if index is None:
        return load_index(session)
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
            tuple(alerts.get(entry.patient_id, ())),
            score,
            tuple(why),
        )
        for entry, score, why in found
    ]


def _next_appointments(session: Session, ids: list[int], now: datetime) -> dict[int, datetime]:
    if not ids:
        return {}
    a = m.Appointment.__table__  # type: ignore[attr-defined]
    rows = session.execute(
        select(a.c.patient_id, func.min(a.c.start))
        .where(a.c.patient_id.in_(ids), a.c.start > now, a.c.status == "booked")
        .group_by(a.c.patient_id)
    )
    return {patient_id: start for patient_id, start in rows if start is not None}


def _mrn_owners(session: Session, tokens: list[str]) -> list[int]:
    """Patients whose MRN was typed (in upper or lower case)."""
    if not tokens:
        return []
    p = m.Patient.__table__  # type: ignore[attr-defined]
    spellings = {spelling for t in tokens for spelling in (t, t.lower())}
    return [row.id for row in session.execute(select(p.c.id).where(p.c.mrn.in_(spellings)))]


def _mrns_and_alerts(
    session: Session, ids: list[int]
) -> tuple[dict[int, str], dict[int, list[str]]]:
    """Each patient's MRN, and the alerts to mind: interpreter, balance, authorization."""
    found: dict[int, list[str]] = {patient_id: [] for patient_id in ids}
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
            found[row.id].append(f"interpreter ({row.language})")
        if row.balance_cents:
            found[row.id].append(f"balance {dollars(row.balance_cents)}")
    auth = m.PriorAuthorization.__table__  # type: ignore[attr-defined]
    pending = session.execute(
        select(auth.c.patient_id)
        .distinct()
        .where(auth.c.patient_id.in_(ids), auth.c.status.in_(("needed", "submitted", "pending")))
    )
    for (patient_id,) in pending:
        found[patient_id].append("authorization pending")
    return mrns, found
