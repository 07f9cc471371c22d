"""What became of a text after Twilio took it: its status callbacks (queued, sent,
delivered, undelivered, failed) recorded on the message. Callbacks may come late, twice
or out of order: a message never moves back to an earlier state."""

from __future__ import annotations

from datetime import datetime
from typing import Final

from sqlmodel import Session, col, select

from schedtui.core.support.writes import in_write
from schedtui.data import models as m
from schedtui.data.store import Store

#: Twilio's message statuses in the order a text goes through them; the last three end it.
ORDER: Final = ("accepted", "queued", "sending", "sent", "delivered", "undelivered", "failed")
FINAL: Final = frozenset({"delivered", "undelivered", "failed"})


def take_status(store: Store, sid: str, status: str, error_code: str, *, now: datetime) -> bool:
    """Record Twilio's word on the text `sid`; False when no message of ours has it
    (or the status is not one Twilio sends)."""
    if status not in ORDER or not sid:
        return False
    return in_write(store, lambda session: _take(session, sid, status, error_code, now))


def _take(session: Session, sid: str, status: str, error_code: str, now: datetime) -> bool:
    message = session.exec(select(m.Message).where(col(m.Message.provider_ref) == sid)).first()
    if message is None:
        return False
    if message.delivery in FINAL or (
        message.delivery in ORDER and ORDER.index(message.delivery) >= ORDER.index(status)
    ):
        return True  # already as far as this or further
    message.delivery, message.delivery_at = status, now
    if status in ("undelivered", "failed"):
        message.error = f"Twilio says {status}" + (f" (error {error_code})" if error_code else "")
    session.add(message)
    return True
