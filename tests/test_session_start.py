"""How the TUI starts: first run, login screen, trusted OS account, or the sandbox trainee."""

from __future__ import annotations

from pathlib import Path

import pytest

from schedtui.core.security.session import start_session
from schedtui.core.support.clock import FrozenClock
from schedtui.core.upkeep.stores import open_store
from schedtui.data.store import Store
from schedtui.settings import load_settings
from tests.builders import NOW, add_staff


@pytest.fixture
def as_os(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("schedtui.core.security.os_identity.current_os_login", lambda: "ava_os")


def test_empty_store_starts_with_the_first_admin(sqlite_store: Store, as_os: None) -> None:
    start = start_session(sqlite_store, load_settings(), FrozenClock(NOW), sandbox=False)
    assert start.needs_first_admin and start.actor is None


def test_store_with_users_starts_at_the_login_screen(sqlite_store: Store, as_os: None) -> None:
    add_staff(sqlite_store)
    start = start_session(sqlite_store, load_settings(), FrozenClock(NOW), sandbox=False)
    assert not start.needs_first_admin and start.actor is None


def test_trusted_os_account_signs_in_without_a_password(sqlite_store: Store, as_os: None) -> None:
    add_staff(sqlite_store)
    settings = load_settings(trust_os_accounts=True)
    start = start_session(sqlite_store, settings, FrozenClock(NOW), sandbox=False)
    assert start.actor is not None and start.actor.username == "ava.jensen"
    assert start.via_os_account


def test_sandbox_signs_in_a_trainee_of_the_os_account(tmp_path: Path, as_os: None) -> None:
    sandbox = open_store(str(tmp_path / "sandbox.db"), now=NOW, kind="sandbox").store
    first = start_session(sandbox, load_settings(), FrozenClock(NOW), sandbox=True)
    again = start_session(sandbox, load_settings(), FrozenClock(NOW), sandbox=True)
    assert first.actor is not None and first.actor.role == "trainee"
    assert first.actor.label == "ava_os (trainee)"
    assert again.actor == first.actor
