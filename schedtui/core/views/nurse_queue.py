"""A nurse's queue: the escalations waiting for a team (nursing by default, or every
team), the one to answer soonest first, each with the time left to answer it (its
service level: emergent 15 minutes, urgent an hour, routine a day) or how late it is.
Reading it is an audited view of the patients on it."""

from __future__ import annotations

from datetime import datetime, timedelta

from schedtui.core.patients.cases import CaseRow, case_list_viewed, open_escalations
from schedtui.core.security.access import Actor
from schedtui.data.store import Store


def nurse_queue(store: Store, actor: Actor, *, team: str = "", now: datetime) -> list[CaseRow]:
    """The open escalations of `team` ("" for every team), soonest to answer first."""
    with store.read() as session:
        rows = open_escalations(session, team=team)
    case_list_viewed(store, actor, "escalation", rows, now=now)
    return rows


def time_left(answer_by: datetime | None, now: datetime) -> str:
    """'12 min left', '1 h 05 min left', 'LATE 3 min' (by the minute, rounded down)."""
    if answer_by is None:
        return ""
    left = answer_by - now
    late = left < timedelta(0)
    minutes = int(abs(left).total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    said = f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"
    return f"LATE {said}" if late else f"{said} left"


def is_late(row: CaseRow, now: datetime) -> bool:
    """Whether the escalation is past the time it was to be answered by."""
    return row.answer_by is not None and now > row.answer_by
