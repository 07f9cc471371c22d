"""A payment's receipt e-mailed to the patient through the outbox: to the address they
agreed to be written to, once per payment, after the quiet hours, audited. The outbox's
runner sends it like any message (and withdraws it if the consent is taken back)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from schedtui.core.messages.consent import contact_points
from schedtui.core.messages.timing import after_quiet, quiet_hours
from schedtui.core.payments.ledger import receipt
from schedtui.core.security import audit
from schedtui.core.security.access import Actor, Permission
from schedtui.core.security.guard import guarded_write
from schedtui.core.support.errors import BadInput
from schedtui.data import models as m
from schedtui.data.store import Store
from schedtui.settings import Settings


def receipt_key(payment_id: int) -> str:
    """The outbox's key for a payment's receipt: one e-mail per payment."""
    return f"receipt:{payment_id}"


def email_receipt(
    store: Store, actor: Actor, payment_id: int, *, now: datetime, settings: Settings
) -> int:
    """Queue the payment's receipt for e-mail to its patient; the message's id. Refused
    (nothing queued) when the patient has no e-mail address they agreed to, or when the
    receipt was e-mailed already."""

    def work(session: Session) -> int:
        payment = session.get(m.Payment, payment_id)
        if payment is None:
            raise BadInput(f"There is no payment {payment_id}.")
        patient = session.get(m.Patient, payment.patient_id)
        assert patient is not None and patient.id is not None and payment.id is not None
        address = dict(contact_points(session, patient, settings)).get("email")
        if not address:
            raise BadInput(
                f"MRN {patient.mrn} has no e-mail address they agreed to be written to: "
                f"print the receipt instead (schedtui payments receipt {payment_id})."
            )
        _refuse_twice(session, payment.id)
        message = m.Message(
            patient_id=patient.id, channel="email", kind="receipt", to_address=address,
            subject=f"Your receipt from {settings.clinic_name}",
            body=receipt(session, payment.id, settings.clinic_name),
            scheduled_for=after_quiet(now, quiet_hours(settings), _zone(session, payment)),
            dedupe_key=receipt_key(payment.id),
        )  # fmt: skip
        session.add(message)
        session.flush()
        assert message.id is not None
        audit.record(
            session, actor=actor, action="create", now=now, entity="message",
            entity_id=message.id, patient_id=patient.id,
            detail={"kind": "receipt", "payment_id": payment.id},
        )  # fmt: skip
        return message.id

    return guarded_write(store, actor, Permission.TAKE_PAYMENTS, work, now=now, what="receipt")


def _refuse_twice(session: Session, payment_id: int) -> None:
    sent = session.exec(
        select(m.Message.id).where(col(m.Message.dedupe_key) == receipt_key(payment_id))
    ).first()
    if sent is not None:
        raise BadInput(f"The receipt of payment {payment_id} is in the outbox already "
                       f"(message {sent}).")  # fmt: skip


def _zone(session: Session, payment: m.Payment) -> ZoneInfo:
    site = session.get(m.Site, payment.site_id) if payment.site_id is not None else None
    return ZoneInfo(site.timezone if site is not None else "UTC")
