"""The one work queue: what is due now for the desk, in one list: escalations waiting
for an answer (by the time their priority gives), call-backs due (asked on a call or by
a patient's R), reminder and notice calls due (the call list), referrals still to book
(the soonest due first, urgent before routine), recall campaigns' patients to call, and
prior authorizations whose follow-up is due. Escalations first, then by when each is
due, then urgency. Reading it is an audited view of the patients on it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Final
from zoneinfo import ZoneInfo

from schedtui.core.insurance.records import follow_ups_due
from schedtui.core.messages.calls import calls_due
from schedtui.core.patients.call_backs import open_call_backs
from schedtui.core.patients.cases import open_escalations
from schedtui.core.schedule.recalls import recalls_to_work
from schedtui.core.schedule.referrals import referral_rows
from schedtui.core.security import audit
from schedtui.core.security.access import Actor, Permission
from schedtui.core.security.guard import require
from schedtui.core.support.rows import JsonRow
from schedtui.data.store import Store

#: Items of one kind the queue holds at most.
PER_KIND: Final = 200
URGENCY_RANK: Final = {"urgent": 0, "soon": 1, "routine": 2}


@dataclass(frozen=True)
class QueueItem(JsonRow):
    """One thing to do: its kind and id (the command that works it takes the id)."""

    kind: str  # escalation, call-back, call, referral, recall or authorization
    item_id: int
    due: datetime
    patient_mrn: str
    what: str
    urgency: str = ""
    #: A call's number and what to say (the call list), else "".
    script: str = ""


def work_queue(store: Store, actor: Actor, *, now: datetime, zone: ZoneInfo) -> list[QueueItem]:
    """What is due for the desk now, most pressing first (an audited view)."""
    require(store, actor, Permission.VIEW_PATIENTS, now=now, what="queue")
    today = now.astimezone(zone).date()
    with store.read() as session:
        items = [
            QueueItem("escalation", e.id, e.answer_by or e.opened_at, e.patient_mrn,
                      f"{e.priority} for {e.team}: {e.what[:50]}",
                      "urgent" if e.priority in ("emergent", "urgent") else "routine")
            for e in open_escalations(session, limit=PER_KIND)
        ]  # fmt: skip
        items += [
            QueueItem("call-back", c.id, c.due_at, c.patient_mrn, f"call back: {c.about}")
            for c in open_call_backs(session, due_by=now, limit=PER_KIND)
        ]
        items += [
            QueueItem("call", c.id, c.due_at, c.patient_mrn,
                      f"call about the {c.kind} ({c.number}"
                      + (f", tried {c.tries}" if c.tries else "") + ")",
                      script=f"Call {c.patient_name} on {c.number}.\n{c.script}")
            for c in calls_due(session, now, limit=PER_KIND)
        ]  # fmt: skip
        items += [
            QueueItem("referral", r.id, _morning(r.due or today, zone), r.patient_mrn,
                      f"book {r.type_code or 'a visit'} ({r.status}"
                      + (f", {r.contacts} calls" if r.contacts else "") + ")", r.urgency)
            for r in referral_rows(session, today=today, limit=PER_KIND)
        ]  # fmt: skip
        items += [
            QueueItem("recall", r.campaign_id, _morning(r.due_on, zone), r.patient_mrn,
                      f"recall: {r.campaign}")
            for r in recalls_to_work(session, today, limit=PER_KIND)
        ]  # fmt: skip
        items += [
            QueueItem("authorization", auth_id, _morning(day, zone), mrn,
                      f"follow up the authorization ({status})")
            for auth_id, mrn, status, day in follow_ups_due(session, today=today, limit=PER_KIND)
        ]  # fmt: skip
    # escalations first (a nurse is waiting on them), the one to answer soonest first
    items.sort(key=lambda item: (item.kind != "escalation", item.due,
                                 URGENCY_RANK.get(item.urgency, 3), item.kind))  # fmt: skip
    audit.append(
        store, actor=actor, action="view", now=now, entity="queue",
        detail={"patients": list(dict.fromkeys(item.patient_mrn for item in items))},
    )  # fmt: skip
    return items


def _morning(day: date, zone: ZoneInfo) -> datetime:
    """A day's items are due from the start of that day at the clinic."""
    return datetime.combine(day, time(0), tzinfo=zone)
