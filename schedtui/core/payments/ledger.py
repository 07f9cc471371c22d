"""The day's payments as the desk and the supervisor read them, a patient's ledger, and a
payment's receipt (plain text, the minimum necessary: MRN, never a diagnosis)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, func, select

from schedtui.core.insurance.money import dollars
from schedtui.core.schedule.directory import site_id_for
from schedtui.core.support.errors import BadInput
from schedtui.core.support.rows import JsonRow
from schedtui.data import models as m


@dataclass(frozen=True)
class PaymentRow(JsonRow):
    """A payment and what has gone back of it."""

    id: int
    mrn: str
    day: date | None
    site: str
    amount_cents: int
    reversed_cents: int
    method: str
    kind: str
    reference: str
    card_last4: str
    receipt_number: int | None
    taken_by: str
    appointment_id: int | None

    @property
    def receipt_label(self) -> str:
        """The receipt's number as printed on it (DTN-000042), "" when it has none."""
        return f"{self.site}-{self.receipt_number:06d}" if self.receipt_number else ""


def payments_on(session: Session, day: date, site: str | None = None) -> list[PaymentRow]:
    """Every payment taken on `day` (a site's local day), at one site or all."""
    query = _rows().where(col(m.Payment.day) == day)
    if site is not None:
        query = query.where(col(m.Payment.site_id) == site_id_for(session, site))
    return [_row(*found) for found in session.execute(query.order_by(col(m.Payment.id)))]


def ledger_of(session: Session, patient_id: int, *, latest: int | None = None) -> list[PaymentRow]:
    """A patient's payments, newest first (only the `latest` so many, when given)."""
    query = _rows().where(col(m.Payment.patient_id) == patient_id)
    query = query.order_by(col(m.Payment.id).desc()).limit(latest)
    return [_row(*found) for found in session.execute(query)]


def _rows() -> Any:
    back = (
        select(func.coalesce(func.sum(m.PaymentReversal.amount_cents), 0))
        .where(col(m.PaymentReversal.payment_id) == col(m.Payment.id))
        .scalar_subquery()
    )
    return (
        sa_select(m.Payment, col(m.Patient.mrn), col(m.Site.code), col(m.User.username), back)
        .join(m.Patient, col(m.Patient.id) == col(m.Payment.patient_id))
        .outerjoin(m.Site, col(m.Site.id) == col(m.Payment.site_id))
        .outerjoin(m.User, col(m.User.id) == col(m.Payment.received_by_id))
    )


def _row(payment: m.Payment, mrn: str, site: str | None, user: str | None, back: int) -> PaymentRow:
    assert payment.id is not None
    return PaymentRow(
        payment.id, mrn, payment.day, site or "", payment.amount_cents, int(back),
        payment.method, payment.kind, payment.reference, payment.card_last4,
        payment.receipt_number, user or "", payment.appointment_id,
    )  # fmt: skip


def receipt(session: Session, payment_id: int, clinic: str) -> str:
    """A plain-text receipt for a payment."""
    found = session.execute(_rows().where(col(m.Payment.id) == payment_id)).first()
    if found is None:
        raise BadInput(f"There is no payment {payment_id}.")
    row = _row(*found)
    paid_by = {"card": f"card ending {row.card_last4}", "check": f"check {row.reference}"}
    lines = [
        clinic,
        f"Receipt {row.receipt_label}".strip(),
        f"Date: {row.day:%m/%d/%Y}" if row.day else "",
        f"Patient: MRN {row.mrn}",
        f"For: {row.kind}",
        f"Paid: {dollars(row.amount_cents)} by {paid_by.get(row.method, row.method)}",
    ]
    if row.reversed_cents:
        lines.append(f"Returned since: {dollars(row.reversed_cents)}")
    lines.append(f"Taken by: {row.taken_by or '-'}")
    return "\n".join(line for line in lines if line) + "\n"
