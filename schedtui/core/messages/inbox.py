"""Patients' texts back as staff read them: the call-back list (R replies waiting for a
call) and every other reply, newest first; a call-back marked done by whoever called
(audited). Reading them is a view of patients' words: the caller audits it."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from schedtui.core.security import audit
from schedtui.core.security.access import Actor, Permission
from schedtui.core.security.guard import guarded_write
from schedtui.core.support.errors import BadInput
from schedtui.data import models as m
from schedtui.data.store import Store


@dataclass(frozen=True)
class ReplyRow:
    """One text a patient sent."""

    id: int
    received_at: datetime
    action: str
    mrn: str  # "" when no patient has the number
    sender: str
    body: str
    reply: str
    appointment_id: int | None
    handled_at: datetime | None

    def to_json(self) -> dict[str, Any]:
        """For `schedtui messages replies --json` (times in ISO 8601, UTC)."""
        shown = asdict(self)
        shown["received_at"] = self.received_at.isoformat()
        shown["handled_at"] = self.handled_at.isoformat() if self.handled_at else None
        return shown


def reply_rows(session: Session, *, waiting: bool = False, limit: int = 200) -> list[ReplyRow]:
    """The newest texts first; `waiting`: only the call-backs nobody has done yet."""
    query = select(m.InboundMessage, m.Patient.mrn).outerjoin(
        m.Patient, col(m.Patient.id) == col(m.InboundMessage.patient_id)
    )
    if waiting:
        query = query.where(col(m.InboundMessage.action) == "call-back").where(
            col(m.InboundMessage.handled_at).is_(None)
        )
    found = session.exec(
        query.order_by(col(m.InboundMessage.received_at).desc(), col(m.InboundMessage.id).desc())
        .limit(limit)
    )  # fmt: skip
    return [_row(text, mrn) for text, mrn in found]


def _row(text: m.InboundMessage, mrn: str | None) -> ReplyRow:
    return ReplyRow(
        id=text.id or 0,
        received_at=text.received_at,
        action=text.action,
        mrn=mrn or "",
        sender=text.from_address,
        body=text.body,
        reply=text.reply,
        appointment_id=text.appointment_id,
        handled_at=text.handled_at,
    )


def call_back_done(store: Store, actor: Actor, reply_id: int, *, now: datetime) -> None:
    """The patient who asked for a call back was called: off the list (audited)."""

    def work(session: Session) -> None:
        text = session.get(m.InboundMessage, reply_id)
        if text is None or text.action != "call-back":
            raise BadInput(f"Reply {reply_id} is not a call-back request (messages replies).")
        if text.handled_at is not None:
            raise BadInput(f"Reply {reply_id} was already marked called back.")
        text.handled_at, text.handled_by_id = now, actor.user_id
        session.add(text)
        audit.record(
            session, actor=actor, action="update", now=now, entity="inbound-message",
            entity_id=reply_id, patient_id=text.patient_id, detail={"called_back": True},
        )  # fmt: skip

    guarded_write(store, actor, Permission.BOOK, work, now=now, what="call-back")
