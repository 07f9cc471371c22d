"""Users and roles: add, list, disable, enable, change password or role, unlock.

Only admins manage users, except that the very first admin of a store can be
created by anyone who can reach it (the store's first run).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from schedtui.core.security import audit
from schedtui.core.security.access import Actor, Permission
from schedtui.core.security.guard import require
from schedtui.core.security.passwords import check_strength, hash_password
from schedtui.core.support.errors import BadInput
from schedtui.core.support.text import check_lines
from schedtui.data.codes import ROLES
from schedtui.data.models import User
from schedtui.data.store import Store

USERNAME = re.compile(r"^[a-z][a-z0-9._-]{1,63}$")
#: Columns whose values never go into the audit trail.
_SECRETS = frozenset({"password_hash", "unlock_pin_hash"})
#: An unlock PIN: digits only, long enough that five tries before sign-out guess nothing.
PIN = re.compile(r"^[0-9]{6,12}$")


@dataclass(frozen=True)
class UserSummary:
    """A user as `users list` shows them (never the password hash)."""

    username: str
    display_name: str
    role: str
    active: bool
    os_account: str | None
    has_password: bool
    locked_until: datetime | None
    last_login_at: datetime | None


def needs_first_admin(session: Session) -> bool:
    """True while the store has no active admin: its first run."""
    query = select(User.id).where(col(User.role) == "admin", col(User.active))
    return session.exec(query.limit(1)).first() is None


def actor_of(user: User) -> Actor:
    """The `Actor` a user acts as."""
    return Actor(user.id, user.username, user.role, user.display_name)


def _check_username(username: str) -> None:
    if not USERNAME.match(username):
        raise BadInput(
            f"'{username}' is not a valid user name: use 2-64 lower-case letters, digits, "
            "'.', '_' or '-', starting with a letter."
        )


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise BadInput(f"'{role}' is not a role; choose one of {', '.join(ROLES)}.")


def create_first_admin(
    store: Store,
    *,
    username: str,
    display_name: str,
    password: str | None,
    os_account: str | None,
    now: datetime,
) -> Actor:
    """Create the store's first admin; refused once an admin exists."""
    _check_username(username)
    if password is None and os_account is None:
        raise BadInput("The first admin needs a password or an OS account to sign in with.")
    if password is not None:
        check_strength(password, username)
    with store.write() as session:
        if not needs_first_admin(session):
            raise BadInput("This store already has an admin; ask them to add you.")
        _require_free(session, username, os_account)
        user = _insert(session, username, display_name, "admin", password, os_account, now)
        actor = actor_of(user)
        audit.record(
            session,
            actor=actor,
            action="create",
            now=now,
            entity="user",
            entity_id=username,
            detail={"role": "admin", "first_admin": True},
        )
    return actor


def add_user(
    store: Store,
    actor: Actor,
    *,
    username: str,
    role: str,
    display_name: str = "",
    password: str | None = None,
    os_account: str | None = None,
    now: datetime,
) -> None:
    """Add a user (admins only)."""
    require(store, actor, Permission.MANAGE_USERS, now=now, what="user")
    _check_username(username)
    _check_role(role)
    if password is not None:
        check_strength(password, username)
    with store.write() as session:
        _require_free(session, username, os_account)
        _insert(session, username, display_name, role, password, os_account, now)
        audit.record(
            session,
            actor=actor,
            action="create",
            now=now,
            entity="user",
            entity_id=username,
            detail={"role": role, "os_account": os_account, "password": password is not None},
        )


def _require_free(session: Session, username: str, os_account: str | None) -> None:
    if session.exec(select(User).where(col(User.username) == username)).first():
        raise BadInput(f"There is already a user named '{username}'; choose another name.")
    if os_account and session.exec(select(User).where(col(User.os_account) == os_account)).first():
        raise BadInput(f"The OS account '{os_account}' is already linked to another user.")


