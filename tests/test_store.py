"""The Store: where it opens, how SQLite is set up, and that concurrent writers queue."""

from __future__ import annotations

import multiprocessing
import os
import socket
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from schedtui.data.errors import StoreError
from schedtui.data.models import DomainEvent
from schedtui.data.store import Store, resolve_url
from tests.builders import NOW


def test_sqlite_store_runs_in_wal_with_foreign_keys_and_busy_timeout(sqlite_store: Store) -> None:
    with sqlite_store.read() as session:
        pragma = {
            name: session.execute(text(f"PRAGMA {name}")).scalar_one()
            for name in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous")
        }
    assert pragma == {
        "journal_mode": "wal",
        "foreign_keys": 1,
        "busy_timeout": 30_000,
        "synchronous": 1,
    }


def test_write_transaction_takes_the_write_lock_at_begin(sqlite_store: Store) -> None:
    # With BEGIN IMMEDIATE a second writer cannot even begin while the first holds the lock.
    import sqlite3

    assert sqlite_store.path is not None
    with sqlite_store.write() as session:
        session.execute(text("SELECT 1"))
        other = sqlite3.connect(sqlite_store.path, timeout=0.1, isolation_level=None)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        other.close()


def test_read_session_does_not_block_a_writer(sqlite_store: Store) -> None:
    with sqlite_store.read() as reader:
        reader.execute(select(func.count()).select_from(DomainEvent)).scalar_one()
        with sqlite_store.write() as writer:
            writer.add(_event(1))
    with sqlite_store.read() as session:
        assert session.execute(select(func.count()).select_from(DomainEvent)).scalar_one() == 1


def _event(number: int) -> DomainEvent:
    return DomainEvent(
        occurred_at=NOW, kind="test.counted", aggregate="counter", aggregate_id=number
    )


def _count_up(path: str, times: int) -> None:
    """Read the highest number and write the next one, `times` times (a read-modify-write)."""
    store = Store.open(path)
    for _ in range(times):
        with store.write() as session:
            highest = session.execute(select(func.max(DomainEvent.aggregate_id))).scalar_one()
            session.add(_event((highest or 0) + 1))
    store.dispose()


def test_concurrent_writers_in_separate_processes_queue_without_errors(sqlite_store: Store) -> None:
    path = str(sqlite_store.path)
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_count_up, args=(path, 40)) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert [worker.exitcode for worker in workers] == [0, 0, 0, 0]
    with sqlite_store.read() as session:
        numbers = sorted(session.execute(select(DomainEvent.aggregate_id)).scalars())
    # Every read-modify-write saw the one before it: no lost update, no "database is locked".
    assert numbers == list(range(1, 161))


def test_a_path_in_a_missing_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="does not exist"):
        Store.open(str(tmp_path / "nope" / "store.db"))
    assert not (tmp_path / "nope").exists()


def test_a_folder_is_not_a_store(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="is a folder"):
        Store.open(str(tmp_path))


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_an_unwritable_folder_is_refused(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    with pytest.raises(StoreError, match="not writable"):
        Store.open(str(locked / "store.db"))


def test_a_file_that_is_not_sqlite_is_refused(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("shopping list\n")
    with pytest.raises(StoreError, match="not a schedtui store"):
        Store.open(str(notes))
    assert notes.read_text() == "shopping list\n"


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("mysql://u@h/db", "Unsupported database 'mysql'"),
        ("postgresql://u@h:notaport/db", "not a valid database URL"),
        ("   ", "empty"),
    ],
)
def test_malformed_targets_say_what_is_wrong(target: str, message: str) -> None:
    with pytest.raises(StoreError, match=message):
        resolve_url(target)


def test_postgresql_url_gets_the_psycopg_driver() -> None:
    assert resolve_url("postgresql://u@h/db").drivername == "postgresql+psycopg"


def test_a_postgresql_server_that_is_down_is_reported_plainly() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(StoreError, match=f"Cannot reach the PostgreSQL server at 127.0.0.1:{port}"):
        Store.open(f"postgresql://nobody@127.0.0.1:{port}/nothing")


def test_describe_never_shows_the_password() -> None:
    store = Store(resolve_url("postgresql://ann:s3cret@db.example:5433/clinic"))
    assert "s3cret" not in store.describe()


def test_postgresql_store_commits_and_rolls_back(pg_store: Store) -> None:
    with pytest.raises(RuntimeError), pg_store.write() as session:
        session.add(_event(1))
        session.flush()
        raise RuntimeError("crash mid-change")
    with pg_store.write() as session:
        session.add(_event(2))
    with pg_store.read() as session:
        assert list(session.execute(select(DomainEvent.aggregate_id)).scalars()) == [2]
