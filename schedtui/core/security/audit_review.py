"""Reading the audit trail is itself guarded and audited (supervisors and admins)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, replace
from datetime import datetime
from pathlib import Path

from schedtui.core.security import audit
from schedtui.core.security.access import Actor, Permission
from schedtui.core.security.audit_anchor import (
    Anchoring,
    Checkpoint,
    CheckpointFileRefused,
    anchoring_of,
    append_checkpoint,
    checkpoint_problem,
    now_text,
    read_checkpoints,
)
from schedtui.core.security.guard import require
from schedtui.core.support.errors import BadInput
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


def check_chain(
    store: Store, actor: Actor, *, now: datetime, extra_checkpoints: Iterable[Path] = ()
) -> audit.ChainReport:
    """Verify the whole chain (supervisors and admins), then hold it against the
    checkpoints kept outside the store (the configured file, and any others named). An
    intact chain is checkpointed again at its head."""
    require(store, actor, Permission.VIEW_AUDIT, now=now, what="audit")
    anchoring = anchoring_of(store)
    files = [*([anchoring.path] if anchoring else []), *extra_checkpoints]
    checkpoints = read_checkpoints(files, store.describe())
    with store.read() as session:
        report = audit.verify(session)
        held = audit.hashes_of(session, [c.row_id for c in checkpoints])
    last = f"row {checkpoints[-1].row_id} at {checkpoints[-1].at}" if checkpoints else ""
    report = replace(report, checkpoints=len(checkpoints), last_checkpoint=last)
    if not report.intact:
        return report
    problem = checkpoint_problem(checkpoints, held)
    if problem:
        bad = next(c.row_id for c in checkpoints if held.get(c.row_id) != c.row_hash)
        return replace(report, first_bad_id=min(bad, report.rows + 1), problem=problem)
    if anchoring is not None and report.rows:
        _checkpoint_head(anchoring, store, report, now)
    return report


def checkpoint_now(store: Store, actor: Actor, *, now: datetime) -> Checkpoint:
    """Append the chain's head to the checkpoint file now (for cron: hourly, say)."""
    require(store, actor, Permission.VIEW_AUDIT, now=now, what="audit")
    anchoring = anchoring_of(store)
    if anchoring is None:
        raise BadInput("No checkpoint file is set (audit_checkpoints).")
    with store.read() as session:
        head = audit.head(session)
    if head is None:
        raise BadInput("The audit trail is empty: nothing to checkpoint.")
    checkpoint = Checkpoint(store.describe(), head[0], head[1], now_text(now))
    _append(anchoring, checkpoint)
    return checkpoint


def _checkpoint_head(
    anchoring: Anchoring, store: Store, report: audit.ChainReport, now: datetime
) -> None:
    _append(anchoring, Checkpoint(store.describe(), report.rows, report.head_hash, now_text(now)))


def _append(anchoring: Anchoring, checkpoint: Checkpoint) -> None:
    try:
        append_checkpoint(anchoring, checkpoint)
    except CheckpointFileRefused as refused:
        raise BadInput(str(refused)) from None
