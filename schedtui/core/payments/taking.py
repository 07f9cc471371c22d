"""Taking a payment: a copay, a balance or a prepayment, in cash, by check or by card,
in integer cents, at a site and on that site's local day, with a receipt number."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from schedtui.core.insurance.money import dollars, typed_cents
from schedtui.core.schedule.directory import site_id_for
from schedtui.core.security import audit
from schedtui.core.security.access import Actor, Permission
from schedtui.core.security.guard import guarded_write
from schedtui.core.support.card_numbers import has_card_number
from schedtui.core.support.charts import chart_for
from schedtui.core.support.errors import BadInput
from schedtui.core.support.text import text_problem
from schedtui.core.support.writes import lock_rows
from schedtui.data import models as m
from schedtui.data.store import Store

#: What a payment is for, and how it is paid.
KINDS = ("copay", "balance", "prepayment")
METHODS = ("cash", "check", "card")
#: The most one payment may be: a desk does not take more.
MOST_CENTS = 1_000_000_00
CARD_REFUSED = (
    "looks like a full card number: only the card's last four digits are kept "
    "(--last4), nothing was written"
)


def amount_cents(text: str, what: str = "The amount", *, zero_ok: bool = False) -> int:
    """An amount of money typed at the desk, in integer cents (at most what one payment
    may be); `BadInput` naming the field otherwise."""
    return typed_cents(text, what, most_cents=MOST_CENTS, zero_ok=zero_ok)


@dataclass(frozen=True)
class PaymentRequest:
    """A payment as the desk takes it."""

    mrn: str
    amount: str
    method: str
    kind: str = "copay"
    reference: str = ""
    last4: str = ""
    appointment_id: int | None = None
    site: str | None = None


@dataclass(frozen=True)
class Taken:
    """A payment written: its id, amount and receipt number."""

    payment_id: int
    amount_cents: int
    receipt_number: int
    day: date
    site_code: str = ""
    #: Whether its receipt went to the outbox to be e-mailed.
    emailed: bool = False

    @property
    def receipt_label(self) -> str:
        """The receipt's number as printed on it: DTN-000042."""
        return f"{self.site_code}-{self.receipt_number:06d}"


def take_payment(store: Store, actor: Actor, request: PaymentRequest, *, now: datetime) -> Taken:
    """Take a payment (checked in full before anything is written), audited."""
    cents = amount_cents(request.amount)
    method, kind = _checked_words(request)
    reference, last4 = _checked_card_and_check(request, method)

    def work(session: Session) -> Taken:
        patient = chart_for(session, request.mrn)
        assert patient.id is not None
        appointment = _visit_of(session, patient, request.appointment_id)
        site = _site(session, request.site, appointment)
        day = local_day(site, now)
        refuse_if_closed(session, actor, site, day)
        lock_rows(session, "patient", [patient.id])
        if kind == "balance":
            _pay_down(session, patient, cents)
        payment = m.Payment(
            patient_id=patient.id, appointment_id=appointment.id if appointment else None,
            amount_cents=cents, method=method, kind=kind, reference=reference,
            card_last4=last4, received_at=now, received_by_id=actor.user_id,
            site_id=site.id, day=day, receipt_number=_next_receipt(session, site),
        )  # fmt: skip
        session.add(payment)
        session.flush()
        assert payment.id is not None and payment.receipt_number is not None
        audit.record(
            session, actor=actor, action="create", now=now, entity="payment",
            entity_id=payment.id, patient_id=patient.id, detail={"after": snapshot(payment)},
        )  # fmt: skip
        return Taken(payment.id, cents, payment.receipt_number, day, site.code)

    return guarded_write(store, actor, Permission.TAKE_PAYMENTS, work, now=now, what="payment")


def _checked_words(request: PaymentRequest) -> tuple[str, str]:
    method, kind = request.method.strip().lower(), request.kind.strip().lower()
    if method not in METHODS:
        raise BadInput(f"The method '{request.method}' is not one of {', '.join(METHODS)}.")
    if kind not in KINDS:
        raise BadInput(f"The kind '{request.kind}' is not one of {', '.join(KINDS)}.")
    return method, kind


