"""Call-backs: "call this patient back at or after T, about X", asked for on a call or
by the patient replying R to a text; done when someone has called (with what came of
it). Every change is audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final

from sqlalchemy import select as select_columns
from sqlmodel import Session, col, select

from schedtui.core.security import audit
from schedtui.core.security.access import Actor, Permission
from schedtui.core.security.guard import guarded_write
from schedtui.core.support.errors import BadInput
from schedtui.core.support.rows import JsonRow
from schedtui.core.support.text import text_problem
from schedtui.data import models as m
from schedtui.data.store import Store

#: The longest "about" and outcome kept.
ABOUT_LIMIT: Final = 300


def ask_call_back(
    store: Store, actor: Actor, mrn: str, due_at: datetime, about: str, *, now: datetime
) -> int:
    """Put a call-back on the list; its id. Refused: no reason given, or a time past."""
    problem = text_problem(about, ABOUT_LIMIT) if about.strip() else "is required"
    if problem:
        raise BadInput(f"--about (what to call back about): {problem}.")
    if due_at < now.replace(second=0, microsecond=0):
        raise BadInput(f"--at {due_at:%Y-%m-%d %H:%M} is already past.")

    def work(session: Session) -> int:
        patient_id = session.exec(
            select(m.Patient.id).where(col(m.Patient.mrn) == mrn.strip())
        ).first()
        if patient_id is None:
            raise BadInput(f"There is no patient with MRN '{mrn}'.")
        made = call_back_in(session, patient_id, due_at, about.strip(), "call", actor, now)
        return made

    return guarded_write(store, actor, Permission.BOOK, work, now=now, what="call-back")


def call_back_in(
    session: Session, patient_id: int, due_at: datetime, about: str, source: str,
    actor: Actor | None, now: datetime, *, username: str | None = None,
) -> int:  # fmt: skip
    """A call-back made in the caller's transaction (a text's R reply makes one too)."""
    made = m.CallBack(
        patient_id=patient_id, due_at=due_at, about=about[:ABOUT_LIMIT], source=source,
        created_at=now, created_by_id=actor.user_id if actor else None,
    )  # fmt: skip
    session.add(made)
    session.flush()
    audit.record(
        session, actor=actor, username=username, action="create", now=now, entity="call-back",
        entity_id=made.id, patient_id=patient_id, detail={"due_at": due_at.isoformat()},
    )  # fmt: skip
    assert made.id is not None
    return made.id


def call_back_done(
    store: Store, actor: Actor, call_back_id: int, outcome: str, *, now: datetime
) -> None:
    """Someone called: off the list, with what came of it."""
    problem = text_problem(outcome, ABOUT_LIMIT) if outcome.strip() else None
    if problem:
        raise BadInput(f"--outcome: {problem}.")

    def work(session: Session) -> None:
        made = session.get(m.CallBack, call_back_id)
        if made is None:
            raise BadInput(f"There is no call-back {call_back_id}.")
        if made.done_at is not None:
            raise BadInput(f"Call-back {call_back_id} was already done.")
        made.done_at, made.done_by_id, made.outcome = now, actor.user_id, outcome.strip()
        session.add(made)
        if made.source == "text":  # the patient's R replies are answered too
            _texts_answered(session, made.patient_id, actor, now)
        audit.record(
            session, actor=actor, action="update", now=now, entity="call-back",
            entity_id=call_back_id, patient_id=made.patient_id,
            detail={"done": True, "outcome": made.outcome},
        )  # fmt: skip

    guarded_write(store, actor, Permission.BOOK, work, now=now, what="call-back")


def _texts_answered(session: Session, patient_id: int, actor: Actor, now: datetime) -> None:
    for text in session.exec(
        select(m.InboundMessage)
        .where(col(m.InboundMessage.patient_id) == patient_id)
        .where(col(m.InboundMessage.action) == "call-back")
        .where(col(m.InboundMessage.handled_at).is_(None))
    ):
        text.handled_at, text.handled_by_id = now, actor.user_id
        session.add(text)


@dataclass(frozen=True)
class CallBackRow(JsonRow):
    """A call-back on the list."""

    id: int
    patient_mrn: str
    patient_name: str
    due_at: datetime
    about: str
    source: str
    done_at: datetime | None


def open_call_backs(
    session: Session, *, due_by: datetime | None = None, limit: int = 1000
) -> list[CallBackRow]:
    """Call-backs nobody has done, the longest due first (`due_by`: only those due then;
    at most `limit`), read through the columns only."""
    back = m.CallBack
    query = (
        select_columns(col(back.id), col(m.Patient.mrn), col(m.Patient.last_name),
                       col(m.Patient.first_name), col(back.due_at), col(back.about),
                       col(back.source))
        .join(m.Patient, col(m.Patient.id) == col(back.patient_id))
        .where(col(back.done_at).is_(None))
    )  # fmt: skip
    if due_by is not None:
        query = query.where(col(back.due_at) <= due_by)
    found = session.execute(query.order_by(col(back.due_at), col(back.id)).limit(limit)).all()
    return [
        CallBackRow(made_id or 0, mrn, f"{last}, {first}", due_at, about, source, None)
        for made_id, mrn, last, first, due_at, about, source in found
    ]
