"""A payment as the desk takes it on screen: what it starts from (the visit it pays for,
the copay the insurance checklist knows, the balance, what was already paid for that
visit, the site) and the payment form read as the scheduler types it, every wrong field
named."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, func, select

from schedtui.core.insurance.checklist import Proposal, checklist
from schedtui.core.insurance.money import dollars
from schedtui.core.messages.consent import contact_points
from schedtui.core.payments.taking import (
    KINDS,
    METHODS,
    PaymentRequest,
    amount_cents,
)
from schedtui.core.security import audit
from schedtui.core.security.access import Actor, Permission
from schedtui.core.security.guard import require
from schedtui.core.support.card_numbers import has_card_number
from schedtui.core.support.errors import BadInput, FieldErrors
from schedtui.core.support.formats import visit_time
from schedtui.core.support.text import text_problem
from schedtui.data import models as m
from schedtui.data.store import Store
from schedtui.settings import Settings

#: The form's fields: name, label.
PAYMENT_FIELDS = (
    ("amount", "Amount (e.g. 25.00)"),
    ("method", "How: cash, check or card"),
    ("kind", "For: copay, balance or prepayment"),
    ("reference", "Check number, or the card processor's reference"),
    ("last4", "Card's last four digits (never the whole number)"),
    ("site", "Site (code)"),
    ("email", "E-mail the receipt: yes or no"),
)
#: Said under a field holding a full card number (it is never kept).
CARD_IN_FIELD = "looks like a full card number: only a card's last four digits are kept"
#: A visit a copay is taken for: today's, not yet seen or being seen.
PAYABLE_STATUSES = ("booked", "arrived", "checked-in", "fulfilled")


@dataclass(frozen=True)
class PaymentDue:
    """What the desk knows before taking a payment."""

    patient_id: int
    mrn: str
    name: str
    balance_cents: int
    appointment_id: int | None = None
    #: The visit, as the scheduler reads it ("" when the payment is for none).
    visit: str = ""
    site_code: str = ""
    #: The visit's copay (from the payer's answer or the card on file), when known.
    copay_cents: int | None = None
    copay_source: str = ""
    #: What was paid for this visit already, less what went back.
    paid_for_visit_cents: int = 0
    #: Whether the patient has an e-mail address they agreed to be written to.
    email_on_file: bool = False

    @property
    def copay_owed_cents(self) -> int:
        """What is left to pay of the visit's copay (0 when none is known)."""
        return max(0, (self.copay_cents or 0) - self.paid_for_visit_cents)

    def owes(self) -> bool:
        """Whether there is anything to collect: a copay still owed, or a balance."""
        return self.copay_owed_cents > 0 or self.balance_cents > 0

    def suggested(self) -> dict[str, str]:
        """The form as it opens: the copay still owed for the visit, else the balance."""
        prefill = {"method": "cash", "site": self.site_code,
                   "email": "yes" if self.email_on_file else "no"}  # fmt: skip
        if self.copay_owed_cents:
            return {**prefill, "kind": "copay", "amount": _plain(self.copay_owed_cents)}
        if self.balance_cents > 0:
            return {**prefill, "kind": "balance", "amount": _plain(self.balance_cents)}
        return {**prefill, "kind": "copay" if self.appointment_id else "prepayment"}

    def note_lines(self) -> list[str]:
        """What the form says above its fields."""
        lines = [f"For the visit {self.visit}" if self.visit else "Not for a visit today."]
        if self.copay_cents is not None:
            lines.append(f"Copay {dollars(self.copay_cents)} {self.copay_source}".rstrip())
        elif self.appointment_id is not None:
            lines.append("Copay not known (no copay on the card or from the payer).")
        if self.paid_for_visit_cents:
            lines.append(f"Already paid for this visit: {dollars(self.paid_for_visit_cents)}.")
        owed = f"{dollars(self.balance_cents)} due" if self.balance_cents else "nothing due"
        lines.append(f"Balance: {owed}.")
        if not self.email_on_file:
            lines.append("No e-mail on file that they agreed to: the receipt is printed.")
        return lines


