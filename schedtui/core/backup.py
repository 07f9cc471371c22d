"""Backups of an SQLite store, and restoring one, both audited and admin-only.

A backup uses SQLite's online backup API: a consistent copy while others keep
working. A restore checks the file first (a schedtui store of the same kind, intact,
not from a newer schedtui) and copies the current store aside before replacing it.
PostgreSQL stores are backed up with the server's own tools (pg_dump).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from schedtui.core import audit
from schedtui.core.access import Actor, Permission
from schedtui.core.errors import BadInput
from schedtui.core.guard import require
from schedtui.data import migrate
from schedtui.data.sqlite_files import (
    connect_file,
    copy_file_store,
    copy_to_partial,
    discard,
    publish,
)
from schedtui.data.store import Store

PG_DUMP_ADVICE = (
    "This store is on PostgreSQL: back it up with the server's tools, e.g. "
    "pg_dump --format=custom --file=schedtui.dump 'postgresql://...' (and pg_restore)."
)
_HEADER = b"SQLite format 3\x00"


@dataclass(frozen=True)
class BackupFacts:
    """What a backup file holds."""

    path: Path
    revision: str
    kind: str
    size_bytes: int


def _sqlite_path(store: Store) -> Path:
    if store.path is None:
        raise BadInput(PG_DUMP_ADVICE)
    return store.path


def backup_store(store: Store, actor: Actor, target: Path, *, now: datetime) -> BackupFacts:
    """Copy the store to `target` (a new file, encrypted like the store) and check the copy."""
    require(store, actor, Permission.BACKUP_STORE, now=now, what="store")
    source = _sqlite_path(store)
    target = target.expanduser().absolute()
    if target.exists():
        raise BadInput(f"{target} already exists; choose a new file for the backup.")
    if not target.parent.is_dir():
        raise BadInput(f"The folder {target.parent} does not exist.")
    partial = copy_to_partial(source, target, store.key)
    try:
        facts = inspect_backup(partial, store.key)
        # The export is audited before the copy has its name: no finished copy is unaudited.
        audit.append(
            store,
            actor=actor,
            action="export",
            now=now,
            entity="store",
            detail={"backup_to": str(target), "bytes": facts.size_bytes},
        )
    except BaseException:
        discard(partial)
        raise
    publish(partial, target)
    return replace(facts, path=target)


def inspect_backup(path: Path, key: str | None = None) -> BackupFacts:
    """Check that `path` is an intact schedtui store this version can open (with `key` if
    it is encrypted like the store it belongs to)."""
    path = path.expanduser().absolute()
    if not path.is_file():
        raise BadInput(f"{path} is not a file.")
    if Path(f"{path}-journal").exists() or Path(f"{path}-wal").exists():
        raise BadInput(f"{path} has an unfinished write beside it (-journal or -wal); not used.")
    with path.open("rb") as handle:
        plain = handle.read(len(_HEADER)) == _HEADER
    if plain and key is not None:
        raise BadInput(f"{path} is not encrypted; this store is. Restore an encrypted backup.")
    if not plain and key is None:
        raise BadInput(f"{path} is not a schedtui store (not an SQLite database).")
    connection = connect_file(path, key, read_only=True)
    try:
        return _facts(connection, path)
    except sqlite3.DatabaseError as exc:
        raise BadInput(f"{path} cannot be read as a schedtui store: {exc}.") from None
    except Exception as exc:  # sqlcipher3 raises its own DatabaseError class
        if type(exc).__name__ == "DatabaseError":
            raise BadInput(f"{path} cannot be read with this store's key: {exc}.") from None
        raise
    finally:
        connection.close()


def _facts(connection: sqlite3.Connection, path: Path) -> BackupFacts:
    problems = [row[0] for row in connection.execute("PRAGMA integrity_check")]
    if problems != ["ok"]:
        raise BadInput(f"{path} is damaged: {problems[0]}.")
    tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    if not {"alembic_version", "store_info"} <= tables:
        raise BadInput(f"{path} is an SQLite file but not a schedtui store.")
    revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    kind = connection.execute("SELECT kind FROM store_info").fetchone()
    if revision is None or kind is None:
        raise BadInput(f"{path} is an SQLite file but not a schedtui store.")
    if revision[0] not in migrate.known_revisions():
        raise BadInput(f"{path} was written by a newer schedtui (schema {revision[0]}).")
    return BackupFacts(path, revision[0], kind[0], path.stat().st_size)


@dataclass(frozen=True)
class RestoreFacts:
    """What a restore did."""

    restored_from: Path
    previous_copy: Path
    upgrade: migrate.UpgradeResult


def restore_store(
    store: Store, actor: Actor, source: Path, *, kind: str, now: datetime
) -> RestoreFacts:
    """Replace the store's content with the backup at `source`, keeping a copy of the old."""
    require(store, actor, Permission.BACKUP_STORE, now=now, what="store")
    live = _sqlite_path(store)
    facts = inspect_backup(source, store.key)
    if facts.kind != kind:
        raise BadInput(f"{facts.path} is a {facts.kind} store; this is the {kind} store.")
    if facts.path == live.absolute():
        raise BadInput("That is the store itself, not a backup of it.")
    previous = migrate.copy_aside(live, "before-restore", now, key=store.key)
    store.dispose()
    copy_file_store(facts.path, live, store.key)
    result = migrate.upgrade(store, now=now)
    audit.append(
        store,
        actor=actor,
        action="update",
        now=now,
        entity="store",
        detail={
            "restored_from": str(facts.path),
            "previous_copy": str(previous),
            "schema": facts.revision,
        },
    )
    return RestoreFacts(facts.path, previous, result)
