"""The idle lock of a session signed in as its OS account asks for something only the
user has: their unlock PIN (or their password), with the same five-failure sign-out.

Regression tests for "Press Enter to unlock as the OS account" letting a passer-by at an
unattended desk see the patient on screen.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from sqlmodel import col, select
from textual.pilot import Pilot
from textual.widgets import Input, Static

from schedtui.app import SchedApp, create_app
from schedtui.cli import run
from schedtui.core.security import users
from schedtui.core.security.access import Actor
from schedtui.core.security.session import SessionStart
from schedtui.core.support.clock import FrozenClock
from schedtui.core.support.errors import BadInput
from schedtui.data.models import AuditEvent, User
from schedtui.data.store import Store
from schedtui.screens.lock import LockScreen
from schedtui.screens.signin import LoginScreen
from schedtui.screens.today import TodayScreen
from schedtui.settings import load_settings
from tests.builders import NOW, Staff, add_staff, build_tiny_clinic
from tests.cli_helpers import link_first_admin

PIN = "480262"


@pytest.fixture
def staff(sqlite_store: Store) -> Staff:
    build_tiny_clinic(sqlite_store)
    return add_staff(sqlite_store)


def _app(store: Store, actor: Actor, *, sandbox: bool = False) -> SchedApp:
    start = SessionStart(actor, False, "ava_os", via_os_account=True)
    settings = load_settings(trust_os_accounts=True, first_screen="today")
    return create_app(settings, store, FrozenClock(NOW), sandbox=sandbox, start=start)


async def _settle(pilot: Pilot[Any]) -> None:
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def _lock_then_type(app: SchedApp, pilot: Pilot[Any], *tries: str) -> None:
    await _settle(pilot)
    await pilot.press("ctrl+l")
    await _settle(pilot)
    assert isinstance(app.screen, LockScreen)
    for secret in tries:
        await pilot.press(*secret, "enter")
        await _settle(pilot)


def _as_os_account(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("schedtui.core.security.os_identity.current_os_login", lambda: "ava_os")


def _message(app: SchedApp) -> str:
    return str(app.screen.query_one("#form-message", Static).render())


async def test_enter_alone_does_not_open_the_lock(
    sqlite_store: Store, staff: Staff, monkeypatch: pytest.MonkeyPatch
) -> None:
    _as_os_account(monkeypatch)
    users.set_unlock_pin(sqlite_store, staff.scheduler, PIN, now=NOW)
    app = _app(sqlite_store, staff.scheduler)
    async with app.run_test(size=(120, 30)) as pilot:
        await _lock_then_type(app, pilot, "", "999000")
        assert isinstance(app.screen, LockScreen)
        assert _message(app) == "Wrong PIN or password."
        await pilot.press(*PIN, "enter")
        await _settle(pilot)
        assert isinstance(app.screen, TodayScreen)


async def test_the_password_also_opens_it(
    sqlite_store: Store, staff: Staff, monkeypatch: pytest.MonkeyPatch
) -> None:
    _as_os_account(monkeypatch)
    app = _app(sqlite_store, staff.scheduler)
    async with app.run_test(size=(120, 30)) as pilot:
        await _lock_then_type(app, pilot, "harbor-lights-42")
        assert isinstance(app.screen, TodayScreen)


async def test_five_wrong_pins_sign_the_user_out(
    sqlite_store: Store, staff: Staff, monkeypatch: pytest.MonkeyPatch
) -> None:
    _as_os_account(monkeypatch)
    users.set_unlock_pin(sqlite_store, staff.scheduler, PIN, now=NOW)
    app = _app(sqlite_store, staff.scheduler)
    async with app.run_test(size=(120, 30)) as pilot:
        await _lock_then_type(app, pilot, *["111222"] * 5)
        assert isinstance(app.screen, LoginScreen) and app.actor is None


async def test_a_user_with_nothing_to_unlock_with_is_signed_out(
    sqlite_store: Store, staff: Staff, monkeypatch: pytest.MonkeyPatch
) -> None:
    _as_os_account(monkeypatch)
    with sqlite_store.write() as session:
        ava = session.exec(select(User).where(col(User.username) == "ava.jensen")).one()
        ava.password_hash = None
    app = _app(sqlite_store, staff.scheduler)
    async with app.run_test(size=(120, 30)) as pilot:
        await _lock_then_type(app, pilot, "anything")
        assert isinstance(app.screen, LoginScreen) and app.actor is None
        notes = [n.message for n in app._notifications]
    assert any("Set a PIN with: schedtui users pin" in n for n in notes)


async def test_the_sandbox_trainee_unlocks_with_enter(
    sqlite_store: Store, staff: Staff, monkeypatch: pytest.MonkeyPatch
) -> None:
    _as_os_account(monkeypatch)
    app = _app(sqlite_store, staff.scheduler, sandbox=True)
    async with app.run_test(size=(120, 30)) as pilot:
        await _lock_then_type(app, pilot)
        assert not app.screen.query(Input)
        await pilot.press("enter")
        await _settle(pilot)
        assert isinstance(app.screen, TodayScreen)


@pytest.mark.parametrize(
    ("pin", "problem"),
    [("12345", "6 to 12 digits"), ("12a456", "6 to 12 digits"), ("777777", "too easy"),
     ("234567", "too easy")],
)  # fmt: skip
def test_an_easy_or_malformed_pin_is_refused(
    sqlite_store: Store, staff: Staff, pin: str, problem: str
) -> None:
    with pytest.raises(BadInput, match=problem):
        users.set_unlock_pin(sqlite_store, staff.scheduler, pin, now=NOW)


def test_users_pin_sets_your_own_pin_and_never_audits_it(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "clinic.db")
    link_first_admin(db, monkeypatch, capsys)
    monkeypatch.setattr("sys.stdin", io.StringIO(PIN + "\n"))
    assert run(["users", "pin", "--pin-stdin", "--db", db]) == 0
    assert "Unlock PIN of 'amy' set." in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", io.StringIO("1234\n"))
    assert run(["users", "pin", "--pin-stdin", "--db", db]) == 2
    assert "6 to 12 digits" in capsys.readouterr().err
    store = Store.open(db)
    with store.read() as session:
        details = [row.detail_json for row in session.exec(select(AuditEvent)).all()]
        amy = session.exec(select(User).where(col(User.username) == "amy")).one()
    store.dispose()
    assert amy.unlock_pin_hash is not None and amy.unlock_pin_hash.startswith("$argon2id$")
    assert any('"change": "unlock PIN"' in d for d in details)
    assert not any("argon2" in d or PIN in d for d in details)
