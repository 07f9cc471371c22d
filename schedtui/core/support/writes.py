"""Write transactions that must not collide: lock the schedule, retry when the engine
asks (a PostgreSQL deadlock or serialization failure, a busy SQLite file)."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable
from typing import TypeVar

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlmodel import Session

from schedtui.data.store import Store

T = TypeVar("T")
ATTEMPTS = 8
_RETRY_CODES = {"40P01", "40001", "55P03"}  # deadlock, serialization failure, lock not available


def _retryable(exc: DBAPIError) -> bool:
    code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    if code in _RETRY_CODES:
        return True
    return isinstance(exc, OperationalError) and "database is locked" in str(exc.orig)


def in_write(store: Store, work: Callable[[Session], T]) -> T:
    """Run `work` in one write transaction; queue and retry inside when the engine says so.

    No caller ever sees "database is locked": SQLite writers wait on the busy timeout,
    and deadlocks are retried a few times with a random pause.
    """
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with store.write() as session:
                return work(session)
        except DBAPIError as exc:
            if attempt == ATTEMPTS or not _retryable(exc):
                raise
            time.sleep(random.uniform(0.01, 0.05) * attempt)
    raise AssertionError("unreachable")


def lock_rows(session: Session, table: str, ids: Iterable[int]) -> None:
    """Lock provider (or patient) rows for the rest of the transaction, in id order.

    PostgreSQL takes row locks (SELECT ... FOR UPDATE); SQLite's write transaction
    (BEGIN IMMEDIATE) already holds the whole file.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    for row_id in sorted(set(ids)):
        session.execute(text(f"SELECT id FROM {table} WHERE id = :id FOR UPDATE"), {"id": row_id})
