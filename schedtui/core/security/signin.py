"""Signing in: with a password, or as a trusted OS account; lockout after repeated failures.

Every sign-in and every failed one is audited. A failed attempt never says whether
the user name exists.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from functools import cache

from sqlmodel import Session, col, select

from schedtui.core.security import audit
from schedtui.core.security.access import Actor, Permission
from schedtui.core.security.passwords import hash_password, password_matches
from schedtui.core.security.users import actor_of
from schedtui.core.support.errors import AccountLocked, SignInRefused
from schedtui.data.models import User
from schedtui.data.store import Store
from schedtui.settings import Settings

WRONG_CREDENTIALS = "Wrong user name or password."
#: What the audit trail says for a user name that matches no account (never the text typed).
UNKNOWN_USER = "(unknown user)"


@cache
def _stand_in_hash() -> str:
    """A hash to check against when the user is unknown, so both answers take as long."""
    return hash_password(secrets.token_hex(16))


def _refuse(
    store: Store,
    message: str,
    *,
    username: str,
    user: User | None,
    now: datetime,
    reason: str,
    action: str = "login-failed",
    detail: dict[str, object] | None = None,
) -> SignInRefused:
    actor = actor_of(user) if user else None
    audit.append(
        store,
        actor=actor,
        username=username,
        action=action,
        now=now,
        entity="session",
        detail={"reason": reason, **(detail or {})},
    )
    locked_out = reason == "locked" and message != WRONG_CREDENTIALS
    return AccountLocked(message) if locked_out else SignInRefused(message)


def _lockout_message(user: User) -> str:
    assert user.locked_until is not None
    return (
        f"Too many failed sign-ins: '{user.username}' is locked until "
        f"{user.locked_until:%H:%M} UTC, or until an admin unlocks it."
    )


def _usable(store: Store, user: User, now: datetime, *, sandbox: bool) -> Actor:
    """Refuse disabled, locked-out and (outside the sandbox) trainee accounts."""
    if not user.active:
        raise _refuse(
            store,
            f"The account '{user.username}' is disabled; ask an admin.",
            username=user.username,
            user=user,
            now=now,
            reason="disabled",
        )
    if user.locked_until and user.locked_until > now:
        raise _refuse(
            store,
            _lockout_message(user),
            username=user.username,
            user=user,
            now=now,
            reason="locked",
        )
    actor = actor_of(user)
    if not sandbox and not actor.can(Permission.OPEN_CLINIC_STORE):
        raise _refuse(
            store,
            "Trainees work in the sandbox only: start schedtui --sandbox.",
            username=user.username,
            user=user,
            now=now,
            reason="trainee",
            action="permission-denied",
        )
    return actor


def sign_in_with_password(
    store: Store,
    username: str,
    password: str,
    *,
    now: datetime,
    settings: Settings,
    sandbox: bool = False,
) -> Actor:
    """The signed-in actor, or `SignInRefused` with a message for the login screen.

    Whether an account is disabled, locked or a trainee's is said only after its correct
    password, so a guess learns nothing about the account. A user name that matches no
    account is never written down (it may be a password typed in the wrong box).
    """
    username = username.strip().lower()
    with store.read() as session:
        user = _user(session, username)
    if user is None:
        password_matches(_stand_in_hash(), password)  # the same time as a real check
        raise _refuse(
            store,
            WRONG_CREDENTIALS,
            username=UNKNOWN_USER,
            user=None,
            now=now,
            reason="unknown user",
            detail={"typed_length": len(username)},
        )
    if not password_matches(user.password_hash, password):
        if user.locked_until and user.locked_until > now:
            raise _refuse(
                store, WRONG_CREDENTIALS, username=username, user=user, now=now, reason="locked"
            )
        raise _failed_password(store, username, now, settings)
    actor = _usable(store, user, now, sandbox=sandbox)
    _signed_in(store, username, now, method="password")
    return actor


def _user(session: Session, username: str) -> User | None:
    return session.exec(select(User).where(col(User.username) == username)).first()


def _failed_password(
    store: Store, username: str, now: datetime, settings: Settings
) -> SignInRefused:
    with store.write() as session:
        user = _user(session, username)
        assert user is not None
        user.failed_logins += 1
        locked = user.failed_logins >= settings.failed_sign_in_limit
        if locked:
            user.locked_until = now + timedelta(minutes=settings.sign_in_lockout_minutes)
            user.failed_logins = 0
        audit.record(
            session,
            actor=actor_of(user),
            action="login-failed",
            now=now,
            entity="session",
            detail={"reason": "wrong password", "locked": locked},
        )
        if locked:
            return AccountLocked(_lockout_message(user))
    return SignInRefused(WRONG_CREDENTIALS)


def _signed_in(store: Store, username: str, now: datetime, *, method: str) -> None:
    with store.write() as session:
        user = _user(session, username)
        assert user is not None
        user.failed_logins = 0
        user.locked_until = None
        user.last_login_at = now
        audit.record(
            session,
            actor=actor_of(user),
            action="login",
            now=now,
            entity="session",
            detail={"method": method},
        )


def os_account_user(store: Store, os_login: str) -> User | None:
    """The user linked to an OS account, if any."""
    with store.read() as session:
        return session.exec(select(User).where(col(User.os_account) == os_login)).first()


def sign_in_as_os_account(
    store: Store,
    os_login: str,
    *,
    now: datetime,
    method: str = "os-account",
    sandbox: bool = False,
) -> Actor:
    """Sign in the user linked to the OS account `os_login` (trusted: no password)."""
    user = os_account_user(store, os_login)
    if user is None:
        raise _refuse(
            store,
            f"The OS account '{os_login}' is not linked to a schedtui user; an admin can link "
            f"it with: schedtui users add NAME --role ROLE --os-account {os_login}",
            username=os_login,
            user=None,
            now=now,
            reason="unlinked os account",
        )
    actor = _usable(store, user, now, sandbox=sandbox)
    _signed_in(store, user.username, now, method=method)
    return actor


def check_password(
    store: Store, actor: Actor, password: str, *, now: datetime, settings: Settings
) -> None:
    """Re-check the signed-in user's password (unlocking the idle lock); audited on failure.

    Failures count towards the lockout like any failed sign-in.
    """
    try:
        # sandbox=True: whoever is already signed in may unlock their own session.
        sign_in_with_password(
            store, actor.username, password, now=now, settings=settings, sandbox=True
        )
    except AccountLocked:
        raise
    except SignInRefused as refused:
        if str(refused) == WRONG_CREDENTIALS:
            raise SignInRefused("Wrong password.") from None
        raise


#: Said when an OS-account session has nothing to unlock it with.
NO_UNLOCK_SECRET = (
    "You have no unlock PIN or password, so the lock cannot open: signed out (your work "
    "is kept). Set a PIN with: schedtui users pin"
)


def check_unlock_secret(
    store: Store, actor: Actor, secret: str, *, now: datetime, settings: Settings
) -> None:
    """Re-check the user of an OS-account session at the lock: their unlock PIN or their
    password. Failures count towards the lockout (`AccountLocked` signs them out); a user
    with neither is refused with `AccountLocked` at once: nothing lets a passer-by in."""
    with store.read() as session:
        user = _user(session, actor.username)
    if user is None:
        raise AccountLocked("Your account is gone; signed out.")
    if user.unlock_pin_hash is None and user.password_hash is None:
        raise _refuse(
            store, NO_UNLOCK_SECRET, username=user.username, user=user, now=now, reason="locked"
        )
    matches = password_matches(user.unlock_pin_hash, secret) or password_matches(
        user.password_hash, secret
    )
    if not matches:
        failed = _failed_password(store, user.username, now, settings)
        if isinstance(failed, AccountLocked):
            raise failed
        raise SignInRefused("Wrong PIN or password.")
    _usable(store, user, now, sandbox=True)
    _signed_in(store, user.username, now, method="unlock (PIN or password)")
