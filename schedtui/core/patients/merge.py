"""Merging duplicate charts: everything recorded of the duplicate (visits, coverage,
notes, referrals, waitlist entries, messages, authorizations, payments...) moves to the
surviving chart; the duplicate is kept, marked merged and pointing to the survivor, so
its old MRN still finds the patient. Supervisors only; one transaction; audited and on
the change feed. The audit trail itself is never rewritten."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Table, delete, select, update
from sqlmodel import Session

from schedtui.core.security import audit
from schedtui.core.security.access import Actor, Permission
from schedtui.core.security.guard import guarded_write
from schedtui.core.support.charts import chart_for
from schedtui.core.support.errors import BadInput
from schedtui.data import models as m
from schedtui.data.store import Store

#: Tables whose rows stay with the chart they were written for: the audit trail (append
#: only, hash-chained) and the lookup's keys (made afresh from the survivor).
KEPT_IN_PLACE = frozenset({"audit_event", "patient_search_key", "patient_search_stamp"})
#: Tables where the survivor's own row wins over the duplicate's (one per patient and
#: channel, number, or campaign).
SURVIVOR_WINS = {
    "contact_consent": ("channel",),
    "patient_phone": ("number",),
    "recall_entry": ("campaign_id",),
}


@dataclass(frozen=True)
class Merged:
    """What moved to the survivor: rows per table."""

    survivor_mrn: str
    merged_mrn: str
    moved: dict[str, int]


def merge_charts(
    store: Store, actor: Actor, survivor_mrn: str, merged_mrn: str, *, now: datetime
) -> Merged:
    """Merge the chart `merged_mrn` into `survivor_mrn`."""
    if survivor_mrn.strip() == merged_mrn.strip():
        raise BadInput(f"MRN {survivor_mrn.strip()} cannot be merged into itself.")

    def work(session: Session) -> Merged:
        survivor = chart_for(session, survivor_mrn)
        merged = chart_for(session, merged_mrn)
        assert survivor.id is not None and merged.id is not None
        moved = {
            table.name: _move(session, table, merged.id, survivor.id)
            for table in _tables_of_a_patient()
        }
        patients = m.Patient.__table__  # type: ignore[attr-defined]
        session.execute(  # charts merged into the duplicate before now point to the survivor
            update(patients).where(patients.c.merged_into_id == merged.id)
            .values(merged_into_id=survivor.id)
        )  # fmt: skip
        merged.merged_into_id, merged.merged_at = survivor.id, now
        survivor.balance_cents += merged.balance_cents
        merged.balance_cents = 0
        for chart in (merged, survivor):
            chart.updated_at, chart.version = now, chart.version + 1
            session.add(chart)
        moved = {name: count for name, count in moved.items() if count}
        _record(session, actor, survivor, merged, moved, now)
        return Merged(survivor.mrn, merged.mrn, moved)

    return guarded_write(store, actor, Permission.MERGE_PATIENTS, work, now=now, what="patient")


def _tables_of_a_patient() -> list[Table]:
    """Every table with a patient_id (so a table added later moves too)."""
    return [
        table
        for table in m.metadata.sorted_tables
        if "patient_id" in table.c and table.name not in KEPT_IN_PLACE
    ]


def _move(session: Session, table: Table, merged_id: int, survivor_id: int) -> int:
    """Hand the duplicate's rows to the survivor; how many moved."""
    keys = SURVIVOR_WINS.get(table.name)
    if keys is not None:
        theirs = select(*(table.c[key] for key in keys)).where(table.c.patient_id == survivor_id)
        clash = table.c[keys[0]].in_(theirs)
        session.execute(delete(table).where(table.c.patient_id == merged_id).where(clash))
    done = session.execute(
        update(table).where(table.c.patient_id == merged_id).values(patient_id=survivor_id)
    )
    return int(done.rowcount or 0)  # type: ignore[attr-defined]


def _record(
    session: Session,
    actor: Actor,
    survivor: m.Patient,
    merged: m.Patient,
    moved: dict[str, int],
    now: datetime,
) -> None:
    detail = {"survivor": survivor.mrn, "merged": merged.mrn, "moved": moved}
    audit.record(
        session, actor=actor, action="update", now=now, entity="patient-merge",
        entity_id=merged.mrn, patient_id=survivor.id, detail=detail,
    )  # fmt: skip
    session.add(
        m.DomainEvent(
            occurred_at=now, kind="patient.merged", aggregate="patient",
            aggregate_id=survivor.id or 0, actor_id=actor.user_id,
            payload_json=json.dumps(detail),
        )
    )  # fmt: skip
