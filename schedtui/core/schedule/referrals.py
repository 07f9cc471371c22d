"""Referrals and orders as a scheduler works them: each with the visit type wanted, its
urgency and a book-by date from the clinical timeline (`referral_due_days`), moving
new → contacted → scheduled → completed (or closed with a reason). A booking of that
visit type for the patient links the referral (every path onto the schedule goes through
`link_on_booking`); the visit being seen completes it; a cancellation puts it back on the
list. Three calls that reach nobody put a "please call us" message in the outbox (a
`referral.unreached` change the outbox reads). Every change is audited."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Final

from sqlmodel import Session, col, func, select

from schedtui.core.schedule.directory import patient_id_for
from schedtui.core.security import audit
from schedtui.core.security.access import Actor, Permission
from schedtui.core.security.guard import guarded_write, require
from schedtui.core.support.errors import BadInput
from schedtui.core.support.rows import JsonRow
from schedtui.data import models as m
from schedtui.data.codes import (
    CONTACT_OUTCOMES,
    REFERRAL_STATUSES,
    REFERRAL_URGENCIES,
    REFERRALS_OPEN,
)
from schedtui.data.store import Store
from schedtui.settings import Settings

#: Calls that reach nobody before the patient is written to.
UNREACHED_AFTER: Final = 3
UNANSWERED: Final = ("no-answer", "left-message")


@dataclass(frozen=True)
class ReferralRequest:
    """A referral or order as it comes in."""

    mrn: str
    type_code: str
    urgency: str = "routine"
    due: date | None = None  # None: from the urgency's timeline
    referring_name: str = ""
    referring_npi: str = ""
    reason: str = ""
    number: str = ""


def due_by(urgency: str, received: date, settings: Settings) -> date:
    """The book-by day of a referral of this urgency received on `received`."""
    return received + timedelta(days=settings.referral_due_days[urgency])


def add_referral(
    store: Store, actor: Actor, request: ReferralRequest, *, today: date, now: datetime,
    settings: Settings,
) -> int:  # fmt: skip
    """Record a referral; its id. Refused, with nothing written: an unknown patient or
    visit type, an urgency not known, a due date already past."""
    if request.urgency not in REFERRAL_URGENCIES:
        raise BadInput(
            f"--urgency '{request.urgency}' is not one of {', '.join(REFERRAL_URGENCIES)}."
        )
    if request.due is not None and request.due < today:
        raise BadInput(f"--due {request.due:%Y-%m-%d} is already past: a referral is due ahead.")
    if request.referring_npi and not (
        len(request.referring_npi) == 10 and request.referring_npi.isdigit()
    ):
        raise BadInput(f"--npi '{request.referring_npi}' is not an NPI (10 digits).")

    def work(session: Session) -> int:
        patient_id = patient_id_for(session, request.mrn)
        kind = _type(session, request.type_code)
        referral = m.Referral(
            patient_id=patient_id,
            appointment_type_id=kind.id,
            to_specialty_id=kind.specialty_id,
            referral_number=request.number.strip(),
            referring_provider_name=request.referring_name.strip(),
            referring_npi=request.referring_npi,
            reason=request.reason.strip(),
            received_on=today,
            urgency=request.urgency,
            due_on=request.due or due_by(request.urgency, today, settings),
            status="new",
            created_at=now,
            updated_at=now,
        )
        session.add(referral)
        session.flush()
        audit.record(
            session, actor=actor, action="create", now=now, entity="referral",
            entity_id=referral.id, patient_id=patient_id, detail=_state(referral),
        )  # fmt: skip
        assert referral.id is not None
        return referral.id

    return guarded_write(store, actor, Permission.BOOK, work, now=now, what="referral")


def _type(session: Session, code: str) -> m.AppointmentType:
    kind = session.exec(
        select(m.AppointmentType).where(func.upper(m.AppointmentType.code) == code.strip().upper())
    ).first()
    if kind is None:
        raise BadInput(f"--type '{code}' is not a visit type (schedtui types list).")
    return kind


def _state(referral: m.Referral) -> dict[str, Any]:
    return {
        "status": referral.status, "urgency": referral.urgency,
        "due_on": referral.due_on.isoformat() if referral.due_on else None,
        "appointment_type_id": referral.appointment_type_id, "close_reason": referral.close_reason,
    }  # fmt: skip


def record_contact(
    store: Store, actor: Actor, referral_id: int, outcome: str, note: str, *, now: datetime
) -> str:
    """A call about the referral and what it came to; the referral's status after."""
    if outcome not in CONTACT_OUTCOMES:
        raise BadInput(f"--outcome '{outcome}' is not one of {', '.join(CONTACT_OUTCOMES)}.")

    def work(session: Session) -> str:
        referral = _open(session, referral_id, "a call recorded")
        before = _state(referral)
        session.add(m.ReferralContact(referral_id=referral_id, at=now, outcome=outcome,
                                      note=note.strip()[:500], user_id=actor.user_id))  # fmt: skip
        if outcome == "declined":
            referral.status, referral.close_reason = "closed", "the patient declined"
        elif referral.status == "new":
            referral.status = "contacted"
        referral.updated_at = now
        session.add(referral)
        session.flush()
        if outcome in UNANSWERED and _unanswered(session, referral_id) == UNREACHED_AFTER:
            _unreached(session, referral, actor, now)
        audit.record(
            session, actor=actor, action="update", now=now, entity="referral",
            entity_id=referral_id, patient_id=referral.patient_id,
            detail={"before": before, "after": _state(referral), "contact": outcome},
        )  # fmt: skip
        return referral.status

    return guarded_write(store, actor, Permission.BOOK, work, now=now, what="referral")


