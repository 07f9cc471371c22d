"""The outbox as people read it: which messages, to whom, in what state (a view of
patients' contact details: audited, by the caller or by `outbox_view`)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from schedtui.core.schedule.directory import patient_id_for
from schedtui.core.security import audit
from schedtui.core.security.access import Actor, Permission
from schedtui.core.security.guard import require
from schedtui.core.support.errors import BadInput
from schedtui.data import models as m
from schedtui.data.codes import MESSAGE_STATUSES
from schedtui.data.store import Store


@dataclass(frozen=True)
class MessageRow:
    """One message of the outbox."""

    id: int
    mrn: str
    kind: str
    channel: str
    status: str
    appointment_id: int | None
    to: str
    subject: str
    scheduled_for: datetime
    sent_at: datetime | None
    attempts: int
    error: str
    #: What Twilio last said became of a text ("" before it says, and for e-mail).
    delivery: str

    def to_json(self) -> dict[str, Any]:
        """For `schedtui messages list --json` (times in ISO 8601, UTC)."""
        shown = asdict(self)
        shown["scheduled_for"] = self.scheduled_for.isoformat()
        shown["sent_at"] = self.sent_at.isoformat() if self.sent_at else None
        return shown


def outbox_rows(
    session: Session, *, mrn: str | None = None, status: str | None = None, limit: int = 200
) -> list[MessageRow]:
    """The newest messages first (failures and dead letters before the rest)."""
    if status is not None and status not in MESSAGE_STATUSES:
        raise BadInput(f"Status '{status}' is not one of {', '.join(MESSAGE_STATUSES)}.")
    query = select(m.Message, m.Patient.mrn).join(
        m.Patient, col(m.Patient.id) == col(m.Message.patient_id)
    )
    if mrn is not None:
        query = query.where(col(m.Message.patient_id) == patient_id_for(session, mrn))
    if status is not None:
        query = query.where(col(m.Message.status) == status)
    rows = [
        MessageRow(
            message.id or 0,
            patient_mrn,
            message.kind,
            message.channel,
            message.status,
            message.appointment_id,
            message.to_address,
            message.subject,
            message.scheduled_for,
            message.sent_at,
            message.attempts,
            message.error,
            message.delivery,
        )
        for message, patient_mrn in session.exec(
            query.order_by(col(m.Message.scheduled_for).desc(), col(m.Message.id).desc()).limit(
                limit
            )
        )
    ]
    trouble = ("dead", "failed")
    return sorted(rows, key=lambda row: row.status not in trouble)


def outbox_view(store: Store, actor: Actor, *, now: datetime, limit: int = 500) -> list[MessageRow]:
    """The outbox for the supervisor's screen, failures first (an audited view)."""
    require(store, actor, Permission.VIEW_PATIENTS, now=now, what="message")
    with store.read() as session:
        rows = outbox_rows(session, limit=limit)
    audit.append(
        store, actor=actor, action="view", now=now, entity="messages",
        detail={"patients": list(dict.fromkeys(row.mrn for row in rows))},
    )  # fmt: skip
    return rows