def check_new_user(username: str, role: str, display_name: str, os_account: str | None) -> None:
    """Refuse a new user's name, role or text fields before anything else is asked."""
    _check_username(username)
    _check_role(role)
    check_lines({"The display name": (display_name, 120), "The OS account": (os_account, 64)})


def _insert(
    session: Session,
    username: str,
    display_name: str,
    role: str,
    password: str | None,
    os_account: str | None,
    now: datetime,
) -> User:
    check_new_user(username, role, display_name, os_account)
    user = User(
        username=username,
        display_name=display_name,
        role=role,
        password_hash=hash_password(password) if password else None,
        os_account=os_account or None,
        created_at=now,
    )
    session.add(user)
    session.flush()
    return user


def list_users(store: Store, actor: Actor, *, now: datetime) -> list[UserSummary]:
    """Every user, by name (admins only)."""
    require(store, actor, Permission.MANAGE_USERS, now=now, what="user")
    with store.read() as session:
        users = session.exec(select(User).order_by(col(User.username))).all()
    return [
        UserSummary(
            u.username,
            u.display_name,
            u.role,
            u.active,
            u.os_account,
            bool(u.password_hash),
            u.locked_until,
            u.last_login_at,
        )
        for u in users
    ]


def _change(
    store: Store, actor: Actor, username: str, now: datetime, what: str, **changes: object
) -> None:
    with store.write() as session:
        user = session.exec(select(User).where(col(User.username) == username)).first()
        if user is None:
            raise BadInput(f"There is no user named '{username}'.")
        before = {key: getattr(user, key) for key in changes}
        for key, value in changes.items():
            setattr(user, key, value)
        if needs_first_admin(session):
            raise BadInput("That would leave the store without an active admin.")
        shown = {k: v for k, v in changes.items() if k not in _SECRETS}
        audit.record(
            session,
            actor=actor,
            action="update",
            now=now,
            entity="user",
            entity_id=username,
            detail={"change": what, "before": {k: before[k] for k in shown}, "after": shown},
        )


def set_active(store: Store, actor: Actor, username: str, *, active: bool, now: datetime) -> None:
    """Disable (or enable again) a user's account (admins only)."""
    require(store, actor, Permission.MANAGE_USERS, now=now, what="user")
    _change(store, actor, username, now, "enable" if active else "disable", active=active)


def set_role(store: Store, actor: Actor, username: str, role: str, *, now: datetime) -> None:
    """Give a user another role (admins only)."""
    require(store, actor, Permission.MANAGE_USERS, now=now, what="user")
    _check_role(role)
    _change(store, actor, username, now, "role", role=role)


def set_password(
    store: Store, actor: Actor, username: str, password: str, *, now: datetime
) -> None:
    """Set a password: your own, or anyone's if you manage users."""
    if actor.username != username:
        require(store, actor, Permission.MANAGE_USERS, now=now, what="user")
    check_strength(password, username)
    _change(
        store,
        actor,
        username,
        now,
        "password",
        password_hash=hash_password(password),
        failed_logins=0,
        locked_until=None,
    )


def set_unlock_pin(store: Store, actor: Actor, pin: str, *, now: datetime) -> None:
    """Set your own unlock PIN: what the idle lock asks for when you signed in as your OS
    account (no password typed). 6 to 12 digits, not one digit repeated or a run."""
    if not PIN.match(pin):
        raise BadInput("The PIN must be 6 to 12 digits.")
    if len(set(pin)) == 1 or pin in "01234567890123" or pin in "98765432109876":
        raise BadInput("That PIN is too easy to guess (one digit repeated, or a run).")
    _change(store, actor, actor.username, now, "unlock PIN", unlock_pin_hash=hash_password(pin))


def unlock(store: Store, actor: Actor, username: str, *, now: datetime) -> None:
    """Lift a sign-in lockout before it expires (admins only)."""
    require(store, actor, Permission.MANAGE_USERS, now=now, what="user")
    _change(store, actor, username, now, "unlock", failed_logins=0, locked_until=None)
