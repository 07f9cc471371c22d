"""`require`: the one door every guarded action passes, refusals audited; and
`guarded_write`, the shape of a guarded change: the door, then one write transaction."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from sqlmodel import Session

from schedtui.core.security import audit
from schedtui.core.security.access import Actor, Permission, PermissionDenied
from schedtui.core.support.writes import in_write
from schedtui.data.store import Store

T = TypeVar("T")


def require(
    store: Store, actor: Actor, permission: Permission, *, now: datetime, what: str = ""
) -> None:
    """Return if `actor` holds `permission`; else audit the refusal and raise `PermissionDenied`."""
    if actor.can(permission):
        return
    audit.append(
        store,
        actor=actor,
        action="permission-denied",
        now=now,
        entity=what,
        detail={"permission": permission.value, "role": actor.role},
    )
    raise PermissionDenied(actor, permission)


def guarded_write(
    store: Store,
    actor: Actor,
    permission: Permission,
    work: Callable[[Session], T],
    *,
    now: datetime,
    what: str = "",
) -> T:
    """A guarded change: `require` the permission (a refusal audited, nothing written),
    then `work` in one write transaction, retried when the engine asks (`in_write`)."""
    require(store, actor, permission, now=now, what=what)
    return in_write(store, work)
