"""The `Store`: one engine and its sessions, for an SQLite file or a PostgreSQL server.

There is no module-level engine: every caller opens the store it was told to use.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import URL, Engine, create_engine, event, make_url, text
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError
from sqlmodel import Session

from schedtui.data.change_feed import notify_on_new_events
from schedtui.data.errors import StoreError
from schedtui.data.keys import new_store_key, store_key

#: How long an SQLite writer waits for another writer before giving up, in milliseconds.
SQLITE_BUSY_TIMEOUT_MS = 30_000
#: How long to wait for a PostgreSQL server to answer before calling it down, in seconds.
POSTGRES_CONNECT_TIMEOUT_S = 5
_WRITE_OPTION = "schedtui_write"
#: The key under which a write session's `info` names its `Store`.
STORE_KEY = "schedtui.store"
_SQLITE_HEADER = b"SQLite format 3\x00"


def resolve_url(target: str, *, encrypt_new: bool = False) -> URL:
    """Turn what a user typed (`--db`, `SCHEDTUI_DB`) into a database URL.

    A value with `://` is a URL (sqlite or postgresql); anything else is a file path.
    An encrypted (SQLCipher) file opens with its key from the keychain; `encrypt_new`
    makes a new file encrypted. Raises `StoreError` with a plain sentence when the
    value cannot name a store.
    """
    target = target.strip()
    if not target:
        raise StoreError("The store location is empty; give a file path or a database URL.")
    if not target.isprintable():
        raise StoreError("The store location holds control characters; give a plain path.")
    if "://" not in target:
        return _sqlite_url_for_path(Path(target).expanduser(), encrypt_new=encrypt_new)
    try:
        url = make_url(target)
    except (ArgumentError, ValueError) as exc:
        raise StoreError(f"'{target}' is not a valid database URL ({exc}).") from None
    backend = url.get_backend_name()
    if backend == "sqlite":
        if not url.database or url.database == ":memory:":
            return url
        return _sqlite_url_for_path(Path(url.database).expanduser())
    if backend == "postgresql":
        if url.drivername != "postgresql+psycopg":
            url = url.set(drivername="postgresql+psycopg")
        return url
    raise StoreError(
        f"Unsupported database '{backend}' in '{target}': use an SQLite path or a "
        "postgresql:// URL."
    )


def _sqlite_url_for_path(path: Path, *, encrypt_new: bool = False) -> URL:
    path = path.absolute()
    try:
        return _sqlite_url_checked(path, encrypt_new=encrypt_new)
    except OSError as exc:
        raise StoreError(f"Cannot use {_short(path)} as a store: {exc.strerror}.") from None


def _short(path: Path) -> str:
    text = str(path)
    return text if len(text) <= 120 else text[:60] + "..." + text[-40:]


def _sqlite_url_checked(path: Path, *, encrypt_new: bool) -> URL:
    if path.is_dir():
        raise StoreError(f"{path} is a folder; give the path of a store file inside it.")
    if path.exists() and not path.is_file():
        raise StoreError(f"{_short(path)} is not an ordinary file (a device or a pipe?).")
    folder = path.parent
    if not folder.is_dir():
        raise StoreError(f"The folder {folder} does not exist; create it or choose another --db.")
    if folder.stat().st_mode & stat.S_IWOTH:
        raise StoreError(
            f"The folder {folder} is writable by every account on this machine, so anyone "
            "could replace the store or its journal: keep the store in a folder only its "
            f"users can write (chmod o-w {folder})."
        )
    if path.exists():
        if encrypt_new:
            raise StoreError(f"{path} already exists; --encrypt only creates a new store.")
        if not _is_plain_sqlite(path):
            return _encrypted_url(path)
    elif not os.access(folder, os.W_OK | os.X_OK):
        raise StoreError(f"Cannot create a store in {folder}: the folder is not writable.")
    elif encrypt_new:
        return URL.create("sqlite+pysqlcipher", password=new_store_key(path), database=str(path))
    return URL.create("sqlite+pysqlite", database=str(path))


def _is_plain_sqlite(path: Path) -> bool:
    if not os.access(path, os.R_OK):
        raise StoreError(f"Cannot read the store {path}: permission denied.")
    with path.open("rb") as handle:
        header = handle.read(len(_SQLITE_HEADER))
    return not header or header == _SQLITE_HEADER


def _encrypted_url(path: Path) -> URL:
    key = store_key(path)
    if key is None:
        raise StoreError(
            f"{path} is not a plain SQLite store, and the keychain holds no key for it: either "
            "it is not a schedtui store, or it is an encrypted store whose key is not here."
        )
    return URL.create("sqlite+pysqlcipher", password=key, database=str(path))


class Store:
    """An open store: the engine, and sessions for reading and for writing.

    Writes go through `write()`: on SQLite it starts with `BEGIN IMMEDIATE`, so
    concurrent writers queue on the busy timeout instead of failing half-way with
    "database is locked"; on PostgreSQL callers lock rows with `SELECT ... FOR UPDATE`.
    """

    def __init__(self, url: URL) -> None:
        self.url = url
        self.engine = _make_engine(url)
        self._write_engine = self.engine.execution_options(**{_WRITE_OPTION: True})

    @classmethod
    def open(cls, target: str) -> Store:
        """Open the store at a path or URL and check that it answers."""
        store = cls(resolve_url(target))
        store.ping()
        return store

    @property
    def encrypted(self) -> bool:
        """True for an SQLCipher (encrypted) store."""
        return self.url.drivername == "sqlite+pysqlcipher"

    @property
    def key(self) -> str | None:
        """The SQLCipher key of an encrypted store (None otherwise). Never print it."""
        password = self.url.password
        return str(password) if self.encrypted and password is not None else None

    @property
    def is_sqlite(self) -> bool:
        """True for an SQLite store."""
        return self.url.get_backend_name() == "sqlite"

    @property
    def path(self) -> Path | None:
        """The SQLite file, or None for PostgreSQL and in-memory stores."""
        if not self.is_sqlite or not self.url.database or self.url.database == ":memory:":
            return None
        return Path(self.url.database)

    @property
    def write_engine(self) -> Engine:
        """The engine whose transactions begin as writes (`BEGIN IMMEDIATE` on SQLite)."""
        return self._write_engine

    def describe(self) -> str:
        """Where the store lives, safe to show: the file path, or the URL without password."""
        if self.path is not None:
            return str(self.path)
        return self.url.render_as_string(hide_password=True)

    def ping(self) -> None:
        """Connect once; raise `StoreError` with a plain reason when the store cannot be reached."""
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except (OperationalError, DBAPIError) as exc:
            raise StoreError(self._unreachable_reason(exc)) from None

    def _unreachable_reason(self, exc: DBAPIError) -> str:
        detail = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        if self.encrypted and "not a database" in detail:
            return f"Cannot open the encrypted store {self.path}: the key in the keychain is wrong."
        if self.is_sqlite:
            return f"Cannot open the store {self.path}: {detail}."
        where = f"{self.url.host or 'localhost'}:{self.url.port or 5432}"
        return f"Cannot reach the PostgreSQL server at {where}: {detail}"

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading; whatever it did is rolled back at the end."""
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session whose work is committed as one transaction, or not at all."""
        with Session(self._write_engine, expire_on_commit=False) as session:
            session.info[STORE_KEY] = self
            if not self.is_sqlite:
                notify_on_new_events(session)
            with session.begin():
                yield session

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


def _make_engine(url: URL) -> Engine:
    if url.get_backend_name() == "sqlite":
        return _make_sqlite_engine(url)
    return create_engine(
        url,
        pool_pre_ping=True,
        connect_args={"connect_timeout": POSTGRES_CONNECT_TIMEOUT_S},
    )


def _make_sqlite_engine(url: URL) -> Engine:
    # Connections are kept (SQLAlchemy's default pool): a new one parses the whole schema
    # again, 1.5-2 ms that every transaction paid. One thread uses one at a time.
    engine = create_engine(
        url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}
    )
    event.listen(engine, "connect", _configure_sqlite_connection)
    event.listen(engine, "begin", _begin_sqlite_transaction)
    return engine


def _configure_sqlite_connection(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite's own handling
    # would start transactions late and never as IMMEDIATE).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        if type(dbapi_connection).__module__.startswith("sqlcipher3"):
            # SQLCipher logs to stderr by default, which would paint over the TUI.
            cursor.execute("PRAGMA cipher_log_level = NONE")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def _begin_sqlite_transaction(connection: Any) -> None:
    write = connection.get_execution_options().get(_WRITE_OPTION, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")
