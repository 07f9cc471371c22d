"""How a TUI session starts: signed in already, a first admin to create, or a login screen."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlmodel import col, select

from schedtui.core.security import audit, os_identity
from schedtui.core.security.access import Actor
from schedtui.core.security.signin import os_account_user, sign_in_as_os_account
from schedtui.core.security.users import actor_of, needs_first_admin
from schedtui.core.support.clock import Clock
from schedtui.data.models import User
from schedtui.data.store import Store
from schedtui.settings import Settings


@dataclass(frozen=True)
class SessionStart:
    """What the TUI shows first."""

    actor: Actor | None
    needs_first_admin: bool
    os_login: str
    #: The user was signed in by OS account: the idle lock re-checks that, not a password.
    via_os_account: bool = False
    #: What the phone system says about the caller (`schedtui call --from`): a first lookup.
    caller_query: str = ""


def start_session(store: Store, settings: Settings, clock: Clock, *, sandbox: bool) -> SessionStart:
    """Decide the first screen; sign in now when the OS account is trusted (or in the sandbox)."""
    login = os_identity.current_os_login()
    now = clock.now()
    if sandbox:
        actor = sandbox_trainee(store, login, clock)
        return SessionStart(actor, False, login, via_os_account=True)
    with store.read() as session:
        first_run = needs_first_admin(session)
    if first_run:
        return SessionStart(None, True, login)
    if settings.trust_os_accounts and os_account_user(store, login) is not None:
        actor = sign_in_as_os_account(store, login, now=now)
        return SessionStart(actor, False, login, via_os_account=True)
    return SessionStart(None, False, login)


def _trainee_name(login: str) -> str:
    name = re.sub(r"[^a-z0-9._-]", "", login.lower())
    return name if re.match(r"^[a-z][a-z0-9._-]{1,63}$", name) else "trainee"


def sandbox_trainee(store: Store, login: str, clock: Clock) -> Actor:
    """The sandbox's user for this OS account, a trainee, created on first use."""
    now = clock.now()
    with store.write() as session:
        user = session.exec(select(User).where(col(User.os_account) == login)).first()
        if user is None:
            name = _trainee_name(login)
            taken = session.exec(select(User).where(col(User.username) == name)).first()
            user = User(
                username=f"{name}.sandbox" if taken else name,
                role="trainee",
                display_name=login,
                os_account=login,
                created_at=now,
            )
            session.add(user)
            session.flush()
            audit.record(
                session,
                actor=actor_of(user),
                action="create",
                now=now,
                entity="user",
                entity_id=user.username,
                detail={"sandbox": True},
            )
    return sign_in_as_os_account(store, login, now=now, method="sandbox", sandbox=True)
