"""The call list: reminders and notices for patients who take neither e-mail nor texts
but agreed to calls. The outbox makes them (channel "voice") with a short script; a
scheduler calls and records what came of it. No answer is tried again later, a few
times; every outcome is audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from sqlalchemy import select as select_columns
from sqlmodel import Session, col, or_

from schedtui.core.messages.timing import after_quiet, quiet_hours
from schedtui.core.security import audit
from schedtui.core.security.access import Actor, Permission
from schedtui.core.security.guard import guarded_write
from schedtui.core.support.errors import BadInput
from schedtui.core.support.formats import moment_text
from schedtui.core.support.rows import JsonRow
from schedtui.data import models as m
from schedtui.data.codes import CONTACT_OUTCOMES
from schedtui.data.store import Store
from schedtui.settings import Settings

#: Calls with no answer before the call is given up (its message marked dead).
CALL_TRIES: Final = 3
#: How long after an unanswered call it comes back on the list.
CALL_AGAIN_AFTER: Final = timedelta(hours=2)
#: Outcomes that end the call: the patient heard (or was asked to call back).
DONE_OUTCOMES: Final = ("reached", "left-message", "declined")


@dataclass(frozen=True)
class CallRow(JsonRow):
    """A call to make."""

    id: int
    due_at: datetime
    patient_mrn: str
    patient_name: str
    number: str
    kind: str
    visit_at: datetime | None
    tries: int
    last_outcome: str
    script: str


def calls_due(session: Session, now: datetime, *, limit: int = 500) -> list[CallRow]:
    """Calls due by `now`, the longest waiting first; a call about a visit that has
    begun is no longer worth making and is left off."""
    message = m.Message
    found = session.execute(
        select_columns(
            col(message.id), col(message.scheduled_for), col(m.Patient.mrn),
            col(m.Patient.last_name), col(m.Patient.first_name), col(message.to_address),
            col(message.kind), col(m.Appointment.start), col(message.attempts),
            col(message.call_outcome), col(message.body),
        )
        .join(m.Patient, col(m.Patient.id) == col(message.patient_id))
        .outerjoin(m.Appointment, col(m.Appointment.id) == col(message.appointment_id))
        .where(col(message.status) == "queued")
        .where(col(message.channel) == "voice")
        .where(col(message.scheduled_for) <= now)
        .where(or_(col(message.appointment_id).is_(None), col(m.Appointment.start) > now))
        .order_by(col(message.scheduled_for), col(message.id))
        .limit(limit)
    ).all()  # fmt: skip
    return [
        CallRow(row_id, due, mrn, f"{last}, {first}", number, kind, visit_at, tries, last_said,
                script)
        for row_id, due, mrn, last, first, number, kind, visit_at, tries, last_said, script
        in found
    ]  # fmt: skip


def record_call(
    store: Store,
    actor: Actor,
    message_id: int,
    outcome: str,
    *,
    now: datetime,
    settings: Settings,
) -> str:
    """What came of a call on the list; returns what becomes of it ("done", "on the list
    again at ...", or "given up: ...")."""
    if outcome not in CONTACT_OUTCOMES:
        raise BadInput(f"--outcome '{outcome}': use one of {', '.join(CONTACT_OUTCOMES)}.")

    def work(session: Session) -> str:
        message = session.get(m.Message, message_id)
        if message is None or message.channel != "voice":
            raise BadInput(f"Message {message_id} is not a call on the call list.")
        if message.status != "queued":
            raise BadInput(f"Call {message_id} is {message.status}: it is off the call list.")
        before = message.status
        message.attempts += 1
        message.call_outcome = outcome
        became = _after_call(session, message, outcome, now, settings)
        session.add(message)
        audit.record(
            session, actor=actor, action="update", now=now, entity="message",
            entity_id=message_id, patient_id=message.patient_id,
            detail={"call_outcome": outcome, "before": before, "after": message.status},
        )  # fmt: skip
        return became

    return guarded_write(store, actor, Permission.BOOK, work, now=now, what="message")


def _after_call(
    session: Session, message: m.Message, outcome: str, now: datetime, settings: Settings
) -> str:
    if outcome in DONE_OUTCOMES:
        message.status, message.sent_at = "sent", now
        return "done"
    if outcome == "wrong-number":
        message.status = "dead"
        message.error = f"wrong number {message.to_address}: check the patient's phones"
        return "given up: wrong number"
    visit = session.get(m.Appointment, message.appointment_id) if message.appointment_id else None
    again, zone = _call_again_at(session, visit, now, settings)
    if message.attempts >= CALL_TRIES or (visit is not None and again >= visit.start):
        message.status = "dead"
        message.error = f"no answer after {message.attempts} call(s)"
        return f"given up: {message.error}"
    message.scheduled_for = again
    return f"on the list again at {moment_text(again.astimezone(zone))}"


def _call_again_at(
    session: Session, visit: m.Appointment | None, now: datetime, settings: Settings
) -> tuple[datetime, ZoneInfo]:
    """Two hours on, out of the site's quiet hours (and the site's zone)."""
    site = session.get(m.Site, visit.site_id) if visit is not None else None
    zone = ZoneInfo(site.timezone) if site is not None else settings.zone
    return after_quiet(now + CALL_AGAIN_AFTER, quiet_hours(settings), zone), zone
