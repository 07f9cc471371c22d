"""Whether a patient agrees to be written to or called, per channel: read at the moment
a message is made and again when it is sent; changed by the patient's word (audited,
before and after)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from schedtui.core.patients.contact_consent import consents, record_answer
from schedtui.core.schedule.directory import patient_id_for
from schedtui.core.security import audit
from schedtui.core.security.access import Actor, Permission
from schedtui.core.security.guard import guarded_write
from schedtui.core.support.errors import BadInput
from schedtui.data import models as m
from schedtui.data.codes import CONTACT_CHANNELS
from schedtui.data.store import Store
from schedtui.settings import Settings


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


def reachable(patient: m.Patient) -> bool:
    """Whether the patient may be written to or called at all: never a deceased patient,
    nor a chart merged into another (the survivor is written to)."""
    return not patient.deceased and patient.merged_into_id is None


def contact_points(
    session: Session, patient: m.Patient, settings: Settings
) -> list[tuple[str, str]]:
    """Where the patient agreed to be written to: (channel, address). E-mail to their
    address; text messages to their mobile (the primary one first) when the clinic has
    them set up. Calls are `call_point`'s."""
    if not reachable(patient):
        return []
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
    if not reachable(patient) or not consents(session, patient.id or 0)["voice"]:
        return []
    number = session.exec(
        select(m.PatientPhone.number)
        .where(col(m.PatientPhone.patient_id) == patient.id)
        .order_by(col(m.PatientPhone.is_primary).desc(), col(m.PatientPhone.id))
    ).first()
    return [("voice", number)] if number else []