def _plain(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def payment_due(
    store: Store,
    actor: Actor,
    *,
    patient_id: int | None = None,
    appointment_id: int | None = None,
    now: datetime,
    settings: Settings,
) -> PaymentDue:
    """What a payment for the patient (or the visit's patient) starts from: the visit
    named, else their visit today (at its site's own date), its copay, the balance; for
    those who take payments (an audited view of the patient)."""
    require(store, actor, Permission.TAKE_PAYMENTS, now=now, what="payment")
    with store.write() as session:
        if patient_id is None and appointment_id is not None:
            named = session.get(m.Appointment, appointment_id)
            patient_id = named.patient_id if named is not None else None
        patient = session.get(m.Patient, patient_id) if patient_id is not None else None
        if patient is None or patient.id is None:
            raise BadInput("That patient or visit no longer exists.")
        patient_id = patient.id
        emails = [point for point in contact_points(session, patient, settings)
                  if point[0] == "email"]  # fmt: skip
        due = PaymentDue(
            patient_id, patient.mrn, f"{patient.last_name}, {patient.first_name}",
            patient.balance_cents, site_code=_only_site(session), email_on_file=bool(emails),
        )  # fmt: skip
        visit = _visit(session, patient_id, appointment_id, now)
        audit.record(session, actor=actor, action="view", now=now, entity="payment-due",
                     entity_id=visit.id if visit else None, patient_id=patient_id)  # fmt: skip
        return due if visit is None else _for_visit(session, due, visit, now, settings)


def _visit(
    session: Session, patient_id: int, appointment_id: int | None, now: datetime
) -> m.Appointment | None:
    named = session.get(m.Appointment, appointment_id) if appointment_id is not None else None
    if named is not None and named.patient_id == patient_id:
        return named
    near = session.exec(
        select(m.Appointment)
        .where(col(m.Appointment.patient_id) == patient_id)
        .where(col(m.Appointment.status).in_(PAYABLE_STATUSES))
        .where(col(m.Appointment.start) >= now - timedelta(hours=14))
        .where(col(m.Appointment.start) <= now + timedelta(hours=14))
        .order_by(col(m.Appointment.start))
    ).all()
    return next((visit for visit in near if _same_day(session, visit, now)), None)


def _same_day(session: Session, visit: m.Appointment, now: datetime) -> bool:
    zone = ZoneInfo(_site(session, visit).timezone)
    return visit.start.astimezone(zone).date() == now.astimezone(zone).date()


def _site(session: Session, visit: m.Appointment) -> m.Site:
    site = session.get(m.Site, visit.site_id)
    assert site is not None
    return site


def _for_visit(
    session: Session, due: PaymentDue, visit: m.Appointment, now: datetime, settings: Settings
) -> PaymentDue:
    assert visit.id is not None
    site = _site(session, visit)
    kind = session.get(m.AppointmentType, visit.appointment_type_id)
    provider = session.get(m.Provider, visit.provider_id) if visit.provider_id else None
    local = visit.start.astimezone(ZoneInfo(site.timezone))
    with_whom = f" with {provider.first_name[:1]}. {provider.last_name}" if provider else ""
    copay = None
    if kind is not None:
        proposal = Proposal(due.patient_id, kind.code, visit.provider_id, local.date())
        lines = checklist(session, proposal, now=now, settings=settings)
        copay = next((line for line in lines if line.topic == "Copay" and line.cents), None)
    return replace(
        due, appointment_id=visit.id,
        visit=f"{visit_time(local)} {kind.code if kind else ''}{with_whom} at {site.code}",
        site_code=site.code, copay_cents=copay.cents if copay else None,
        copay_source=copay.reason.removeprefix(dollars(copay.cents or 0)).strip() if copay else "",
        paid_for_visit_cents=_paid_for(session, visit.id),
    )  # fmt: skip


def _paid_for(session: Session, appointment_id: int) -> int:
    paid = session.exec(
        select(func.coalesce(func.sum(m.Payment.amount_cents), 0)).where(
            col(m.Payment.appointment_id) == appointment_id
        )
    ).one()
    back = session.exec(
        select(func.coalesce(func.sum(m.PaymentReversal.amount_cents), 0))
        .join(m.Payment, col(m.Payment.id) == col(m.PaymentReversal.payment_id))
        .where(col(m.Payment.appointment_id) == appointment_id)
    ).one()
    return int(paid) - int(back)


def _only_site(session: Session) -> str:
    codes = session.exec(select(m.Site.code).where(col(m.Site.active))).all()
    return codes[0] if len(codes) == 1 else ""


@dataclass(frozen=True)
class DeskPayment:
    """The payment typed on the form, and whether its receipt is e-mailed."""

    email_receipt: bool
    request: PaymentRequest


def payment_from_form(typed: dict[str, str], due: PaymentDue) -> DeskPayment:
    """The payment the form describes; `FieldErrors` names every wrong field (a full
    card number in any of them is refused, and never kept)."""
    errors: dict[str, str] = {}
    for name, value in typed.items():
        if has_card_number(value):
            errors[name] = CARD_IN_FIELD
    if errors:
        raise FieldErrors(errors)
    words = {
        name: _word(typed.get(name, ""), choices, errors, name)
        for name, choices in (("method", METHODS), ("kind", KINDS))
    }
    try:
        amount_cents(typed.get("amount", ""), "The amount")
    except BadInput as wrong:
        errors["amount"] = str(wrong)
    _card_and_check(typed, words["method"], errors)
    if not typed.get("site", "").strip():
        errors["site"] = "say at which site the money is taken (its code)"
    email = _word(typed.get("email", "no"), ("yes", "no"), errors, "email") == "yes"
    if email and not due.email_on_file:
        errors["email"] = "the patient has no e-mail address they agreed to be written to"
    if errors:
        raise FieldErrors(errors)
    return DeskPayment(email, PaymentRequest(
        due.mrn, typed["amount"].strip(), words["method"], words["kind"],
        typed.get("reference", "").strip(), typed.get("last4", "").strip(),
        due.appointment_id, typed["site"].strip(),
    ))  # fmt: skip


def _word(text: str, choices: tuple[str, ...], errors: dict[str, str], name: str) -> str:
    """The choice typed, in full or by its first letters when only one starts so."""
    said = text.strip().lower()
    meant = [choice for choice in choices if said and choice.startswith(said)]
    if len(meant) == 1:
        return meant[0]
    if said in choices:
        return said
    errors[name] = f"'{text.strip()}' is not one of {', '.join(choices)}"
    return ""


def _card_and_check(typed: dict[str, str], method: str, errors: dict[str, str]) -> None:
    reference, last4 = typed.get("reference", "").strip(), typed.get("last4", "").strip()
    for name, value in (("reference", reference), ("last4", last4)):
        if problem := text_problem(value, 80):
            errors[name] = problem
    if method == "card" and not (len(last4) == 4 and last4.isdigit()):
        errors["last4"] = "a card payment needs the card's last four digits"
    elif method and method != "card" and last4:
        errors["last4"] = f"only a card payment keeps last four digits; this one is by {method}"
    if method == "check" and not reference:
        errors["reference"] = "a check payment needs the check number"