def _open(session: Session, referral_id: int, what: str) -> m.Referral:
    referral = session.get(m.Referral, referral_id)
    if referral is None:
        raise BadInput(f"There is no referral {referral_id}.")
    if referral.status not in (*REFERRALS_OPEN, "scheduled"):
        raise BadInput(f"Referral {referral_id} is {referral.status}: it cannot have {what}.")
    return referral


def _unanswered(session: Session, referral_id: int) -> int:
    return session.exec(
        select(func.count())
        .select_from(m.ReferralContact)
        .where(col(m.ReferralContact.referral_id) == referral_id)
        .where(col(m.ReferralContact.outcome).in_(UNANSWERED))
    ).one()


def _unreached(session: Session, referral: m.Referral, actor: Actor, now: datetime) -> None:
    """Nobody answered three calls: the outbox writes to the patient (from the feed)."""
    session.add(
        m.DomainEvent(
            occurred_at=now, kind="referral.unreached", aggregate="referral",
            aggregate_id=referral.id or 0, actor_id=actor.user_id,
            payload_json=json.dumps({"patient_id": referral.patient_id}),
        )
    )  # fmt: skip


def close_referral(
    store: Store, actor: Actor, referral_id: int, reason: str, *, now: datetime
) -> None:
    """Close a referral that will not be booked, saying why."""
    if not reason.strip():
        raise BadInput("--reason is needed: say why the referral is closed.")

    def change(referral: m.Referral, session: Session) -> None:
        referral.status, referral.close_reason = "closed", reason.strip()[:200]

    _changed(store, actor, referral_id, "a close", change, now=now)


def _changed(
    store: Store,
    actor: Actor,
    referral_id: int,
    what: str,
    change: Callable[[m.Referral, Session], None],
    *,
    now: datetime,
) -> None:
    """Apply `change` to a referral still to be worked, audited before and after."""

    def work(session: Session) -> None:
        referral = _open(session, referral_id, what)
        before = _state(referral)
        change(referral, session)
        referral.updated_at = now
        session.add(referral)
        audit.record(
            session, actor=actor, action="update", now=now, entity="referral",
            entity_id=referral_id, patient_id=referral.patient_id,
            detail={"before": before, "after": _state(referral)},
        )  # fmt: skip

    guarded_write(store, actor, Permission.BOOK, work, now=now, what="referral")


