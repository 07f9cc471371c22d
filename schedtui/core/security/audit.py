"""The audit trail: an append-only, hash-chained record of every view, change, export,
sign-in and refusal.

Each row's hash covers its own content (id included) and the hash of the row before,
so editing, removing or reordering rows breaks the chain at that row; `verify` finds
the first break. Rows are appended inside the caller's write transaction, so the
record and the change it describes commit together or not at all.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import text
from sqlmodel import Session, col, select

from schedtui.core.security.access import Actor
from schedtui.core.security.audit_anchor import checkpoint_on_commit
from schedtui.data.models import AuditEvent, Patient
from schedtui.data.store import Store

GENESIS = "0" * 64
#: Key of the PostgreSQL advisory lock that serialises appends to the chain.
_CHAIN_LOCK = 0x5C4ED7A1


def _canonical(event: AuditEvent) -> bytes:
    fields = {
        "id": event.id,
        "occurred_at": event.occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "user_id": event.user_id,
        "username": event.username,
        "action": event.action,
        "entity": event.entity,
        "entity_id": event.entity_id,
        "patient_id": event.patient_id,
        "detail": event.detail_json,
        "prev_hash": event.prev_hash,
    }
    return json.dumps(fields, sort_keys=True, ensure_ascii=False).encode()


def row_hash(event: AuditEvent) -> str:
    """The hash a row must carry, given its content and `prev_hash`."""
    return hashlib.sha256(_canonical(event)).hexdigest()


#: The chain's last row: where the next one goes and the hash it follows.
_LAST_ROW = select(AuditEvent.id, AuditEvent.hash).order_by(col(AuditEvent.id).desc()).limit(1)


def record(
    session: Session,
    *,
    actor: Actor | None,
    action: str,
    now: datetime,
    entity: str = "",
    entity_id: object = "",
    patient_id: int | None = None,
    detail: Mapping[str, Any] | None = None,
    username: str | None = None,
) -> AuditEvent:
    """Append one row to the chain inside the caller's write transaction."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CHAIN_LOCK})
    last = session.exec(_LAST_ROW).first()
    event = AuditEvent(
        id=(last[0] or 0) + 1 if last else 1,
        occurred_at=now,
        user_id=actor.user_id if actor else None,
        username=username or (actor.username if actor else "-"),
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        patient_id=patient_id,
        detail_json=json.dumps(detail, sort_keys=True, default=str) if detail else "",
        prev_hash=last[1] if last else GENESIS,
        hash="",
    )
    event.hash = row_hash(event)
    session.add(event)
    session.flush()
    assert event.id is not None
    checkpoint_on_commit(session, event.id, event.hash, now)
    return event


def append(store: Store, **fields: Any) -> AuditEvent:
    """`record` in a transaction of its own (for events not tied to a change: views, refusals)."""
    with store.write() as session:
        return record(session, **fields)


@dataclass(frozen=True)
class ChainReport:
    """What `verify` found."""

    rows: int
    first_bad_id: int | None
    problem: str
    head_hash: str
    #: How many checkpoints kept outside the store were checked, and the newest of them.
    checkpoints: int = 0
    last_checkpoint: str = ""

    @property
    def intact(self) -> bool:
        """True when every row is where it was written, as it was written."""
        return self.first_bad_id is None


def verify(session: Session, batch: int = 2000) -> ChainReport:
    """Walk the whole chain in id order and name the first row that was altered or removed."""
    previous_id, previous_hash, rows = 0, GENESIS, 0
    for event in _in_order(session, batch):
        assert event.id is not None
        if event.id != previous_id + 1:
            missing = (
                f"row {previous_id + 1}"
                if event.id == previous_id + 2
                else f"rows {previous_id + 1}-{event.id - 1}"
            )
            return ChainReport(rows, previous_id + 1, f"{missing} removed", previous_hash)
        if event.prev_hash != previous_hash:
            return ChainReport(rows, event.id, "does not follow the row before it", previous_hash)
        if row_hash(event) != event.hash:
            return ChainReport(rows, event.id, "altered after it was written", previous_hash)
        previous_id, previous_hash, rows = event.id, event.hash, rows + 1
    return ChainReport(rows, None, "", previous_hash)


def hashes_of(session: Session, row_ids: list[int]) -> dict[int, str]:
    """The stored hash of each of these rows that still exists."""
    found: dict[int, str] = {}
    for start in range(0, len(row_ids), 500):
        chunk = row_ids[start : start + 500]
        rows = session.exec(
            select(AuditEvent.id, AuditEvent.hash).where(col(AuditEvent.id).in_(chunk))
        ).all()
        found.update({row_id: row_hash for row_id, row_hash in rows if row_id is not None})
    return found


def head(session: Session) -> tuple[int, str] | None:
    """The last row's id and hash (None for an empty trail)."""
    last = session.exec(select(AuditEvent).order_by(col(AuditEvent.id).desc()).limit(1)).first()
    return (last.id, last.hash) if last is not None and last.id is not None else None


def _in_order(session: Session, batch: int) -> Iterator[AuditEvent]:
    after = 0
    while True:
        chunk = session.exec(
            select(AuditEvent)
            .where(col(AuditEvent.id) > after)
            .order_by(col(AuditEvent.id))
            .limit(batch)
        ).all()
        if not chunk:
            return
        yield from chunk
        after = chunk[-1].id or after


@dataclass(frozen=True)
class AuditQuery:
    """Filters of an accounting of disclosures; empty fields match everything."""

    patient_mrn: str | None = None
    username: str | None = None
    first_day: date | None = None
    last_day: date | None = None
    limit: int = 1000
    #: Leave out the sign-ins (every command writes one): what was seen and changed.
    without_logins: bool = False


@dataclass(frozen=True)
class AuditLine:
    """One audit row as people read it."""

    id: int
    occurred_at: datetime
    username: str
    action: str
    entity: str
    entity_id: str
    patient_mrn: str | None
    detail: str


def find(session: Session, query: AuditQuery) -> list[AuditLine]:
    """Audit rows matching `query`, newest first (days are whole UTC days)."""
    statement = (
        select(AuditEvent, Patient.mrn)
        .join(Patient, col(AuditEvent.patient_id) == col(Patient.id), isouter=True)
        .order_by(col(AuditEvent.id).desc())
        .limit(query.limit)
    )
    if query.patient_mrn:
        statement = statement.where(col(Patient.mrn) == query.patient_mrn)
    if query.username:
        statement = statement.where(col(AuditEvent.username) == query.username)
    if query.without_logins:
        statement = statement.where(col(AuditEvent.action) != "login")
    if query.first_day:
        start = datetime.combine(query.first_day, time(0), tzinfo=UTC)
        statement = statement.where(col(AuditEvent.occurred_at) >= start)
    if query.last_day:
        end = datetime.combine(query.last_day + timedelta(days=1), time(0), tzinfo=UTC)
        statement = statement.where(col(AuditEvent.occurred_at) < end)
    return [
        AuditLine(
            event.id or 0,
            event.occurred_at,
            event.username,
            event.action,
            event.entity,
            event.entity_id,
            mrn,
            event.detail_json,
        )
        for event, mrn in session.exec(statement)
    ]
