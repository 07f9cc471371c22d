"""Reading the audit trail is itself guarded and audited (supervisors and admins)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

from schedtui.core import audit
from schedtui.core.access import Actor, Permission
from schedtui.core.guard import require
from schedtui.data.store import Store


def review(
    store: Store, actor: Actor, query: audit.AuditQuery, *, now: datetime, exported: bool = False
) -> list[audit.AuditLine]:
    """The rows matching `query`; the reading is recorded (as an export when `exported`)."""
    require(store, actor, Permission.VIEW_AUDIT, now=now, what="audit")
    with store.read() as session:
        lines = audit.find(session, query)
    audit.append(
        store,
        actor=actor,
        action="export" if exported else "view",
        now=now,
        entity="audit",
        detail={"filters": asdict(query), "rows": len(lines)},
    )
    return lines


def check_chain(store: Store, actor: Actor, *, now: datetime) -> audit.ChainReport:
    """Verify the whole chain (supervisors and admins)."""
    require(store, actor, Permission.VIEW_AUDIT, now=now, what="audit")
    with store.read() as session:
        return audit.verify(session)
