"""Escalations and complaints: a caller's urgent clinical concern handed to a team
(nursing by default) with a time to answer by, and a complaint recorded, escalated to
management and resolved. Every change is audited; every list is an audited view."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from sqlalchemy import select as select_columns
from sqlmodel import Session, col

from schedtui.core.security import audit
from schedtui.core.security.access import Actor, Permission
from schedtui.core.security.guard import guarded_write, require
from schedtui.core.support.charts import chart_for
from schedtui.core.support.errors import BadInput
from schedtui.core.support.rows import JsonRow
from schedtui.core.support.text import text_problem
from schedtui.data import models as m
from schedtui.data.store import Store

#: An escalation still waiting for its team.
OPEN_STATUSES: Final = ("open", "in-progress")
#: Priorities as stored (higher first) and how soon each must be answered.
PRIORITIES: Final = {"emergent": 2, "urgent": 1, "routine": 0}
ANSWER_WITHIN: Final = {
    "emergent": timedelta(minutes=15),
    "urgent": timedelta(hours=1),
    "routine": timedelta(hours=24),
}
COMPLAINT_CATEGORIES: Final = (
    "availability", "wait-time", "communication", "staff", "billing", "other",
)  # fmt: skip
TEXT_LIMIT: Final = 1000
#: Words in a call that call for a nurse now, and what the scheduler says and does.
RED_FLAGS: Final = (
    "chest pain", "shortness of breath", "can't breathe", "cannot breathe", "suicid",
    "kill myself", "stroke", "face drooping", "slurred speech", "overdose", "unconscious",
    "severe bleeding",
)  # fmt: skip
EMERGENCY_SCRIPT: Final = (
    "Say: if this is an emergency, hang up and call 911 now. Then stay on the line and "
    "transfer the caller to a nurse (warm transfer), and raise an emergent escalation."
)


def red_flags(text: str) -> list[str]:
    """The emergency words in `text` (a call note, what the caller reports)."""
    folded = re.sub(r"\s+", " ", text.casefold())
    return [flag for flag in RED_FLAGS if flag in folded]


def _text(label: str, value: str) -> str:
    value = value.strip()
    problem = text_problem(value, TEXT_LIMIT) if value else "is required"
    if problem:
        raise BadInput(f"{label} {problem}.")
    return value


def raise_escalation(
    store: Store, actor: Actor, mrn: str, reported: str, *, priority: str, team: str,
    now: datetime,
) -> int:  # fmt: skip
    """Hand a caller's concern to `team`; its id."""
    if priority not in PRIORITIES:
        raise BadInput(f"--priority '{priority}': use {', '.join(PRIORITIES)}.")
    reported = _text("What the caller reports", reported)
    team = team.strip().lower() or "nursing"
    if text_problem(team, 40) or not re.fullmatch(r"[a-z0-9 -]+", team):
        raise BadInput(f"--team '{team}': a short name of letters (nursing, triage...).")

    def work(session: Session) -> int:
        patient = chart_for(session, mrn)
        made = m.Escalation(
            patient_id=patient.id, raised_by_id=actor.user_id, reason=reported,
            priority=PRIORITIES[priority], created_at=now, team=team,
            answer_by=now + ANSWER_WITHIN[priority],
        )  # fmt: skip
        session.add(made)
        session.flush()
        audit.record(session, actor=actor, action="create", now=now, entity="escalation",
                     entity_id=made.id, patient_id=patient.id,
                     detail={"priority": priority, "team": team})  # fmt: skip
        return made.id or 0

    return guarded_write(store, actor, Permission.BOOK, work, now=now, what="escalation")


@dataclass(frozen=True)
class CaseRow(JsonRow):
    """An escalation or complaint as lists show it."""

    id: int
    patient_mrn: str
    what: str
    status: str
    opened_at: datetime
    priority: str = ""
    team: str = ""
    answer_by: datetime | None = None
    category: str = ""
    escalated: bool = False
    resolution: str = ""


def open_escalations(session: Session, *, limit: int = 500, team: str = "") -> list[CaseRow]:
    """Escalations not yet resolved, the one to answer soonest first."""
    esc = m.Escalation
    query = (
        select_columns(col(esc.id), col(m.Patient.mrn), col(esc.reason), col(esc.status),
                       col(esc.created_at), col(esc.priority), col(esc.team),
                       col(esc.answer_by))
        .join(m.Patient, col(m.Patient.id) == col(esc.patient_id))
    )  # fmt: skip
    if team:
        query = query.where(col(esc.team) == team.strip().lower())
    by_status = [  # each status in its index's order, then merged: none is sorted whole
        row
        for status in OPEN_STATUSES
        for row in session.execute(
            query.where(col(esc.status) == status)
            .order_by(col(esc.answer_by), col(esc.id)).limit(limit)
        )
    ]  # fmt: skip
    found = sorted(by_status, key=_soonest)[:limit]
    words = {rank: word for word, rank in PRIORITIES.items()}
    return [
        CaseRow(i, mrn, reason, status, opened, priority=words.get(rank, str(rank)), team=team_,
                answer_by=by)
        for i, mrn, reason, status, opened, rank, team_, by in found
    ]  # fmt: skip


def _soonest(row: Any) -> tuple[bool, datetime, int]:
    """Escalations to answer soonest first (one with no time to answer by, last)."""
    answer_by = row[7]
    return answer_by is None, answer_by or datetime.max.replace(tzinfo=UTC), row[0]


