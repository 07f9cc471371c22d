"""Telling other schedulers' screens at once that the schedule changed, on PostgreSQL.

Every write that adds to the event feed (`domain_event`) also sends a NOTIFY on
`CHANNEL`, delivered when the transaction commits (never for one rolled back). A screen
LISTENs on a connection of its own and looks at the feed as soon as a notice comes;
SQLite has no such thing, so there screens look at the feed every second.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session

CHANNEL = "schedtui_schedule"
#: How often the listening thread looks up from waiting to see if it should stop.
WAKE_SECONDS = 0.5


def notify_on_new_events(session: Session) -> None:
    """Have `session` NOTIFY `CHANNEL` whenever it flushes new feed events."""

    def flushed(session: Session, _context: Any) -> None:
        if any(getattr(row, "__tablename__", "") == "domain_event" for row in session.new):
            session.connection().exec_driver_sql(f"NOTIFY {CHANNEL}")

    event.listen(session, "after_flush", flushed)


def listen_for_changes(url: URL, changed: Callable[[], object], stop: Callable[[], bool]) -> None:
    """Call `changed` for each change notice until `stop()` is true (blocking: run it in a
    thread). A lost connection ends the loop; the caller's polling still covers it."""
    import psycopg  # only PostgreSQL stores need it, and only while a grid is open

    target = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(target, autocommit=True) as connection:
        connection.execute(f"LISTEN {CHANNEL}")
        while not stop():
            for _notice in connection.notifies(timeout=WAKE_SECONDS):
                changed()