def update_referral(
    store: Store, actor: Actor, referral_id: int, *, now: datetime, today: date,
    due: date | None = None, urgency: str | None = None, type_code: str | None = None,
) -> None:  # fmt: skip
    """Change when it is due, its urgency or the visit type wanted."""
    if urgency is not None and urgency not in REFERRAL_URGENCIES:
        raise BadInput(f"--urgency '{urgency}' is not one of {', '.join(REFERRAL_URGENCIES)}.")
    if due is not None and due < today:
        raise BadInput(f"--due {due:%Y-%m-%d} is already past.")
    if due is None and urgency is None and type_code is None:
        raise BadInput("Say what changes: --due, --urgency or --type.")

    def change(referral: m.Referral, session: Session) -> None:
        if type_code is not None:
            kind = _type(session, type_code)
            referral.appointment_type_id, referral.to_specialty_id = kind.id, kind.specialty_id
        referral.urgency = urgency or referral.urgency
        referral.due_on = due or referral.due_on

    _changed(store, actor, referral_id, "a change", change, now=now)


def open_referral_for(
    session: Session, patient_id: int, kind: m.AppointmentType
) -> m.Referral | None:
    """The patient's referral a visit of `kind` would answer: still on the list, for that
    type (or, naming no type, for its specialty), the one due first."""
    wanted = col(m.Referral.appointment_type_id)
    by_specialty = wanted.is_(None) & (col(m.Referral.to_specialty_id) == kind.specialty_id)
    return session.exec(
        select(m.Referral)
        .where(col(m.Referral.patient_id) == patient_id)
        .where(col(m.Referral.status).in_(REFERRALS_OPEN))
        .where((wanted == kind.id) | by_specialty)
        .order_by(col(m.Referral.due_on).asc().nulls_last(), col(m.Referral.id))
        .limit(1)
    ).first()


def link_on_booking(
    session: Session, appointment: m.Appointment, now: datetime, *, planned: int | None
) -> None:
    """A new booking answers the patient's open referral of its type: linked, scheduled.
    `planned`: the referral the booking's plan found open (None: it found none). It is
    read again: another booking may have answered it since, and then the next open one
    is looked for."""
    referral = _referral_answered(session, appointment, planned)
    if referral is None or referral.status not in REFERRALS_OPEN:
        return
    appointment.referral_id = referral.id
    referral.status, referral.updated_at = "scheduled", now
    session.add(referral)


def _referral_answered(
    session: Session, appointment: m.Appointment, planned: int | None
) -> m.Referral | None:
    if appointment.referral_id is not None:
        return session.get(m.Referral, appointment.referral_id)
    if planned is None:
        return None
    referral = session.get(m.Referral, planned)
    if referral is not None and referral.status in REFERRALS_OPEN:
        return referral
    kind = session.get(m.AppointmentType, appointment.appointment_type_id)
    assert kind is not None
    return open_referral_for(session, appointment.patient_id, kind)


def follow_visit(session: Session, appointment: m.Appointment, now: datetime) -> None:
    """The referral follows its visit: seen → completed; cancelled → back on the list
    (to the visit that replaced it, when it was moved)."""
    referral = session.get(m.Referral, appointment.referral_id or 0)
    if referral is None or referral.status != "scheduled":
        return
    if appointment.status == "fulfilled":
        referral.status = "completed"
    elif appointment.status in ("cancelled", "noshow", "entered-in-error"):
        successor = session.exec(
            select(m.Appointment)
            .where(col(m.Appointment.previous_appointment_id) == appointment.id)
            .where(col(m.Appointment.status) == "booked")
        ).first()
        if successor is not None:
            successor.referral_id = referral.id
            session.add(successor)
            return
        contacted = session.exec(
            select(m.ReferralContact.id).where(col(m.ReferralContact.referral_id) == referral.id)
        ).first()
        referral.status = "contacted" if contacted is not None else "new"
    else:
        return
    referral.updated_at = now
    session.add(referral)


@dataclass(frozen=True)
class ReferralRow(JsonRow):
    """One referral on the worklist."""

    id: int
    patient_mrn: str
    patient_name: str
    type_code: str
    urgency: str
    due: date | None
    status: str
    appointment_id: int | None
    referred_by: str
    contacts: int
    last_outcome: str


def is_overdue(row: ReferralRow, today: date) -> bool:
    """Past its book-by day and still not booked."""
    return row.due is not None and row.due < today and row.status in REFERRALS_OPEN


