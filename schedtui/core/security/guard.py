"""`require`: the one door every guarded action passes, refusals audited."""

from __future__ import annotations

from datetime import datetime

from schedtui.core.security import audit
from schedtui.core.security.access import Actor, Permission, PermissionDenied
from schedtui.data.store import Store


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
