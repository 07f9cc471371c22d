"""Writing to a patient nobody could reach by phone: after three unanswered calls about
a referral (a `referral.unreached` change), a "please call us to book" message on each
channel the patient agreed to. It says the least: not the specialty, not the reason."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Final

from sqlmodel import Session, col, select

from schedtui.core.messages.consent import contact_points
from schedtui.core.messages.timing import after_quiet, quiet_hours
from schedtui.core.messages.wording import language_of
from schedtui.data import models as m
from schedtui.settings import Settings

_WORDS: Final = {
    "en": (
        "Please call us to book your visit",
        "Hello {first},\n\nWe have been trying to reach you to book a visit your doctor "
        "asked for. Please call {call}.\n\n{clinic}\n",
        "{clinic}: we have been trying to reach you to book a visit your doctor asked for. "
        "Please call {call}. Reply STOP to opt out.",
    ),
    "es": (
        "Llámenos para reservar su cita",
        "Hola {first},\n\nHemos intentado comunicarnos con usted para reservar una cita que "
        "su médico pidió. Llame al {call}.\n\n{clinic}\n",
        "{clinic}: hemos intentado comunicarnos con usted para reservar una cita que su "
        "médico pidió. Llame al {call}. Responda STOP para no recibir más mensajes.",
    ),
}


def unreached_notices(
    session: Session, event: m.DomainEvent, now: datetime, settings: Settings
) -> int:
    """The messages of a `referral.unreached` change (made once: keyed by the referral)."""
    if event.kind != "referral.unreached":
        return 0
    patient_id = json.loads(event.payload_json or "{}").get("patient_id")
    patient = session.get(m.Patient, patient_id or 0)
    if patient is None:
        return 0
    subject, mail, text = _WORDS[language_of(patient.language)]
    fill = {
        "first": patient.preferred_name or patient.first_name,
        "call": settings.clinic_phone or settings.clinic_name,
        "clinic": settings.clinic_name,
    }
    at = after_quiet(now, quiet_hours(settings), settings.zone)
    made = 0
    for channel, to in contact_points(session, patient, settings):
        key = f"referral:{event.aggregate_id}:unreached:{channel}"
        if session.exec(select(m.Message.id).where(col(m.Message.dedupe_key) == key)).first():
            continue
        body = (text if channel == "sms" else mail).format(**fill)
        session.add(
            m.Message(
                patient_id=patient.id or 0, channel=channel, kind="referral", to_address=to,
                subject="" if channel == "sms" else subject, body=body, scheduled_for=at,
                dedupe_key=key, event_id=event.id,
            )
        )  # fmt: skip
        made += 1
    return made