def referral_rows(
    session: Session, *, today: date, overdue: bool = False, status: str | None = None,
    mrn: str | None = None, limit: int = 200,
) -> list[ReferralRow]:  # fmt: skip
    """The worklist, the soonest due first: those still to book (new or contacted) unless a
    `status` is asked for; `overdue`: past their book-by day and not booked."""
    if status is not None and status not in REFERRAL_STATUSES:
        raise BadInput(f"--status '{status}' is not one of {', '.join(REFERRAL_STATUSES)}.")
    patient_id = patient_id_for(session, mrn) if mrn is not None else None
    found: list[Any] = []
    for one in (status,) if status else REFERRALS_OPEN:  # each read in its index's order
        for dated in (True, False):  # then those with no book-by day, last
            if overdue and not dated:
                continue
            query = _page(one, dated, today if overdue else None, patient_id)
            found += session.exec(query.limit(limit)).all()
    found.sort(key=lambda row: (row[0].due_on is None, row[0].due_on or today, row[0].id))
    found = found[:limit]
    ids = [referral.id for referral, _, _ in found]
    calls, visits = _calls_of(session, ids), _visits_of(session, ids)
    return [
        _row(referral, patient, code, calls.get(referral.id or 0, []), visits.get(referral.id or 0))
        for referral, patient, code in found
    ]


def _page(status: str, dated: bool, before: date | None, patient_id: int | None) -> Any:
    """One status's referrals, the soonest due first (read through the status and due
    index, so a big list is not sorted whole): dated ones, or those with no due day."""
    wanted = col(m.AppointmentType.id) == col(m.Referral.appointment_type_id)
    due = col(m.Referral.due_on)
    query = (
        select(m.Referral, m.Patient, m.AppointmentType.code)
        .join(m.Patient, col(m.Patient.id) == col(m.Referral.patient_id))
        .outerjoin(m.AppointmentType, wanted)
        .where(col(m.Referral.status) == status)
        .where(due.is_not(None) if dated else due.is_(None))
    )
    if before is not None:
        query = query.where(due < before)
    if patient_id is not None:
        query = query.where(col(m.Referral.patient_id) == patient_id)
    return query.order_by(due, col(m.Referral.id))


def _calls_of(session: Session, ids: list[int | None]) -> dict[int, list[str]]:
    """Each referral's call outcomes, the newest first (one query for the page)."""
    calls: dict[int, list[str]] = {}
    for referral_id, outcome in session.exec(
        select(m.ReferralContact.referral_id, m.ReferralContact.outcome)
        .where(col(m.ReferralContact.referral_id).in_(ids))
        .order_by(col(m.ReferralContact.at).desc(), col(m.ReferralContact.id).desc())
    ):
        calls.setdefault(referral_id, []).append(outcome)
    return calls


def _visits_of(session: Session, ids: list[int | None]) -> dict[int, int]:
    """Each referral's latest visit not cancelled (one query for the page)."""
    visits: dict[int, int] = {}
    for referral_id, visit_id in session.exec(
        select(m.Appointment.referral_id, m.Appointment.id)
        .where(col(m.Appointment.referral_id).in_(ids))
        .where(col(m.Appointment.status) != "cancelled")
        .order_by(col(m.Appointment.start).desc())
    ):
        if referral_id is not None and visit_id is not None:
            visits.setdefault(referral_id, visit_id)
    return visits


def _row(
    referral: m.Referral, patient: m.Patient, code: str | None, calls: list[str], visit: int | None
) -> ReferralRow:
    return ReferralRow(
        id=referral.id or 0, patient_mrn=patient.mrn,
        patient_name=f"{patient.last_name}, {patient.first_name}", type_code=code or "",
        urgency=referral.urgency, due=referral.due_on, status=referral.status,
        appointment_id=visit, referred_by=referral.referring_provider_name,
        contacts=len(calls), last_outcome=calls[0] if calls else "",
    )  # fmt: skip


def referral_worklist(
    store: Store, actor: Actor, *, now: datetime, today: date, overdue: bool = False
) -> list[ReferralRow]:
    """The referrals still to book as a screen shows them (an audited view of them)."""
    require(store, actor, Permission.VIEW_PATIENTS, now=now, what="referral")
    with store.read() as session:
        rows = referral_rows(session, today=today, overdue=overdue)
    audit.append(
        store, actor=actor, action="view", now=now, entity="referral",
        detail={"list": "overdue" if overdue else "to book",
                "patients": list(dict.fromkeys(row.patient_mrn for row in rows))},
    )  # fmt: skip
    return rows
