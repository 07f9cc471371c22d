"""Keeping the payer directory true: a payer's name, its X12 payer id (what every
eligibility inquiry addresses) and provider-services phone changed, or the payer taken
out of use (never deleted: coverages keep it). Supervisors and admins; audited before
and after, and on the change feed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from schedtui.core.insurance.records import PAYER_ID
from schedtui.core.schedule import setup_checks as checks
from schedtui.core.schedule.clinic_setup import changed, record_setup, switch_active
from schedtui.core.security.access import Actor, Permission
from schedtui.core.security.guard import guarded_write
from schedtui.core.support.errors import BadInput
from schedtui.core.x12.elements import printable_id
from schedtui.data import models as m
from schedtui.data.store import Store


@dataclass(frozen=True)
class PayerFields:
    """What is said of a payer; None: not given (kept as it is)."""

    name: str | None = None
    x12_payer_id: str | None = None
    phone: str | None = None


def _checked(fields: PayerFields, region: str) -> dict[str, Any]:
    given: dict[str, Any] = {}
    if fields.name is not None:
        given["name"] = checks.line("The payer's name", fields.name, 60, required=True)
    if fields.x12_payer_id is not None:
        x12 = fields.x12_payer_id.strip()
        if not PAYER_ID.match(x12):
            raise BadInput(
                f"The X12 payer id '{printable_id(x12)}' must be 1 to 15 letters and digits "
                "(it addresses the payer in every eligibility inquiry)."
            )
        given["x12_payer_id"] = x12
    if fields.phone is not None:
        given["phone"] = checks.phone(fields.phone, region)
    return given


def edit_payer(
    store: Store, actor: Actor, x12_payer_id: str, fields: PayerFields, *, now: datetime,
    region: str,
) -> list[str]:  # fmt: skip
    """Change what is given of the payer with this X12 id; the columns that changed."""
    values = _checked(fields, region)

    def work(session: Session) -> list[str]:
        payer = payer_by_x12(session, x12_payer_id)
        new_id = values.get("x12_payer_id")
        if new_id and new_id != payer.x12_payer_id and _taken(session, new_id):
            raise BadInput(f"There is already a payer with X12 id '{new_id}'.")
        change = changed(payer, values)
        if change[1]:
            session.add(payer)
            assert payer.id is not None
            record_setup(session, actor, now, "payer", payer.id, change)
        return sorted(change[1])

    return guarded_write(store, actor, Permission.MANAGE_PAYERS, work, now=now, what="payer")


def set_payer_active(
    store: Store, actor: Actor, x12_payer_id: str, active: bool, *, now: datetime
) -> bool:
    """Take a payer out of use (no new coverage names it; those on file keep it) or back;
    whether it changed."""

    def work(session: Session) -> bool:
        return switch_active(session, actor, now, "payer", payer_by_x12(session, x12_payer_id),
                             active)  # fmt: skip

    return guarded_write(store, actor, Permission.MANAGE_PAYERS, work, now=now, what="payer")


def payer_by_x12(session: Session, x12_payer_id: str) -> m.Payer:
    """The payer with this X12 id (`BadInput` when there is none)."""
    payer = session.exec(
        select(m.Payer).where(col(m.Payer.x12_payer_id) == x12_payer_id.strip())
    ).first()
    if payer is None:
        raise BadInput(
            f"There is no payer with X12 id '{printable_id(x12_payer_id)}' "
            "('schedtui payers list' lists them)."
        )
    return payer


def _taken(session: Session, x12_payer_id: str) -> bool:
    return (
        session.exec(select(m.Payer.id).where(col(m.Payer.x12_payer_id) == x12_payer_id)).first()
        is not None
    )