def resolve_escalation(
    store: Store, actor: Actor, escalation_id: int, resolution: str, *, now: datetime
) -> None:
    """The team answered: what was done (audited)."""
    resolution = _text("--resolution", resolution)

    def work(session: Session) -> None:
        made = session.get(m.Escalation, escalation_id)
        if made is None:
            raise BadInput(f"There is no escalation {escalation_id}.")
        if made.status in ("resolved", "closed"):
            raise BadInput(f"Escalation {escalation_id} is already {made.status}.")
        made.status, made.resolved_at, made.resolution = "resolved", now, resolution
        session.add(made)
        late = made.answer_by is not None and now > made.answer_by
        audit.record(session, actor=actor, action="update", now=now, entity="escalation",
                     entity_id=escalation_id, patient_id=made.patient_id,
                     detail={"resolved": True, "after_answer_by": late})  # fmt: skip

    guarded_write(store, actor, Permission.BOOK, work, now=now, what="escalation")


def record_complaint(
    store: Store, actor: Actor, mrn: str, description: str, *, category: str,
    now: datetime, appointment_id: int | None = None, channel: str = "voice",
) -> int:  # fmt: skip
    """Record what the patient complains of; its id."""
    if category not in COMPLAINT_CATEGORIES:
        raise BadInput(f"--category '{category}': use {', '.join(COMPLAINT_CATEGORIES)}.")
    description = _text("The complaint", description)

    def work(session: Session) -> int:
        patient = chart_for(session, mrn)
        if appointment_id is not None:
            visit = session.get(m.Appointment, appointment_id)
            if visit is None or visit.patient_id != patient.id:
                raise BadInput(f"--appointment {appointment_id} is not one of {mrn}'s visits.")
        made = m.Complaint(
            patient_id=patient.id, received_at=now, channel=channel, category=category,
            description=description, recorded_by_id=actor.user_id,
            appointment_id=appointment_id,
        )  # fmt: skip
        session.add(made)
        session.flush()
        audit.record(session, actor=actor, action="create", now=now, entity="complaint",
                     entity_id=made.id, patient_id=patient.id,
                     detail={"category": category})  # fmt: skip
        return made.id or 0

    return guarded_write(store, actor, Permission.BOOK, work, now=now, what="complaint")


def complaint_rows(session: Session, *, open_only: bool = True, limit: int = 500) -> list[CaseRow]:
    """Complaints, the oldest open first (or every one, newest first)."""
    c = m.Complaint
    query = select_columns(
        col(c.id),
        col(m.Patient.mrn),
        col(c.description),
        col(c.status),
        col(c.received_at),
        col(c.category),
        col(c.escalated_at),
        col(c.resolution),
    ).join(m.Patient, col(m.Patient.id) == col(c.patient_id))
    if open_only:
        query = query.where(col(c.status).in_(("open", "in-progress")))
        query = query.order_by(col(c.received_at), col(c.id))
    else:
        query = query.order_by(col(c.received_at).desc(), col(c.id).desc())
    return [
        CaseRow(i, mrn, text, status, at, category=kind, escalated=up is not None,
                resolution=answer)
        for i, mrn, text, status, at, kind, up, answer in session.execute(query.limit(limit))
    ]  # fmt: skip


def escalate_complaint(store: Store, actor: Actor, complaint_id: int, *, now: datetime) -> None:
    """Hand a complaint to management (audited)."""

    def work(session: Session) -> None:
        made = _open_complaint(session, complaint_id)
        if made.escalated_at is not None:
            raise BadInput(f"Complaint {complaint_id} went to management already.")
        made.escalated_at, made.status = now, "in-progress"
        session.add(made)
        audit.record(session, actor=actor, action="update", now=now, entity="complaint",
                     entity_id=complaint_id, patient_id=made.patient_id,
                     detail={"escalated": True})  # fmt: skip

    guarded_write(store, actor, Permission.BOOK, work, now=now, what="complaint")


def resolve_complaint(
    store: Store, actor: Actor, complaint_id: int, resolution: str, *, now: datetime
) -> None:
    """What was done about it (supervisors; audited)."""
    resolution = _text("--resolution", resolution)

    def work(session: Session) -> None:
        made = _open_complaint(session, complaint_id)
        made.status, made.resolved_at, made.resolution = "resolved", now, resolution
        session.add(made)
        audit.record(session, actor=actor, action="update", now=now, entity="complaint",
                     entity_id=complaint_id, patient_id=made.patient_id,
                     detail={"resolved": True})  # fmt: skip

    guarded_write(store, actor, Permission.RESOLVE_COMPLAINTS, work, now=now, what="complaint")


def _open_complaint(session: Session, complaint_id: int) -> m.Complaint:
    made = session.get(m.Complaint, complaint_id)
    if made is None:
        raise BadInput(f"There is no complaint {complaint_id}.")
    if made.status in ("resolved", "closed"):
        raise BadInput(f"Complaint {complaint_id} is already {made.status}.")
    return made


def case_list_viewed(
    store: Store, actor: Actor, entity: str, rows: list[CaseRow], *, now: datetime
) -> None:
    """The audit row of a list of cases shown (the patients on it)."""
    require(store, actor, Permission.VIEW_PATIENTS, now=now, what=entity)
    audit.append(store, actor=actor, action="view", now=now, entity=entity,
                 detail={"patients": sorted({row.patient_mrn for row in rows})})  # fmt: skip
