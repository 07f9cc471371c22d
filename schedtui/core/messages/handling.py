"""A supervisor's hand on the outbox: send a failed or given-up message again, or
withdraw one not yet sent (audited, before and after)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from schedtui.core.security import audit
from schedtui.core.security.access import Actor, Permission
from schedtui.core.security.guard import guarded_write
from schedtui.core.support.errors import BadInput
from schedtui.data import models as m
from schedtui.data.store import Store

#: Which messages each change applies to.
RETRYABLE = ("failed", "dead", "cancelled")
CANCELLABLE = ("queued", "failed", "dead")


def retry_message(store: Store, actor: Actor, message_id: int, *, now: datetime) -> None:
    """Queue the message again, due now, its tries counted afresh."""

    def work(session: Session) -> None:
        message = _message(session, message_id, RETRYABLE, "sent again")
        before = _state(message)
        message.status, message.scheduled_for, message.attempts = "queued", now, 0
        message.error = ""
        _record(session, actor, message, before, now)

    guarded_write(store, actor, Permission.SEND_MESSAGES, work, now=now, what="message")


def cancel_message(store: Store, actor: Actor, message_id: int, *, now: datetime) -> None:
    """Withdraw a message not yet sent."""

    def work(session: Session) -> None:
        message = _message(session, message_id, CANCELLABLE, "withdrawn")
        before = _state(message)
        message.status, message.error = "cancelled", f"withdrawn by {actor.username}"
        _record(session, actor, message, before, now)

    guarded_write(store, actor, Permission.SEND_MESSAGES, work, now=now, what="message")


def _message(session: Session, message_id: int, allowed: tuple[str, ...], done: str) -> m.Message:
    message = session.get(m.Message, message_id)
    if message is None:
        raise BadInput(f"There is no message {message_id}.")
    if message.status not in allowed:
        raise BadInput(
            f"Message {message_id} is {message.status}: only a message that is "
            f"{', '.join(allowed[:-1])} or {allowed[-1]} can be {done}."
        )
    return message


def _state(message: m.Message) -> dict[str, object]:
    return {"status": message.status, "attempts": message.attempts, "error": message.error}


def _record(
    session: Session, actor: Actor, message: m.Message, before: dict[str, object], now: datetime
) -> None:
    session.add(message)
    audit.record(
        session, actor=actor, action="update", now=now, entity="message", entity_id=message.id,
        patient_id=message.patient_id, detail={"before": before, "after": _state(message)},
    )  # fmt: skip
