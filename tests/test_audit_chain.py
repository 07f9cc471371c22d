"""The audit trail's hash chain: edits, removals and reorderings are found at the right row."""

from __future__ import annotations

import multiprocessing
import sqlite3
from datetime import date, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from schedtui.core.security import audit
from schedtui.core.security.access import Actor
from schedtui.data.store import Store
from tests.builders import NOW, build_tiny_clinic

AVA = Actor(None, "ava", "scheduler")


def _write_rows(store: Store, count: int = 8) -> None:
    for number in range(1, count + 1):
        audit.append(
            store,
            actor=AVA,
            action="view",
            now=NOW + timedelta(minutes=number),
            entity="patient",
            entity_id=number,
            detail={"n": number},
        )


def _raw(store: Store) -> sqlite3.Connection:
    """A connection as an intruder with file access would use, triggers dropped."""
    assert store.path is not None
    connection = sqlite3.connect(store.path, isolation_level=None)
    connection.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
    connection.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
    return connection


def _verify(store: Store) -> audit.ChainReport:
    with store.read() as session:
        return audit.verify(session)


def test_untouched_chain_verifies(any_store: Store) -> None:
    _write_rows(any_store)
    report = _verify(any_store)
    assert report.intact and report.rows == 8 and len(report.head_hash) == 64


def test_empty_chain_verifies(sqlite_store: Store) -> None:
    assert _verify(sqlite_store).intact


def test_the_database_refuses_updates_and_deletes(any_store: Store) -> None:
    _write_rows(any_store, 2)
    for statement in ("UPDATE audit_event SET username = 'eve'", "DELETE FROM audit_event"):
        with pytest.raises(DBAPIError, match="append-only"), any_store.write() as session:
            session.execute(text(statement))


def test_edited_row_is_named(sqlite_store: Store) -> None:
    _write_rows(sqlite_store)
    _raw(sqlite_store).execute("UPDATE audit_event SET detail_json = '{}' WHERE id = 3")
    report = _verify(sqlite_store)
    assert (report.first_bad_id, report.problem) == (3, "altered after it was written")


def test_edited_user_on_a_row_is_named(sqlite_store: Store) -> None:
    _write_rows(sqlite_store)
    _raw(sqlite_store).execute("UPDATE audit_event SET username = 'someone' WHERE id = 6")
    assert _verify(sqlite_store).first_bad_id == 6


def test_removed_row_is_named(sqlite_store: Store) -> None:
    _write_rows(sqlite_store)
    _raw(sqlite_store).execute("DELETE FROM audit_event WHERE id = 5")
    report = _verify(sqlite_store)
    assert (report.first_bad_id, report.problem) == (5, "row 5 removed")
    assert report.rows == 4


def test_removed_then_renumbered_rows_are_caught(sqlite_store: Store) -> None:
    _write_rows(sqlite_store)
    raw = _raw(sqlite_store)
    raw.execute("DELETE FROM audit_event WHERE id = 4")
    for number in range(5, 9):
        raw.execute(f"UPDATE audit_event SET id = {number - 1} WHERE id = {number}")
    report = _verify(sqlite_store)
    assert (report.first_bad_id, report.problem) == (4, "does not follow the row before it")


def test_swapped_rows_are_caught_at_the_first_of_them(sqlite_store: Store) -> None:
    _write_rows(sqlite_store)
    raw = _raw(sqlite_store)
    raw.execute("UPDATE audit_event SET id = -2 WHERE id = 2")
    raw.execute("UPDATE audit_event SET id = 2 WHERE id = 7")
    raw.execute("UPDATE audit_event SET id = 7 WHERE id = -2")
    assert _verify(sqlite_store).first_bad_id == 2


def test_find_lists_the_newest_first(any_store: Store) -> None:
    _write_rows(any_store, 3)
    with any_store.read() as session:
        found = audit.find(session, audit.AuditQuery())
    assert [line.id for line in found] == [3, 2, 1]


def test_accounting_of_disclosures_filters(sqlite_store: Store) -> None:
    clinic = build_tiny_clinic(sqlite_store)
    audit.append(
        sqlite_store,
        actor=AVA,
        action="view",
        now=NOW,
        entity="patient",
        patient_id=clinic.patients["ann"],
    )
    audit.append(
        sqlite_store,
        actor=Actor(None, "ben", "scheduler"),
        action="export",
        now=NOW + timedelta(days=2),
        entity="patient",
        patient_id=clinic.patients["li"],
    )
    with sqlite_store.read() as session:
        by_patient = audit.find(session, audit.AuditQuery(patient_mrn="MRN0001"))
        by_user = audit.find(session, audit.AuditQuery(username="ben"))
        by_day = audit.find(
            session, audit.AuditQuery(first_day=date(2026, 3, 10), last_day=date(2026, 3, 12))
        )
    assert [(line.username, line.patient_mrn) for line in by_patient] == [("ava", "MRN0001")]
    assert [line.action for line in by_user] == ["export"]
    assert [line.patient_mrn for line in by_day] == ["MRN0004"]


def _append_many(url: str, who: str, count: int) -> None:
    store = Store.open(url)
    for number in range(count):
        audit.append(
            store,
            actor=Actor(None, who, "scheduler"),
            action="view",
            now=NOW,
            entity="patient",
            entity_id=number,
        )
    store.dispose()


def test_concurrent_writers_keep_one_unbroken_chain(any_store: Store) -> None:
    url = any_store.url.render_as_string(hide_password=False)
    context = multiprocessing.get_context("spawn")
    writers = [context.Process(target=_append_many, args=(url, f"user{n}", 30)) for n in range(3)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(timeout=120)
    assert [writer.exitcode for writer in writers] == [0, 0, 0]
    report = _verify(any_store)
    assert report.intact and report.rows == 90
