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

from schedtui.core.security import audit
from schedtui.core.security.access import Actor, Permission
from schedtui.core.security.guard import require
from schedtui.core.support.errors import BadInput
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
        raise BadInput(
            f"{path} is not a plain SQLite file: either an encrypted backup (it restores only "
            "into the encrypted store it came from) or not a schedtui store at all."
        )
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


#: What a restore compares between the store and the backup, in the words it shows.
_COUNTED = {
    "patients": "SELECT count(*) FROM patient",
    "appointments": "SELECT count(*) FROM appointment",
    "users": "SELECT count(*) FROM app_user",
    "active admins": "SELECT count(*) FROM app_user WHERE role = 'admin' AND active",
}


@dataclass(frozen=True)
class RestorePlan:
    """What a restore would change: each count now and after."""

    backup: BackupFacts
    before: dict[str, int]
    after: dict[str, int]

    def lines(self) -> list[str]:
        """'patients: 5,000 -> 4,980', one line a count."""
        return [f"{name}: {self.before[name]:,} -> {self.after[name]:,}" for name in _COUNTED]


@dataclass(frozen=True)
class RestoreFacts:
    """What a restore did."""

    restored_from: Path
    previous_copy: Path
    upgrade: migrate.UpgradeResult
    plan: RestorePlan


def plan_restore(
    store: Store, actor: Actor, source: Path, *, kind: str, now: datetime
) -> RestorePlan:
    """Check the backup and say what restoring it would change; refuse a backup that
    would leave the clinic without an active admin (anyone could then make themselves
    the "first admin")."""
    require(store, actor, Permission.BACKUP_STORE, now=now, what="store")
    live = _sqlite_path(store)
    facts = inspect_backup(source, store.key)
    if facts.kind != kind:
        raise BadInput(f"{facts.path} is a {facts.kind} store; this is the {kind} store.")
    if facts.path == live.absolute():
        raise BadInput("That is the store itself, not a backup of it.")
    after = _counts(connect_file(facts.path, store.key, read_only=True))
    if after["active admins"] == 0:
        raise BadInput(
            f"{facts.path} has no active admin: restoring it would leave the clinic open to "
            "anyone who makes themselves its first admin. Nothing was changed."
        )
    before = _counts(connect_file(live, store.key))
    return RestorePlan(facts, before, after)


def _counts(connection: sqlite3.Connection) -> dict[str, int]:
    try:
        return {name: int(connection.execute(sql).fetchone()[0]) for name, sql in _COUNTED.items()}
    finally:
        connection.close()


def restore_store(
    store: Store, actor: Actor, source: Path, *, kind: str, now: datetime
) -> RestoreFacts:
    """Replace the store's content with the backup at `source`, keeping a copy of the old.
    Audited in the store before (so its copy keeps it) and in the restored store after."""
    plan = plan_restore(store, actor, source, kind=kind, now=now)
    live = _sqlite_path(store)
    detail = {
        "restored_from": str(plan.backup.path),
        "schema": plan.backup.revision,
        "before": plan.before,
        "after": plan.after,
    }
    audit.append(store, actor=actor, action="update", now=now, entity="store", detail=detail)
    previous = migrate.copy_aside(live, "before-restore", now, key=store.key)
    store.dispose()
    copy_file_store(plan.backup.path, live, store.key)
    result = migrate.upgrade(store, now=now)
    # The restored store may not know this user (or know another under its id): the row
    # names them without a link to its users.
    audit.append(
        store,
        actor=None,
        username=actor.username,
        action="update",
        now=now,
        entity="store",
        detail={**detail, "previous_copy": str(previous), "by_role": actor.role},
    )
    return RestoreFacts(plan.backup.path, previous, result, plan)
