"""Opening the store a user asked for: upgrade it, create it, or set up the sandbox."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlmodel import select

from schedtui.core.support.clock import Clock
from schedtui.core.support.errors import BadInput
from schedtui.data import migrate
from schedtui.data.keys import forget_store_key, use_backend
from schedtui.data.models import Site, StoreInfo
from schedtui.data.sqlite_files import create_private_file
from schedtui.data.store import Store, resolve_url
from schedtui.settings import Settings

SANDBOX_PATIENTS = 3000
SANDBOX_SEED = 20261127


@dataclass(frozen=True)
class OpenedStore:
    """A store ready for use, and what was done to it on the way."""

    store: Store
    upgrade: migrate.UpgradeResult
    created: bool


def prepare_keychain(settings: Settings) -> None:
    """Pin the keyring backend the settings name (before any store is opened)."""
    use_backend(settings.keyring_backend)


def open_store(
    target: str,
    *,
    now: datetime,
    kind: str = "clinic",
    encrypt: bool = False,
    create: bool = True,
) -> OpenedStore:
    """Open (creating if needed) and upgrade the store at `target`, and check its kind.

    `kind` is "clinic" or "sandbox": a clinic store never opens as the sandbox and the
    other way round. `encrypt` creates a new SQLCipher store, its key in the keychain.
    A new SQLite file that cannot be set up is removed again (with its key).
    """
    new_file = _names_new_file(target)
    if new_file and not create:
        where = Path(target).expanduser().absolute()
        raise BadInput(
            f"There is no store at {where}: check the path, or create one with "
            f"'schedtui init --db {where}'."
        )
    url = resolve_url(target, encrypt_new=encrypt)
    path = Path(url.database) if url.get_backend_name() == "sqlite" and url.database else None
    try:
        if new_file and path is not None:
            create_private_file(path)  # owner and group only; SQLite's -wal/-shm follow it
        store = Store(url)
        store.ping()
        result = migrate.upgrade(store)
        _claim_kind(store, kind, now)
    except BaseException:
        if new_file and path is not None:
            _remove_sqlite_files(path)
            if encrypt:
                forget_store_key(path)
        raise
    return OpenedStore(store, result, created=new_file or result.from_revision is None)


def _names_new_file(target: str) -> bool:
    if "://" in target or not target.strip():
        return False
    try:
        return not Path(target).expanduser().exists()
    except OSError as exc:
        raise BadInput(f"--db '{target[:80]}' cannot name a store: {exc.strerror}.") from None


def _claim_kind(store: Store, wanted: str, now: datetime) -> None:
    with store.write() as session:
        info = session.get(StoreInfo, 1)
        if info is None:
            # Stores from before the store_info table that already hold a clinic are real.
            holds_clinic = session.exec(select(Site).limit(1)).first() is not None
            info = StoreInfo(kind="clinic" if holds_clinic else wanted, created_at=now)
            session.add(info)
        if info.kind == wanted:
            return
    where = store.describe()
    if wanted == "sandbox":
        raise BadInput(f"{where} is a clinic store; the sandbox only ever opens a sandbox store.")
    raise BadInput(f"{where} is the trainees' sandbox store; open it with --sandbox.")


def _remove_sqlite_files(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def store_target(settings: Settings, *, db: str | None, sandbox: bool) -> str:
    """Which store to open: the sandbox, `--db`, or the configured default.

    The sandbox can never be pointed at the real store.
    """
    if sandbox and db:
        raise BadInput("--sandbox always opens the sandbox store; leave out --db.")
    if not sandbox:
        return db or settings.store_target()
    target = settings.sandbox_target()
    if resolve_url(target) == resolve_url(settings.store_target()):
        raise BadInput(
            "The sandbox store and the clinic store are the same; set another sandbox_db."
        )
    return target


def open_sandbox(
    settings: Settings, clock: Clock, on_seed: Callable[[], None] | None = None
) -> OpenedStore:
    """Open the sandbox store, filling it with a synthetic clinic on first use."""
    target = store_target(settings, db=None, sandbox=True)
    opened = open_store(target, now=clock.now(), kind="sandbox")
    with opened.store.read() as session:
        has_clinic = session.exec(select(Site).limit(1)).first() is not None
    if not has_clinic:
        if on_seed is not None:
            on_seed()
        from schedtui.core.patients.lookup.store_keys import catch_up
        from schedtui.data.seed import seed_store  # Faker loads only when seeding

        seed_store(opened.store, patients=SANDBOX_PATIENTS, seed=SANDBOX_SEED, now=clock.now())
        catch_up(
            opened.store, clock.now()
        )  # the lookup's keys, so the first search reads only a few
    return opened


def without_password(url: str) -> str:
    """A store URL fit to print: its password, if any, replaced by ***."""
    from sqlalchemy import make_url

    return make_url(url).render_as_string(hide_password=True)
