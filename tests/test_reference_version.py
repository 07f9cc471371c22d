"""A process keeps the clinic's reference facts (sites, providers, templates, blocks...)
while the store's reference version stands still; any change to them, by any writer,
moves the version, so a kept copy is never used after the facts changed."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from importlib import import_module

import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine

from schedtui.core.schedule.booking import BookingRequest
from schedtui.core.schedule.reference import current_reference, load_reference, reference_version
from schedtui.core.security.access import Actor
from schedtui.core.support.errors import BadInput
from schedtui.data.store import Store
from tests.builders import book_self_pay
from tests.engine_clinic import build_engine_clinic

NOW = datetime(2026, 3, 6, 17, 0, tzinfo=UTC)
MONDAY = date(2026, 3, 9)
SCHEDULER = Actor(None, "ava", "scheduler")
REFERENCE_TABLES: tuple[str, ...] = tuple(
    table
    for migration in ("0009_reference_version", "0022_site_hours_reference")
    for table in import_module(f"schedtui.data.migrations.versions.{migration}").REFERENCE_TABLES
)


def _version(store: Store) -> int:
    with store.read() as session:
        return reference_version(session)


def _tables_read(engine: Engine, store: Store) -> set[str]:
    """The tables `load_reference` reads, from the SQL it sends."""
    seen: set[str] = set()

    def look(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        seen.update(re.findall(r"\bFROM (\w+)", statement))

    event.listen(engine, "before_cursor_execute", look)
    try:
        with store.read() as session:
            load_reference(session)
    finally:
        event.remove(engine, "before_cursor_execute", look)
    return seen


def test_every_table_the_reference_reads_moves_the_version(any_store: Store) -> None:
    """The triggers cover exactly what `load_reference` reads (a table added there needs
    its triggers), and each of them is in place."""
    assert _tables_read(any_store.engine, any_store) == set(REFERENCE_TABLES)
    with any_store.read() as session:
        if any_store.is_sqlite:
            found = session.execute(text("SELECT name FROM sqlite_master WHERE type='trigger'"))
            names = {row[0] for row in found}
            wanted = {
                f"{t}_reference_{e}"
                for t in REFERENCE_TABLES
                for e in ("insert", "update", "delete")
            }
        else:
            found = session.execute(
                text("SELECT trigger_name, event_manipulation FROM information_schema.triggers")
            )
            names = {f"{row[0]}:{row[1]}" for row in found}
            wanted = {
                f"{t}_reference_changed:{e}"
                for t in REFERENCE_TABLES
                for e in ("INSERT", "UPDATE", "DELETE")
            }
    assert wanted <= names, sorted(wanted - names)


def test_a_change_by_any_writer_moves_the_version(any_store: Store) -> None:
    """Rows changed with plain SQL, outside the program, move it too; reads do not."""
    build_engine_clinic(any_store)
    before = _version(any_store)
    with any_store.read() as session:
        current_reference(session)
    assert _version(any_store) == before
    for statement in (
        "UPDATE provider SET last_name = last_name",
        "UPDATE schedule_template SET effective_to = effective_to",
        "DELETE FROM closure",
    ):
        with any_store.engine.begin() as connection:
            connection.execute(text(statement))
        after = _version(any_store)
        assert after != before, statement
        before = after


def test_a_kept_copy_is_not_used_once_another_writer_blocks_the_time(any_store: Store) -> None:
    """A scheduler's process has booked (and so keeps the reference facts); a supervisor
    elsewhere blocks Monday 9:00 with plain SQL; the next booking at 9:00 is refused."""
    clinic = build_engine_clinic(any_store)
    first = BookingRequest(clinic.patients[0], clinic.okafor, "FU", clinic.at(MONDAY, 8))
    book_self_pay(any_store, SCHEDULER, first, now=NOW)
    with any_store.read() as session:
        kept = current_reference(session)
        assert current_reference(session) is kept  # kept while nothing changes
    nine = clinic.at(MONDAY, 9).astimezone(UTC)
    url = any_store.url.render_as_string(hide_password=False)
    elsewhere = create_engine(url)  # another process's connection, not the program's
    with elsewhere.begin() as connection:
        connection.execute(
            text(
                'INSERT INTO schedule_block (provider_id, kind, reason, start, "end") '
                "VALUES (:provider, 'meeting', 'Staff meeting', :start, :end)"
            ),
            {"provider": clinic.okafor, "start": nine, "end": nine + timedelta(hours=1)},
        )
    elsewhere.dispose()
    second = BookingRequest(clinic.patients[1], clinic.okafor, "FU", clinic.at(MONDAY, 9))
    with pytest.raises(BadInput, match="blocked"):
        book_self_pay(any_store, SCHEDULER, second, now=NOW)
    with any_store.read() as session:
        assert current_reference(session) is not kept


def test_a_change_rolled_back_leaves_no_copy_a_later_change_would_vouch_for(
    sqlite_store: Store,
) -> None:
    """A template preview changes the facts inside a transaction and rolls back: a copy
    read in that transaction must never be taken for the facts of a later change."""
    build_engine_clinic(sqlite_store)
    seen: list[int] = []
    for _ in range(3):
        with sqlite_store.write() as session:
            session.execute(text("UPDATE provider SET last_name = last_name || 'x'"))
            seen.append(reference_version(session))
            current_reference(session)  # kept under the rolled-back version
            session.rollback()
        with sqlite_store.engine.begin() as connection:
            connection.execute(text("UPDATE site SET name = name"))
        seen.append(_version(sqlite_store))
    assert len(set(seen)) == len(seen)  # no version comes round again
    with sqlite_store.read() as session:
        names = {p.last_name for p in current_reference(session).providers.values()}
    assert not any(name.endswith("x") for name in names)


def test_the_version_is_not_a_count(sqlite_store: Store) -> None:
    """A new store's version is random, so a new store at an old path is not the old one."""
    assert _version(sqlite_store) not in range(-10, 10)
