"""Driver-level connections to store files, plain or SQLCipher-encrypted, for whole-file work
(backups, copies before an upgrade) that goes around SQLAlchemy."""

from __future__ import annotations

import os
import secrets
import sqlite3
from pathlib import Path

from schedtui.data.errors import StoreError

BUSY_TIMEOUT_S = 30.0
#: Store files and their copies: the owner and the clinic's group, never other accounts.
STORE_FILE_MODE = 0o660
#: What a copy is called until it is complete: hidden, and saying what it is.
PARTIAL_MARK = ".partial-"


def connect_file(path: Path, key: str | None, *, read_only: bool = False) -> sqlite3.Connection:
    """A connection to `path`; SQLCipher with `key` when the file is encrypted."""
    # immutable: a file only looked at (a backup being checked) gets no -wal/-shm beside it
    target = f"file:{path}?mode=ro&immutable=1" if read_only else str(path)
    if key is None:
        return sqlite3.connect(target, uri=read_only, timeout=BUSY_TIMEOUT_S)
    if "'" in key:
        raise StoreError("The store's key in the keychain is not one schedtui made.")
    import sqlcipher3  # optional: only encrypted stores need it

    connection: sqlite3.Connection = sqlcipher3.connect(
        target, uri=read_only, timeout=BUSY_TIMEOUT_S
    )
    connection.execute("PRAGMA cipher_log_level = NONE")
    connection.execute(f"PRAGMA key = '{key}'")  # PRAGMA takes no bound parameters
    return connection


def create_private_file(path: Path) -> None:
    """Create an empty store file, owner and group only (SQLite gives its -wal and -shm
    the same mode); `FileExistsError` if something is already there."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, STORE_FILE_MODE)
    try:
        os.fchmod(fd, STORE_FILE_MODE)  # the group may write too, whatever the umask
    finally:
        os.close(fd)


def partial_name(target: Path) -> Path:
    """Where a copy bound for `target` is written until it is complete (same folder)."""
    return target.with_name(f".{target.name}{PARTIAL_MARK}{secrets.token_hex(4)}")


def copy_to_partial(source: Path, target: Path, key: str | None) -> Path:
    """Copy a store with SQLite's online backup API (a consistent snapshot) to a hidden
    partial file beside `target`; return it. Nothing appears under `target` itself: a copy
    killed midway leaves only a file marked partial. Encrypted stores stay encrypted."""
    partial = partial_name(target)
    create_private_file(partial)
    try:
        copy_file_store(source, partial, key, single_file=True)
    except BaseException:
        discard(partial)
        raise
    return partial


def publish(partial: Path, target: Path) -> None:
    """Give a complete copy its final name; never replaces a file that appeared there."""
    try:
        os.link(partial, target)
    except FileExistsError:
        raise StoreError(f"{target} appeared meanwhile; the copy was not put there.") from None
    finally:
        discard(partial)


def discard(partial: Path) -> None:
    """Remove a partial copy and any journal beside it."""
    for suffix in ("", "-journal", "-wal", "-shm"):
        Path(f"{partial}{suffix}").unlink(missing_ok=True)


def copy_file_store(
    source: Path, target: Path, key: str | None, *, single_file: bool = False
) -> None:
    """Copy a store with SQLite's online backup API, in one step: a consistent snapshot,
    written into `target` as one SQLite transaction. An encrypted store's copy is
    encrypted with the same key. With `single_file` (a backup, nobody else has it open)
    the copy is one self-contained file: rollback journal, not WAL, so opening it later
    leaves no -wal or -shm beside it (the store turns WAL back on when it opens it)."""
    reader = connect_file(source, key)
    try:
        writer = connect_file(target, key)
        try:
            reader.backup(writer)
            if single_file:
                writer.execute("PRAGMA journal_mode=DELETE")
        finally:
            writer.close()
    finally:
        reader.close()
