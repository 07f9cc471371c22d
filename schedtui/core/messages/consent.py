"""Whether a patient agrees to be written to or called, per channel: read at the moment
a message is made and again when it is sent; changed by the patient's word (audited,
before and after)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from schedtui.core.schedule.directory import patient_id_for
from schedtui.core.security import audit
from schedtui.core.security.access import Actor, Permission
from schedtui.core.security.guard import guarded_write
from schedtui.core.support.errors import BadInput
from schedtui.data import models as m
from schedtui.data.codes import CONTACT_CHANNELS
from schedtui.data.store import Store
from schedtui.settings import Settings


def consents(session: Session, patient_id: int) -> dict[str, bool]:
    """Each channel's answer (a channel never asked about is a no)."""
    given = {
        c.channel: c.granted
        for c in session.exec(
            select(m.ContactConsent).where(col(m.ContactConsent.patient_id) == patient_id)
        )
    }
    return {channel: given.get(channel, False) for channel in CONTACT_CHANNELS}


def record_answer(
    session: Session, patient_id: int, channel: str, granted: bool, now: datetime
) -> None:
    """Keep the patient's answer for one channel (in the caller's transaction; the caller
    audits it)."""
    row = session.get(m.ContactConsent, (patient_id, channel))
    row = row or m.ContactConsent(
        patient_id=patient_id, channel=channel, granted=granted, recorded_at=now
    )
    row.granted, row.recorded_at = granted, now
    session.add(row)


def set_consent(
    store: Store, actor: Actor, mrn: str, changes: dict[str, bool], *, now: datetime
) -> dict[str, bool]:
    """Record the patient's answers (`changes`, by channel); return every channel's."""
    if not changes:
        raise BadInput("Say which channel: --sms on|off, --email on|off or --voice on|off.")
    if unknown := sorted(set(changes) - set(CONTACT_CHANNELS)):
        raise BadInput(f"Unknown channel {', '.join(unknown)}: use {', '.join(CONTACT_CHANNELS)}.")

    def work(session: Session) -> dict[str, bool]:
        patient_id = patient_id_for(session, mrn)
        before = consents(session, patient_id)
        for channel, granted in changes.items():
            record_answer(session, patient_id, channel, granted, now)
        after = before | changes
        audit.record(
            session, actor=actor, action="update", now=now, entity="contact-consent",
            entity_id=mrn.strip(), patient_id=patient_id,
            detail={"before": before, "after": after},
        )  # fmt: skip
        return after

    return guarded_write(store, actor, Permission.EDIT_PATIENTS, work, now=now, what="patient")


def contact_points(
    session: Session, patient: m.Patient, settings: Settings
) -> list[tuple[str, str]]:
    """Where the patient agreed to be written to: (channel, address). E-mail to their
    address; text messages to their mobile (the primary one first) when the clinic has
    them set up. Calls are `call_point`'s."""
    agreed = consents(session, patient.id or 0)
    points = [("email", patient.email)] if patient.email and agreed["email"] else []
    if agreed["sms"] and settings.twilio_account_sid:
        mobile = session.exec(
            select(m.PatientPhone.number)
            .where(col(m.PatientPhone.patient_id) == patient.id)
            .where(col(m.PatientPhone.kind) == "mobile")
            .order_by(col(m.PatientPhone.is_primary).desc(), col(m.PatientPhone.id))
        ).first()
        points += [("sms", mobile)] if mobile else []
    return points


def call_point(session: Session, patient: m.Patient) -> list[tuple[str, str]]:
    """Where to call a patient who agreed to calls: ("voice", number), the primary phone
    first; none without the patient's yes or a number."""
    if not consents(session, patient.id or 0)["voice"]:
        return []
    number = session.exec(
        select(m.PatientPhone.number)
        .where(col(m.PatientPhone.patient_id) == patient.id)
        .order_by(col(m.PatientPhone.is_primary).desc(), col(m.PatientPhone.id))
    ).first()
    return [("voice", number)] if number else []
