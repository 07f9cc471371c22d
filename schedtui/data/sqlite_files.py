"""Driver-level connections to store files, plain or SQLCipher-encrypted, for whole-file work
(backups, copies before an upgrade) that goes around SQLAlchemy."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from schedtui.data.errors import StoreError

BUSY_TIMEOUT_S = 30.0


def connect_file(path: Path, key: str | None, *, read_only: bool = False) -> sqlite3.Connection:
    """A connection to `path`; SQLCipher with `key` when the file is encrypted."""
    target = f"file:{path}?mode=ro" if read_only else str(path)
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


def copy_file_store(source: Path, target: Path, key: str | None) -> None:
    """Copy a store with SQLite's online backup API, in one step: a consistent snapshot.
    An encrypted store's copy is encrypted with the same key."""
    reader = connect_file(source, key)
    try:
        writer = connect_file(target, key)
        try:
            reader.backup(writer)
        finally:
            writer.close()
    finally:
        reader.close()