def _checked_card_and_check(request: PaymentRequest, method: str) -> tuple[str, str]:
    reference, last4 = request.reference.strip(), request.last4.strip()
    for label, value in (("The reference", reference), ("The last four digits", last4)):
        if has_card_number(value):
            raise BadInput(f"{label} {CARD_REFUSED}.")
        problem = text_problem(value, 80)
        if problem:
            raise BadInput(f"{label}: {problem}.")
    if method == "card" and not (len(last4) == 4 and last4.isdigit()):
        raise BadInput("A card payment needs the card's last four digits (--last4 1234).")
    if method != "card" and last4:
        raise BadInput(f"Only a card payment keeps last four digits; this one is by {method}.")
    if method == "check" and not reference:
        raise BadInput("A check payment needs the check number (--reference).")
    return reference, last4


def _visit_of(
    session: Session, patient: m.Patient, appointment_id: int | None
) -> m.Appointment | None:
    if appointment_id is None:
        return None
    visit = session.get(m.Appointment, appointment_id)
    if visit is None or visit.patient_id != patient.id:
        raise BadInput(f"Appointment {appointment_id} is not one of MRN {patient.mrn}'s visits.")
    return visit


def _site(session: Session, said: str | None, visit: m.Appointment | None) -> m.Site:
    if said is not None:
        site = session.get(m.Site, site_id_for(session, said))
    elif visit is not None:
        site = session.get(m.Site, visit.site_id)
    else:
        sites = list(session.exec(select(m.Site).where(col(m.Site.active))))
        if len(sites) != 1:
            raise BadInput("Say at which site the payment is taken (--site CODE).")
        site = sites[0]
    assert site is not None
    return site


def local_day(site: m.Site, moment: datetime) -> date:
    """The site's own date at `moment` (what a day's close counts by)."""
    return moment.astimezone(ZoneInfo(site.timezone)).date()


def refuse_if_closed(session: Session, actor: Actor, site: m.Site, day: date) -> None:
    """Refuse money moving on a day the user has closed at that site."""
    closed = session.exec(
        select(m.DrawerClose.id)
        .where(col(m.DrawerClose.site_id) == site.id)
        .where(col(m.DrawerClose.username) == actor.username)
        .where(col(m.DrawerClose.day) == day)
    ).first()
    if closed is not None:
        raise BadInput(
            f"{day:%m/%d/%Y} at {site.code} is closed for {actor.username}: "
            "no more payments or refunds that day."
        )


def _pay_down(session: Session, patient: m.Patient, cents: int) -> None:
    if cents > patient.balance_cents:
        raise BadInput(
            f"The amount is more than MRN {patient.mrn}'s balance "
            f"({dollars(patient.balance_cents)}); take the rest as a prepayment."
        )
    patient.balance_cents -= cents
    session.add(patient)


def _next_receipt(session: Session, site: m.Site) -> int:
    """The site's next receipt number: the counter moves in the payment's own
    transaction, so a payment rolled back gives its number back and none is skipped."""
    assert site.id is not None
    lock_rows(session, "site", [site.id])  # PostgreSQL: one payment a site at a time here
    counter = session.get(m.ReceiptCounter, site.id)
    if counter is None:
        counter = m.ReceiptCounter(site_id=site.id, last_number=0)
    counter.last_number += 1
    session.add(counter)
    return counter.last_number


def snapshot(payment: m.Payment) -> dict[str, object]:
    """What an audit row keeps of a payment."""
    return {
        "amount_cents": payment.amount_cents, "method": payment.method, "kind": payment.kind,
        "card_last4": payment.card_last4, "reference": payment.reference,
        "site_id": payment.site_id, "day": str(payment.day),
        "receipt_number": payment.receipt_number, "appointment_id": payment.appointment_id,
    }  # fmt: skip
