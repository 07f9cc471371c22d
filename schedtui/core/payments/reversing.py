"""Money going back: a void (the whole payment, by the taker the same day or by a
supervisor) or a refund (up to what is left of it, by a supervisor), each with a reason,
each a row of its own: a payment row is never edited or deleted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, func, select

from schedtui.core.insurance.money import dollars
from schedtui.core.payments.taking import amount_cents, local_day, refuse_if_closed, snapshot
from schedtui.core.security import audit
from schedtui.core.security.access import Actor, Permission, PermissionDenied
from schedtui.core.security.guard import guarded_write, require
from schedtui.core.support.errors import BadInput
from schedtui.core.support.text import text_problem
from schedtui.core.support.writes import lock_rows
from schedtui.data import models as m
from schedtui.data.store import Store

REASON_LIMIT = 500


@dataclass(frozen=True)
class Reversed:
    """A void or refund written, and what is left of the payment."""

    reversal_id: int
    amount_cents: int
    left_cents: int


def reverse_payment(
    store: Store,
    actor: Actor,
    payment_id: int,
    kind: str,
    reason: str,
    *,
    now: datetime,
    amount: str | None = None,
) -> Reversed:
    """Void (`kind` 'void': all of it) or refund (`amount`, or all that is left)."""
    why = reason.strip()
    problem = "is required" if not why else text_problem(why, REASON_LIMIT)
    if problem:
        raise BadInput(f"The reason {problem}.")
    asked = amount_cents(amount, "The refund") if amount is not None else None
    if kind == "void" and asked is not None:
        raise BadInput("A void takes back the whole payment; give an amount only to refund.")

    def work(session: Session) -> Reversed:
        payment = session.get(m.Payment, payment_id)
        if payment is None:
            raise BadInput(f"There is no payment {payment_id}.")
        lock_rows(session, "patient", [payment.patient_id])
        site = session.get(m.Site, payment.site_id) if payment.site_id else None
        day = local_day(site, now) if site else now.date()
        _may_reverse(actor, payment, kind, day)
        if site is not None:
            refuse_if_closed(session, actor, site, day)
        already = reversed_cents(session, payment_id)
        left = payment.amount_cents - already
        cents = _amount(kind, asked, left, payment)
        if payment.kind == "balance":
            patient = session.get(m.Patient, payment.patient_id)
            assert patient is not None
            patient.balance_cents += cents  # owed again
            session.add(patient)
        row = m.PaymentReversal(
            payment_id=payment_id, kind=kind, amount_cents=cents, reason=why, reversed_at=now,
            reversed_by_id=actor.user_id, site_id=payment.site_id, day=day,
        )  # fmt: skip
        session.add(row)
        session.flush()
        assert row.id is not None
        before = {**snapshot(payment), "reversed_cents": already}
        audit.record(
            session, actor=actor, action="update", now=now, entity="payment",
            entity_id=payment_id, patient_id=payment.patient_id,
            detail={"before": before, "after": {**before, "reversed_cents": already + cents},
                    kind: {"amount_cents": cents, "reason": why}},
        )  # fmt: skip
        return Reversed(row.id, cents, left - cents)

    try:
        return guarded_write(store, actor, Permission.TAKE_PAYMENTS, work, now=now, what="payment")
    except PermissionDenied as denied:  # someone else's payment, or an older one
        require(store, actor, denied.permission, now=now, what="payment")
        raise


def reversed_cents(session: Session, payment_id: int) -> int:
    """How much of a payment has gone back already."""
    total = session.exec(
        select(func.coalesce(func.sum(m.PaymentReversal.amount_cents), 0)).where(
            col(m.PaymentReversal.payment_id) == payment_id
        )
    ).one()
    return int(total)


def _may_reverse(actor: Actor, payment: m.Payment, kind: str, day: date) -> None:
    if kind not in ("void", "refund"):
        raise BadInput(f"'{kind}' is not a void or a refund.")
    if actor.can(Permission.MANAGE_PAYMENTS):
        return
    own_today = payment.received_by_id == actor.user_id and payment.day == day
    if kind == "void" and own_today and actor.user_id is not None:
        return
    raise PermissionDenied(actor, Permission.MANAGE_PAYMENTS)


def _amount(kind: str, asked: int | None, left: int, payment: m.Payment) -> int:
    if left <= 0:
        raise BadInput(f"Payment {payment.id} has already gone back in full.")
    if kind == "void":
        if left != payment.amount_cents:
            raise BadInput(f"Payment {payment.id} was partly refunded: refund the rest instead.")
        return left
    cents = left if asked is None else asked
    if cents > left:
        raise BadInput(
            f"The refund is more than what is left of payment {payment.id} ({dollars(left)})."
        )
    return cents
