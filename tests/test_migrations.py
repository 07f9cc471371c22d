"""Migrations build exactly the models' schema, and older stores are upgraded safely."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlmodel import select

from schedtui.core.upkeep.stores import open_store
from schedtui.data import migrate
from schedtui.data.errors import StoreError
from schedtui.data.models import Patient, StoreInfo, metadata
from schedtui.data.store import Store
from tests.builders import NOW

FIRST_REVISION = "0001_foundation"


def test_models_and_migrations_agree(any_store: Store) -> None:
    with any_store.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    assert differences == []
    assert migrate.current_revision(any_store) == migrate.head_revision()


def _store_at_first_revision(target: str) -> Store:
    store = Store.open(target)
    migrate.run_migrations(store, FIRST_REVISION)
    with store.write() as session:
        session.execute(
            text(
                "INSERT INTO patient (mrn, first_name, middle_name, last_name, preferred_name,"
                " dob, sex, email, address_line, city, state, postal_code, language,"
                " interpreter_needed, alerts, balance_cents, deceased, created_at, updated_at,"
                " version) VALUES ('OLD1', 'Ada', '', 'Older', '', '1950-02-03', 'female', '',"
                " '', '', '', '', 'en', false, '', 0, false, '2025-01-01 00:00:00',"
                " '2025-01-01 00:00:00', 1)"
            )
        )
    return store


def test_older_sqlite_store_is_copied_aside_then_upgraded_with_its_data(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _store_at_first_revision(str(path)).dispose()

    opened = open_store(str(path), now=NOW)

    result = opened.upgrade
    assert (result.from_revision, result.to_revision) == (FIRST_REVISION, migrate.head_revision())
    assert result.backup_path is not None and result.backup_path.exists()
    copy = sqlite3.connect(result.backup_path)
    assert copy.execute("SELECT version_num FROM alembic_version").fetchall() == [(FIRST_REVISION,)]
    assert copy.execute("SELECT mrn FROM patient").fetchall() == [("OLD1",)]
    assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    copy.close()
    with opened.store.read() as session:
        assert session.exec(select(Patient.mrn)).all() == ["OLD1"]
        info = session.get(StoreInfo, 1)
        assert info is not None and info.kind == "clinic"


def test_older_postgresql_store_is_upgraded_in_place(pg_url: str) -> None:
    _store_at_first_revision(pg_url).dispose()
    opened = open_store(pg_url, now=NOW)
    assert opened.upgrade.from_revision == FIRST_REVISION
    assert opened.upgrade.backup_path is None
    with opened.store.read() as session:
        assert session.exec(select(Patient.dob)).all() == [date(1950, 2, 3)]
    opened.store.dispose()


def test_store_from_a_newer_schedtui_is_refused_and_left_alone(sqlite_store: Store) -> None:
    with sqlite_store.write() as session:
        session.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    with pytest.raises(StoreError, match="newer schedtui"):
        migrate.upgrade(sqlite_store)
    assert migrate.current_revision(sqlite_store) == "9999_future"


def test_database_holding_other_tables_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    other = sqlite3.connect(path)
    other.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    other.close()
    with pytest.raises(StoreError, match="did not create"):
        open_store(str(path), now=NOW)
    tables = sqlite3.connect(path).execute("SELECT name FROM sqlite_master").fetchall()
    assert tables == [("invoices",)]


def test_new_store_that_fails_to_set_up_is_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_upgrade(store: Store) -> None:
        raise StoreError("disk full")

    monkeypatch.setattr(migrate, "upgrade", broken_upgrade)
    with pytest.raises(StoreError, match="disk full"):
        open_store(str(tmp_path / "new.db"), now=NOW)
    assert list(tmp_path.iterdir()) == []


def test_upgrade_of_a_current_store_changes_nothing(sqlite_store: Store) -> None:
    result = migrate.upgrade(sqlite_store)
    assert not result.changed
    assert result.backup_path is None


def test_the_head_revision_constant_matches_the_scripts() -> None:
    assert migrate.head_revision() == migrate.HEAD_REVISION
