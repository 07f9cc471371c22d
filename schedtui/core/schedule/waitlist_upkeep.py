"""Keeping the waitlist true: an entry removed with a reason (the patient no longer
wants an earlier time, booked elsewhere...), its wishes changed (days, part of day,
dates, urgency), and entries past their window expired. Every change audited, before
and after; a removed or expired entry is never offered a time again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, or_, select

from schedtui.core.security import audit
from schedtui.core.security.access import Actor, Permission
from schedtui.core.security.guard import guarded_write
from schedtui.core.support.errors import BadInput
from schedtui.core.support.text import text_problem
from schedtui.core.support.writes import in_write
from schedtui.data import models as m
from schedtui.data.codes import DAY_PARTS
from schedtui.data.store import Store

#: The longest reason kept for a removal.
REASON_LIMIT = 200


@dataclass(frozen=True)
class WaitlistChange:
    """What changes in an entry (None: stays as it is)."""

    earliest: date | None = None
    latest: date | None = None
    weekdays: str | None = None
    day_part: str | None = None
    priority: int | None = None
    expires_on: date | None = None
    notes: str | None = None


def _state(entry: m.WaitlistEntry) -> dict[str, Any]:
    return {
        "status": entry.status, "earliest": entry.earliest_date.isoformat(),
        "latest": entry.latest_date.isoformat() if entry.latest_date else None,
        "weekdays": entry.weekdays, "day_part": entry.day_part, "priority": entry.priority,
        "expires_on": entry.expires_on.isoformat() if entry.expires_on else None,
    }  # fmt: skip


def _active(session: Session, entry_id: int) -> m.WaitlistEntry:
    entry = session.get(m.WaitlistEntry, entry_id)
    if entry is None:
        raise BadInput(f"There is no waitlist entry {entry_id}.")
    if entry.status != "active":
        raise BadInput(f"Waitlist entry {entry_id} is {entry.status}, not active.")
    return entry


def _record(
    session: Session, actor: Actor, entry: m.WaitlistEntry, before: dict[str, Any], now: datetime,
    **more: object,
) -> None:  # fmt: skip
    audit.record(
        session, actor=actor, action="update", now=now, entity="waitlist", entity_id=entry.id,
        patient_id=entry.patient_id, detail={"before": before, "after": _state(entry), **more},
    )  # fmt: skip


def remove_from_waitlist(
    store: Store, actor: Actor, entry_id: int, reason: str, *, now: datetime
) -> None:
    """Take an entry off the waitlist, saying why."""
    problem = text_problem(reason, REASON_LIMIT) if reason.strip() else "is required"
    if problem:
        raise BadInput(f"The reason for removing it {problem}.")

    def work(session: Session) -> None:
        entry = _active(session, entry_id)
        before = _state(entry)
        entry.status = "removed"
        session.add(entry)
        _record(session, actor, entry, before, now, reason=reason.strip())

    guarded_write(store, actor, Permission.BOOK, work, now=now, what="waitlist")


def change_waitlist(
    store: Store, actor: Actor, entry_id: int, change: WaitlistChange, *, now: datetime
) -> None:
    """Change an entry's wishes; the same checks as when it was added."""
    if change == WaitlistChange():
        raise BadInput("Say what changes: --from, --to, --days, --part, --priority, --expires "
                       "or --note.")  # fmt: skip
    if change.weekdays is not None and (
        not change.weekdays or any(ch not in "0123456" for ch in change.weekdays)
    ):
        raise BadInput("Weekdays are digits 0 (Monday) to 6 (Sunday), e.g. 024.")
    if change.day_part is not None and change.day_part not in DAY_PARTS:
        raise BadInput(f"Day part '{change.day_part}' is not one of {', '.join(DAY_PARTS)}.")

    def work(session: Session) -> None:
        entry = _active(session, entry_id)
        before = _state(entry)
        _apply(entry, change)
        if entry.latest_date and entry.latest_date < entry.earliest_date:
            raise BadInput("The latest date is before the earliest.")
        session.add(entry)
        _record(session, actor, entry, before, now)

    guarded_write(store, actor, Permission.BOOK, work, now=now, what="waitlist")


def _apply(entry: m.WaitlistEntry, change: WaitlistChange) -> None:
    entry.earliest_date = change.earliest or entry.earliest_date
    entry.latest_date = change.latest or entry.latest_date
    entry.weekdays = change.weekdays or entry.weekdays
    entry.day_part = change.day_part or entry.day_part
    entry.priority = entry.priority if change.priority is None else change.priority
    entry.expires_on = change.expires_on or entry.expires_on
    entry.notes = entry.notes if change.notes is None else change.notes.strip()[:500]


def expire_lapsed(store: Store, *, today: date, now: datetime) -> int:
    """Entries whose window has passed (their latest day, or the day they lapse, is
    before `today`): expired, each audited; how many."""

    def work(session: Session) -> int:
        lapsed = session.exec(
            select(m.WaitlistEntry)
            .where(col(m.WaitlistEntry.status) == "active")
            .where(
                or_(
                    col(m.WaitlistEntry.latest_date) < today,
                    col(m.WaitlistEntry.expires_on) < today,
                )
            )
        ).all()
        for entry in lapsed:
            before = _state(entry)
            entry.status = "expired"
            session.add(entry)
            audit.record(
                session, actor=None, username="waitlist upkeep", action="update", now=now,
                entity="waitlist", entity_id=entry.id, patient_id=entry.patient_id,
                detail={"before": before, "after": _state(entry)},
            )  # fmt: skip
        return len(lapsed)

    return in_write(store, work)
