"""Fixtures: an isolated home for every test, stores on SQLite and PostgreSQL, a seeded clinic."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, make_url, text

from schedtui.core.upkeep.stores import open_store
from schedtui.data.migrate import upgrade
from schedtui.data.seed import seed_store
from schedtui.data.store import Store

SEED_NOW = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)
SEED_PATIENTS = 1500
PG_ENV = "SCHEDTUI_TEST_PG_URL"


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto`: two workers a core. A pilot test spends much of its time waiting for
    the screen's timers, workers and the programs it starts; a second worker uses that
    time (on 2 cores: 8.5 minutes for the suite against 10 with one a core)."""
    return 2 * len(os.sched_getaffinity(0))


@pytest.fixture(autouse=True)
def isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Keep the user's real config, data and logs out of every test."""
    home = tmp_path_factory.mktemp("home")
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(name, str(home / name.lower()))
    for name in list(os.environ):
        kept = name == PG_ENV or name.startswith("SCHEDTUI_REQUIRE_")  # what CI demands
        if name.startswith("SCHEDTUI_") and not kept:
            monkeypatch.delenv(name)
    monkeypatch.setenv("SCHEDTUI_CONFIG", str(home / "config.toml"))
    return home


@pytest.fixture(autouse=True)
def notices_stay_until_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests read the notices the app showed once their steps are done; on a slow, loaded
    machine those steps can outlast a notice's few seconds, so in tests they stay."""
    from schedtui.app import SchedApp

    monkeypatch.setattr(SchedApp, "NOTIFICATION_TIMEOUT", 600.0)


@pytest.fixture(autouse=True)
def cursors_do_not_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    """A text cursor stays as it was last put (shown once a box has focus), so a
    snapshot never depends on when in the half-second blink it was taken."""
    from textual.widgets import Input, TextArea

    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)
    monkeypatch.setattr(TextArea, "_toggle_cursor_blink_visible", lambda self: None)


@pytest.fixture(autouse=True, scope="session")
def styles_parsed_once() -> Iterator[None]:
    """Each app parses the same style sheets again (a quarter of a second of every pilot
    test): in tests, a sheet parsed with the same variables is parsed once a process.
    Textual keeps such a cache per app already; this one outlives the app."""
    from textual.css.stylesheet import Stylesheet

    parse_rules = Stylesheet._parse_rules
    parsed: dict[tuple[object, ...], Any] = {}

    def parse_once(self: Stylesheet, css: str, *args: Any, **kwargs: Any) -> Any:
        variables = tuple(sorted(self._variables.items()))
        key = (css, args, tuple(sorted(kwargs.items())), variables)
        if key not in parsed:
            parsed[key] = parse_rules(self, css, *args, **kwargs)
        return parsed[key]

    Stylesheet._parse_rules = parse_once  # type: ignore[method-assign]
    yield
    Stylesheet._parse_rules = parse_rules  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def passwords_hash_cheaply(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Passwords are hashed with argon2id at its lowest cost (three staff hashed at the
    RFC 9106 cost take half a second of every test that signs anyone in). A hash says its
    own cost, so hashes made either way verify. Tests marked `real_password_cost` keep the
    program's own hasher (one proves that cost)."""
    if request.node.get_closest_marker("real_password_cost"):
        return
    from argon2 import PasswordHasher

    from schedtui.core.security import passwords

    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(passwords, "_hasher", lambda: cheap)


@pytest.fixture(scope="session")
def empty_store_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new clinic store, created and upgraded once per test process by the program's
    own `open_store` (upgrading from nothing is `test_migrations`'s to prove)."""
    path = tmp_path_factory.mktemp("empty", numbered=True) / "store.db"
    open_store(str(path), now=SEED_NOW).store.dispose()
    assert not Path(f"{path}-wal").exists(), "the empty store's log was not folded in"
    return path


@pytest.fixture
def sqlite_store(empty_store_file: Path, tmp_path: Path) -> Iterator[Store]:
    """A fresh clinic store on SQLite (a private copy of a new one), opened the way the
    program opens one."""
    path = tmp_path / "store.db"
    shutil.copyfile(empty_store_file, path)
    path.chmod(0o600)
    store = open_store(str(path), now=SEED_NOW).store
    yield store
    store.dispose()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """The URL of a fresh, empty PostgreSQL database, dropped afterwards.

    Skipped without SCHEDTUI_TEST_PG_URL, unless SCHEDTUI_REQUIRE_PG=1 (as in CI).
    """
    server = os.environ.get(PG_ENV)
    if not server:
        if os.environ.get("SCHEDTUI_REQUIRE_PG") == "1":
            pytest.fail(f"{PG_ENV} is not set but SCHEDTUI_REQUIRE_PG=1")
        pytest.skip(f"PostgreSQL tests need {PG_ENV}")
    name = f"schedtui_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def pg_store(pg_url: str) -> Iterator[Store]:
    """A fresh clinic store on PostgreSQL."""
    store = open_store(pg_url, now=SEED_NOW).store
    yield store
    store.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_store(request: pytest.FixtureRequest) -> Store:
    """The same test on both engines."""
    name = "sqlite_store" if request.param == "sqlite" else "pg_store"
    store: Store = request.getfixturevalue(name)
    return store


@pytest.fixture(scope="session")
def seeded_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite store seeded once per session (seed 7, at SEED_NOW). Copy it before writing."""
    path = tmp_path_factory.mktemp("seeded") / "clinic.db"
    store = Store.open(str(path))
    upgrade(store)
    seed_store(store, patients=SEED_PATIENTS, seed=7, now=SEED_NOW)
    store.dispose()
    return path


@pytest.fixture
def command_db(
    seeded_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> str:
    """A private copy of the seeded clinic for commands run in this process: its path,
    the clock frozen at SEED_NOW, its first admin linked to this OS account."""
    from tests.cli_helpers import seeded_clinic_for_commands

    return str(seeded_clinic_for_commands(seeded_file, tmp_path, monkeypatch, capsys))


@pytest.fixture
def seeded_store(seeded_file: Path, tmp_path: Path) -> Iterator[Store]:
    """A private copy of the seeded clinic."""
    copy = tmp_path / "clinic.db"
    shutil.copyfile(seeded_file, copy)
    store = Store.open(str(copy))
    yield store
    store.dispose()
