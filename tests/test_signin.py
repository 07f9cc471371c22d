"""Users and signing in: first admin, password and OS-account sign-in, lockout, audit rows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import col, select

from schedtui.core.security import users
from schedtui.core.security.access import Actor
from schedtui.core.security.passwords import password_matches
from schedtui.core.security.signin import (
    check_password,
    sign_in_as_os_account,
    sign_in_with_password,
)
from schedtui.core.support.errors import AccountLocked, BadInput, SignInRefused
from schedtui.data.models import AuditEvent, User
from schedtui.data.store import Store
from schedtui.settings import Settings, load_settings
from tests.builders import NOW

PASSWORD = "harbor-lights-42"


@pytest.fixture
def settings() -> Settings:
    return load_settings(failed_sign_in_limit=5, sign_in_lockout_minutes=15)


@pytest.fixture
def admin(sqlite_store: Store) -> Actor:
    actor = users.create_first_admin(
        sqlite_store,
        username="alex.admin",
        display_name="Alex",
        password="admin-secret-99",
        os_account=None,
        now=NOW,
    )
    users.add_user(
        sqlite_store,
        actor,
        username="ava",
        role="scheduler",
        display_name="Ava J",
        password=PASSWORD,
        os_account="ava_os",
        now=NOW,
    )
    users.add_user(sqlite_store, actor, username="tia", role="trainee", password=PASSWORD, now=NOW)
    return actor


def _audit(store: Store) -> list[tuple[str, str]]:
    with store.read() as session:
        rows = session.exec(select(AuditEvent).order_by(col(AuditEvent.id))).all()
    return [(row.action, row.username) for row in rows]


def _user(store: Store, name: str) -> User:
    with store.read() as session:
        user = session.exec(select(User).where(col(User.username) == name)).one()
    return user


def test_first_admin_only_once(sqlite_store: Store, admin: Actor) -> None:
    with pytest.raises(BadInput, match="already has an admin"):
        users.create_first_admin(
            sqlite_store,
            username="eve",
            display_name="",
            password="whatever-long-1",
            os_account=None,
            now=NOW,
        )


@pytest.mark.real_password_cost
def test_passwords_are_stored_as_argon2id(sqlite_store: Store, admin: Actor) -> None:
    """At the program's own cost (RFC 9106's second choice: 64 MiB, 3 passes, 4 lanes),
    which other tests lower to save time."""
    stored = _user(sqlite_store, "ava").password_hash
    assert stored is not None and stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert PASSWORD not in stored and password_matches(stored, PASSWORD)
    assert not password_matches(stored, PASSWORD + "x")


@pytest.mark.parametrize(
    ("username", "password", "message"),
    [
        ("Bad Name", "long enough pass", "not a valid user name"),
        ("bob", "short", "at least 10 characters"),
        ("bobby.long", "bobby.long", "must not be the user name"),
    ],
)
def test_bad_user_details_are_refused_and_nothing_is_saved(
    sqlite_store: Store, admin: Actor, username: str, password: str, message: str
) -> None:
    with pytest.raises(BadInput, match=message):
        users.add_user(
            sqlite_store, admin, username=username, role="scheduler", password=password, now=NOW
        )
    assert username not in [u.username for u in users.list_users(sqlite_store, admin, now=NOW)]


def test_unknown_role_is_refused(sqlite_store: Store, admin: Actor) -> None:
    with pytest.raises(BadInput, match="'wizard' is not a role"):
        users.add_user(sqlite_store, admin, username="gus", role="wizard", now=NOW)


def test_sign_in_with_password_is_audited(
    sqlite_store: Store, admin: Actor, settings: Settings
) -> None:
    actor = sign_in_with_password(sqlite_store, "Ava", PASSWORD, now=NOW, settings=settings)
    assert (actor.username, actor.role) == ("ava", "scheduler")
    assert _audit(sqlite_store)[-1] == ("login", "ava")
    assert _user(sqlite_store, "ava").last_login_at == NOW


def test_wrong_password_and_unknown_user_read_the_same(
    sqlite_store: Store, admin: Actor, settings: Settings
) -> None:
    with pytest.raises(SignInRefused) as wrong:
        sign_in_with_password(sqlite_store, "ava", "nope-nope-nope", now=NOW, settings=settings)
    with pytest.raises(SignInRefused) as unknown:
        sign_in_with_password(sqlite_store, "nobody", "nope-nope-nope", now=NOW, settings=settings)
    assert str(wrong.value) == str(unknown.value) == "Wrong user name or password."
    assert _audit(sqlite_store)[-2:] == [
        ("login-failed", "ava"),
        ("login-failed", "(unknown user)"),
    ]


def test_an_unknown_user_name_is_never_written_down(
    sqlite_store: Store, admin: Actor, settings: Settings
) -> None:
    """Regression test for a password typed into the user-name box landing in the trail."""
    typed = "Secret-Pass-77"
    with pytest.raises(SignInRefused):
        sign_in_with_password(sqlite_store, typed, "", now=NOW, settings=settings)
    with sqlite_store.read() as session:
        last = session.exec(select(AuditEvent).order_by(col(AuditEvent.id).desc())).first()
    assert last is not None and last.username == "(unknown user)"
    assert typed.lower() not in last.detail_json.lower()
    assert '"typed_length": 14' in last.detail_json


@pytest.mark.parametrize("setup", ["disabled", "locked", "trainee"])
def test_an_account_state_is_told_only_after_its_correct_password(
    sqlite_store: Store, admin: Actor, settings: Settings, setup: str
) -> None:
    name = "tia" if setup == "trainee" else "ava"
    if setup == "disabled":
        users.set_active(sqlite_store, admin, "ava", active=False, now=NOW)
    if setup == "locked":
        for _ in range(5):
            with pytest.raises(SignInRefused):
                sign_in_with_password(sqlite_store, "ava", "bad-pass-1", now=NOW, settings=settings)
    with pytest.raises(SignInRefused) as guess:
        sign_in_with_password(sqlite_store, name, "a-wrong-guess", now=NOW, settings=settings)
    assert str(guess.value) == "Wrong user name or password."
    assert not isinstance(guess.value, AccountLocked)
    with pytest.raises(SignInRefused) as right:
        sign_in_with_password(sqlite_store, name, PASSWORD, now=NOW, settings=settings)
    assert str(right.value) != "Wrong user name or password."


def test_five_failures_lock_the_account_for_fifteen_minutes(
    sqlite_store: Store, admin: Actor, settings: Settings
) -> None:
    for _ in range(5):
        with pytest.raises(SignInRefused):
            sign_in_with_password(sqlite_store, "ava", "bad-password-1", now=NOW, settings=settings)
    with pytest.raises(SignInRefused, match="locked until"):
        sign_in_with_password(
            sqlite_store, "ava", PASSWORD, now=NOW + timedelta(minutes=14), settings=settings
        )
    actor = sign_in_with_password(
        sqlite_store, "ava", PASSWORD, now=NOW + timedelta(minutes=16), settings=settings
    )
    assert actor.username == "ava"


def test_admin_can_unlock_early(sqlite_store: Store, admin: Actor, settings: Settings) -> None:
    for _ in range(5):
        with pytest.raises(SignInRefused):
            sign_in_with_password(sqlite_store, "ava", "bad-password-1", now=NOW, settings=settings)
    users.unlock(sqlite_store, admin, "ava", now=NOW)
    assert sign_in_with_password(sqlite_store, "ava", PASSWORD, now=NOW, settings=settings)


def test_disabled_account_cannot_sign_in(
    sqlite_store: Store, admin: Actor, settings: Settings
) -> None:
    users.set_active(sqlite_store, admin, "ava", active=False, now=NOW)
    with pytest.raises(SignInRefused, match="disabled"):
        sign_in_with_password(sqlite_store, "ava", PASSWORD, now=NOW, settings=settings)
    with pytest.raises(SignInRefused, match="disabled"):
        sign_in_as_os_account(sqlite_store, "ava_os", now=NOW)


def test_trainee_cannot_open_the_clinic_store(
    sqlite_store: Store, admin: Actor, settings: Settings
) -> None:
    with pytest.raises(SignInRefused, match="sandbox only"):
        sign_in_with_password(sqlite_store, "tia", PASSWORD, now=NOW, settings=settings)
    assert _audit(sqlite_store)[-1] == ("permission-denied", "tia")
    actor = sign_in_with_password(
        sqlite_store, "tia", PASSWORD, now=NOW, settings=settings, sandbox=True
    )
    assert actor.role == "trainee"


def test_os_account_signs_in_its_linked_user(sqlite_store: Store, admin: Actor) -> None:
    actor = sign_in_as_os_account(sqlite_store, "ava_os", now=NOW)
    assert actor.username == "ava"
    with pytest.raises(SignInRefused, match="not linked"):
        sign_in_as_os_account(sqlite_store, "mallory", now=NOW)
    assert _audit(sqlite_store)[-2:] == [("login", "ava"), ("login-failed", "mallory")]


def test_last_admin_cannot_be_disabled_or_demoted(sqlite_store: Store, admin: Actor) -> None:
    with pytest.raises(BadInput, match="without an active admin"):
        users.set_active(sqlite_store, admin, "alex.admin", active=False, now=NOW)
    with pytest.raises(BadInput, match="without an active admin"):
        users.set_role(sqlite_store, admin, "alex.admin", "scheduler", now=NOW)
    assert _user(sqlite_store, "alex.admin").active


def test_users_change_their_own_password(
    sqlite_store: Store, admin: Actor, settings: Settings
) -> None:
    ava = sign_in_with_password(sqlite_store, "ava", PASSWORD, now=NOW, settings=settings)
    users.set_password(sqlite_store, ava, "ava", "brand-new-secret", now=NOW)
    check_password(sqlite_store, ava, "brand-new-secret", now=NOW, settings=settings)
    with sqlite_store.read() as session:
        change = session.exec(
            select(AuditEvent)
            .where(col(AuditEvent.entity) == "user")
            .order_by(col(AuditEvent.id).desc())
        ).first()
    assert change is not None and '"change": "password"' in change.detail_json
    assert "argon2" not in change.detail_json


def test_role_change_records_before_and_after(sqlite_store: Store, admin: Actor) -> None:
    users.set_role(sqlite_store, admin, "ava", "supervisor", now=NOW)
    with sqlite_store.read() as session:
        change = session.exec(select(AuditEvent).order_by(col(AuditEvent.id).desc())).first()
    assert change is not None
    assert '"before": {"role": "scheduler"}' in change.detail_json
    assert '"after": {"role": "supervisor"}' in change.detail_json


def test_a_locked_account_is_refused_as_locked(
    sqlite_store: Store, admin: Actor, settings: Settings
) -> None:
    for _ in range(5):
        with pytest.raises(SignInRefused):
            sign_in_with_password(sqlite_store, "ava", "bad-password-1", now=NOW, settings=settings)
    with pytest.raises(AccountLocked):  # the lock screen signs the user out on this
        sign_in_with_password(sqlite_store, "ava", PASSWORD, now=NOW, settings=settings)
