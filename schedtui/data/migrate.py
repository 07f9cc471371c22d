"""Bring a store's schema to the version this schedtui expects (Alembic).

An older SQLite store is copied aside (SQLite online backup) before it is upgraded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, inspect, text
from sqlalchemy.exc import DBAPIError

from schedtui.data.errors import StoreError
from schedtui.data.sqlite_files import copy_to_partial, publish
from schedtui.data.store import Store

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
#: The newest revision shipped (tests check it against the scripts). Knowing it without
#: loading Alembic keeps every command's start fast when the store is up to date.
HEAD_REVISION = "0027_recall_retry_index"


@dataclass(frozen=True)
class UpgradeResult:
    """What `upgrade` did: from which revision to which, and where the copy went."""

    from_revision: str | None
    to_revision: str
    backup_path: Path | None

    @property
    def changed(self) -> bool:
        """True when the schema was changed."""
        return self.from_revision != self.to_revision


def alembic_config() -> Config:
    """An Alembic config pointing at the packaged scripts."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    """The schema revision this schedtui writes (read from the scripts)."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "the packaged migrations have no head"
    return head


def known_revisions() -> set[str]:
    """Every schema revision this schedtui knows."""
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(alembic_config())
    return {script.revision for script in scripts.walk_revisions()}


def current_revision(store: Store) -> str | None:
    """The revision the store is at; None for an empty store."""
    with store.engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        try:
            rows = connection.execute(text("SELECT version_num FROM alembic_version")).all()
        except DBAPIError:
            return None
    return rows[0][0] if rows else None


def upgrade(store: Store, *, now: datetime | None = None) -> UpgradeResult:
    """Upgrade the store to the head revision, copying an older SQLite file aside first.

    Raises `StoreError` when the store was written by a newer schedtui, or is a
    database that schedtui did not create.
    """
    current = current_revision(store)
    if current == HEAD_REVISION:
        return UpgradeResult(current, HEAD_REVISION, None)
    current = _checked_current_revision(store)
    head = head_revision()
    backup = None
    if current is not None and store.path is not None:
        backup = copy_aside(store.path, current, now or datetime.now(UTC), key=store.key)
    run_migrations(store, "head")
    return UpgradeResult(current, head, backup)


def _checked_current_revision(store: Store) -> str | None:
    current = current_revision(store)
    if current is not None and current not in known_revisions():
        raise StoreError(
            f"This store was written by a newer schedtui (schema {current}); "
            "upgrade schedtui to open it."
        )
    if current is None and _has_foreign_tables(store):
        raise StoreError(
            f"{store.describe()} already holds tables that schedtui did not create; "
            "choose an empty database or a schedtui store."
        )
    return current


def _has_foreign_tables(store: Store) -> bool:
    with store.engine.connect() as connection:
        names = set(inspect(connection).get_table_names())
    return bool(names - {"alembic_version"})


def copy_aside(path: Path, label: str, now: datetime, *, key: str | None = None) -> Path:
    """Copy an SQLite store next to itself (online backup API); return the copy's path."""
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.{label}.{stamp}.bak")
    publish(copy_to_partial(path, target, key), target)
    return target


def run_migrations(store: Store, revision: str) -> None:
    """Upgrade the schema to `revision` (no copy, no checks: `upgrade` is the safe door)."""
    config = alembic_config()
    with store.write_engine.connect() as connection:
        if store.is_sqlite:
            _set_sqlite_foreign_keys(connection, enabled=False)
        try:
            config.attributes["connection"] = connection
            from alembic import command

            command.upgrade(config, revision)
            connection.commit()
        finally:
            if store.is_sqlite:
                _set_sqlite_foreign_keys(connection, enabled=True)


def _set_sqlite_foreign_keys(connection: Connection, *, enabled: bool) -> None:
    # PRAGMA foreign_keys is ignored inside a transaction, so it goes straight to
    # the driver connection; batch migrations copy tables and must not trip on FKs.
    raw = connection.connection.dbapi_connection
    assert raw is not None
    raw.execute(f"PRAGMA foreign_keys={'ON' if enabled else 'OFF'}")
