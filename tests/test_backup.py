"""Backups taken while others book, restored and compared; bad backup files change nothing."""

from __future__ import annotations

import multiprocessing
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import col, func, select

from schedtui.core.security.access import PermissionDenied
from schedtui.core.support.errors import BadInput
from schedtui.core.upkeep.backup import backup_store, inspect_backup, restore_store
from schedtui.core.upkeep.stores import open_store
from schedtui.data import models as m
from schedtui.data.store import Store
from tests.builders import NOW, Staff, add_staff, build_tiny_clinic


@pytest.fixture
def staff(sqlite_store: Store) -> Staff:
    build_tiny_clinic(sqlite_store)
    return add_staff(sqlite_store)


def _book_many(path: str, count: int) -> None:
    """Another scheduler's process writing appointments as fast as it can."""
    store = Store.open(path)
    for number in range(count):
        with store.write() as session:
            start = NOW + timedelta(days=30, minutes=20 * number)
            session.add(
                m.Appointment(
                    patient_id=1,
                    provider_id=1,
                    site_id=1,
                    appointment_type_id=1,
                    start=start,
                    end=start + timedelta(minutes=20),
                    booked_at=NOW,
                    updated_at=NOW,
                )
            )
    store.dispose()


def _appointment_ids(path: Path) -> list[int]:
    connection = sqlite3.connect(path)
    try:
        return [row[0] for row in connection.execute("SELECT id FROM appointment ORDER BY id")]
    finally:
        connection.close()


def test_backup_while_another_process_books_is_consistent_and_restorable(
    sqlite_store: Store, staff: Staff, tmp_path: Path
) -> None:
    assert sqlite_store.path is not None
    writer = multiprocessing.get_context("spawn").Process(
        target=_book_many, args=(str(sqlite_store.path), 300)
    )
    writer.start()
    backups = []
    for number in range(3):
        facts = backup_store(sqlite_store, staff.admin, tmp_path / f"copy{number}.db", now=NOW)
        backups.append(facts.path)
    writer.join(timeout=120)
    assert writer.exitcode == 0
    counts = [len(_appointment_ids(path)) for path in backups]
    assert counts == sorted(counts)  # each a snapshot at some moment, none torn
    for path in backups:
        assert inspect_backup(path).kind == "clinic"
        ids = _appointment_ids(path)
        assert ids == list(range(1, len(ids) + 1))  # no gaps: a consistent prefix of the writes
    chosen = backups[0]
    expected = _appointment_ids(chosen)
    result = restore_store(sqlite_store, staff.admin, chosen, kind="clinic", now=NOW)
    assert _appointment_ids(sqlite_store.path) == expected
    assert len(_appointment_ids(result.previous_copy)) == 7 + 300
    with sqlite_store.read() as session:
        restored = session.exec(select(m.AuditEvent).order_by(col(m.AuditEvent.id).desc())).first()
    assert restored is not None and "restored_from" in restored.detail_json


def test_backup_is_audited_as_an_export(sqlite_store: Store, staff: Staff, tmp_path: Path) -> None:
    backup_store(sqlite_store, staff.admin, tmp_path / "b.db", now=NOW)
    with sqlite_store.read() as session:
        exports = session.exec(
            select(func.count()).where(
                col(m.AuditEvent.action) == "export", col(m.AuditEvent.entity) == "store"
            )
        ).one()
    assert exports == 1


def test_a_backup_is_one_file_that_leaves_nothing_beside_it(
    sqlite_store: Store, staff: Staff, tmp_path: Path
) -> None:
    """The copy is not in WAL mode: reading it (a restore preview, an sqlite3 shell)
    leaves no -wal or -shm beside it, and restoring it gives a store in WAL again."""
    copy = backup_store(sqlite_store, staff.admin, tmp_path / "b.db", now=NOW).path
    connection = sqlite3.connect(copy)
    try:
        mode = connection.execute("PRAGMA journal_mode").fetchone()[0]
        users = connection.execute("SELECT count(*) FROM app_user").fetchone()[0]
    finally:
        connection.close()
    inspect_backup(copy)
    assert (mode, users) == ("delete", 3)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("b.db")) == ["b.db"]


def test_only_admins_back_up(sqlite_store: Store, staff: Staff, tmp_path: Path) -> None:
    with pytest.raises(PermissionDenied, match=r"store\.backup"):
        backup_store(sqlite_store, staff.supervisor, tmp_path / "b.db", now=NOW)
    assert not (tmp_path / "b.db").exists()


def test_backup_never_overwrites(sqlite_store: Store, staff: Staff, tmp_path: Path) -> None:
    target = tmp_path / "keep.db"
    target.write_text("precious")
    with pytest.raises(BadInput, match="already exists"):
        backup_store(sqlite_store, staff.admin, target, now=NOW)
    assert target.read_text() == "precious"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"just some text\n", "not a schedtui store"),
        (b"SQLite format 3\x00" + b"\x00" * 200, "cannot be read|damaged"),
    ],
)
def test_restore_refuses_files_that_are_not_intact_stores(
    sqlite_store: Store, staff: Staff, tmp_path: Path, content: bytes, message: str
) -> None:
    bogus = tmp_path / "bogus.db"
    bogus.write_bytes(content)
    assert sqlite_store.path is not None
    before = _appointment_ids(sqlite_store.path)
    with pytest.raises(BadInput, match=message):
        restore_store(sqlite_store, staff.admin, bogus, kind="clinic", now=NOW)
    assert _appointment_ids(sqlite_store.path) == before


def test_restore_refuses_a_plain_sqlite_file_and_a_sandbox(
    sqlite_store: Store, staff: Staff, tmp_path: Path
) -> None:
    other = tmp_path / "other.db"
    connection = sqlite3.connect(other)
    connection.execute("CREATE TABLE notes (body TEXT)")
    connection.close()
    with pytest.raises(BadInput, match="not a schedtui store"):
        restore_store(sqlite_store, staff.admin, other, kind="clinic", now=NOW)
    sandbox = open_store(str(tmp_path / "sandbox.db"), now=NOW, kind="sandbox")
    sandbox.store.dispose()
    with pytest.raises(BadInput, match="is a sandbox store; this is the clinic store"):
        restore_store(sqlite_store, staff.admin, tmp_path / "sandbox.db", kind="clinic", now=NOW)


def test_restore_refuses_a_store_from_a_newer_schedtui(
    sqlite_store: Store, staff: Staff, tmp_path: Path
) -> None:
    copy = backup_store(sqlite_store, staff.admin, tmp_path / "b.db", now=NOW).path
    connection = sqlite3.connect(copy)
    connection.execute("UPDATE alembic_version SET version_num = '9999_future'")
    connection.commit()
    connection.close()
    with pytest.raises(BadInput, match="newer schedtui"):
        restore_store(sqlite_store, staff.admin, copy, kind="clinic", now=NOW)


def test_postgresql_stores_are_pointed_to_pg_dump(pg_store: Store, tmp_path: Path) -> None:
    staff = add_staff(pg_store)
    with pytest.raises(BadInput, match="pg_dump"):
        backup_store(pg_store, staff.admin, tmp_path / "b.db", now=NOW)
