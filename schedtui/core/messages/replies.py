"""What a patient texts back, and what the clinic does with it.

A reply is read as a whole word, the way carriers read STOP: STOP (and its synonyms)
turns text messages off for every patient with that number, at once; START turns them
back on; HELP is answered with who we are and the number to call; C confirms the visit
the patient was last texted about; R asks for a call back (it waits on the call-back
list for a scheduler); YES takes the waitlist offer texted to that number, if one waits
(`offers`). Anything else is kept for staff to read and answered with what
the patient can reply. Each text is handled once however often Twilio delivers it (its
message SID is kept), and every change it makes is audited."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Final
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from schedtui.core.messages.offers import Taken, take_offer
from schedtui.core.messages.wording import language_of, spoken_time
from schedtui.core.patients.call_backs import call_back_in
from schedtui.core.patients.contact_consent import consents, record_answer
from schedtui.core.security import audit
from schedtui.core.support.writes import in_write
from schedtui.data import models as m
from schedtui.data.store import Store
from schedtui.settings import Settings

#: Who the audit trail names for what a patient's text did.
REPLY_USER: Final = "text reply"
#: Carriers' and Twilio's opt-out, opt-in and help words (a whole message, any case).
OPT_OUT: Final = frozenset(
    {"STOP", "STOPALL", "STOP ALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "REVOKE"}
)
OPT_IN: Final = frozenset({"START", "UNSTOP", "YES", "OPTIN"})
HELP: Final = frozenset({"HELP", "INFO"})
CONFIRM: Final = frozenset({"C", "CONFIRM", "CONFIRMED", "CONFIRMAR"})
CALL_BACK: Final = frozenset({"R", "CALL", "CALL ME", "LLAMAR"})
#: A YES to a waitlist offer (YES alone, with no offer open, is an opt-in).
OFFER_YES: Final = frozenset({"YES", "Y", "SI", "SÍ"})

_ANSWERS: Final[dict[str, dict[str, str]]] = {
    "en": {
        "opt-out": "{clinic}: you will get no more texts from us. Reply START to get them again.",
        "opt-in": "{clinic}: you will get appointment texts again. Reply STOP to stop them.",
        "help": "{clinic}: appointment texts. Call {call} for help. Reply STOP to stop texts.",
        "confirmed": "{clinic}: thank you, your visit {when} is confirmed.",
        "nothing-to-confirm": "{clinic}: we found no upcoming visit to confirm. Please call "
        "{call}.",
        "call-back": "{clinic}: we will call you back at this number soon.",
        "offer-booked": "{clinic}: it is yours: your visit is now {when}.",
        "offer-taken": "{clinic}: sorry, that time was just taken. You stay on our waitlist.",
        "offer-expired": "{clinic}: sorry, that offer has ended. You stay on our waitlist.",
        "offer-refused": "{clinic}: we could not book that time by text. Please call {call}.",
        "other": "{clinic}: this number does not read messages. Call {call}. Reply C to "
        "confirm a visit, R for a call back, STOP to stop texts.",
    },
    "es": {
        "opt-out": "{clinic}: no recibirá más mensajes. Responda START para volver a recibirlos.",
        "opt-in": "{clinic}: volverá a recibir mensajes de sus citas. Responda STOP para "
        "no recibirlos.",
        "help": "{clinic}: mensajes de citas. Llame al {call} para ayuda. Responda STOP para "
        "no recibirlos.",
        "confirmed": "{clinic}: gracias, su cita del {when} está confirmada.",
        "nothing-to-confirm": "{clinic}: no encontramos una cita próxima para confirmar. "
        "Llame al {call}.",
        "call-back": "{clinic}: le llamaremos pronto a este número.",
        "offer-booked": "{clinic}: es suyo: su cita ahora es el {when}.",
        "offer-taken": "{clinic}: lo sentimos, ese horario ya fue tomado. Sigue en nuestra "
        "lista de espera.",
        "offer-expired": "{clinic}: lo sentimos, esa oferta terminó. Sigue en nuestra lista "
        "de espera.",
        "offer-refused": "{clinic}: no pudimos reservar ese horario por mensaje. Llame al {call}.",
        "other": "{clinic}: este número no lee mensajes. Llame al {call}. Responda C para "
        "confirmar una cita, R para que le llamemos, STOP para no recibir mensajes.",
    },
}


@dataclass(frozen=True)
class Heard:
    """A text a patient sent to the clinic's number, as Twilio hands it over."""

    sid: str  # Twilio's MessageSid
    sender: str  # E.164
    to: str
    body: str


@dataclass(frozen=True)
class Answer:
    """What the text did (`action`) and what the patient is told (`reply`)."""

    action: str
    reply: str


def word_of(body: str) -> str:
    """The reply as a keyword: trimmed, upper case, spaces collapsed, end stops dropped."""
    return " ".join(body.upper().split()).strip(".!¡?¿ ")


def action_of(body: str) -> str:
    """What a reply asks for: opt-out, opt-in, help, confirm, call-back or other."""
    word = word_of(body)
    for action, words in (
        ("opt-out", OPT_OUT), ("opt-in", OPT_IN), ("help", HELP),
        ("confirm", CONFIRM), ("call-back", CALL_BACK),
    ):  # fmt: skip
        if word in words:
            return action
    return "other"


def take_reply(store: Store, heard: Heard, *, now: datetime, settings: Settings) -> Answer:
    """Act on a patient's text once (a second delivery of it gets the first answer). A
    YES first answers the waitlist offer waiting for that number, if one is."""
    with store.read() as session:
        known = _known(session, heard.sid)
    if known is not None:
        return known
    taken = None
    if word_of(heard.body) in OFFER_YES:
        taken = take_offer(store, heard.sender, now=now, settings=settings)
    return in_write(store, lambda session: _take(session, heard, now, settings, taken))


def _known(session: Session, sid: str) -> Answer | None:
    known = session.exec(
        select(m.InboundMessage).where(col(m.InboundMessage.provider_ref) == sid)
    ).first()
    return Answer(known.action, known.reply) if known is not None else None


def _take(
    session: Session, heard: Heard, now: datetime, settings: Settings, taken: Taken | None
) -> Answer:
    if (known := _known(session, heard.sid)) is not None:
        return known
    patients = _patients_at(session, heard.sender)
    action = "offer" if taken is not None else action_of(heard.body)
    visit: m.Appointment | None = None
    if taken is not None and taken.appointment_id is not None:
        visit = session.get(m.Appointment, taken.appointment_id)
    if action in ("opt-out", "opt-in"):
        _set_texts(session, patients, action == "opt-in", now)
    elif action == "call-back" and len(patients) == 1 and patients[0].id is not None:
        call_back_in(session, patients[0].id, now, "asked by text (R)", "text", None, now,
                     username=REPLY_USER)  # fmt: skip
    elif action == "confirm":
        visit = _last_texted_visit(session, heard.sender, now)
        if visit is not None:
            _confirm(session, visit, now)
    said = _words(session, patients, visit, _answer_key(action, visit, taken), settings)
    row = m.InboundMessage(
        provider_ref=heard.sid, received_at=now, from_address=heard.sender,
        to_address=heard.to, body=heard.body[:1600], action=action, reply=said,
        patient_id=_whose(visit, taken, patients),
        appointment_id=visit.id if visit else None,
    )  # fmt: skip
    session.add(row)
    session.flush()
    audit.record(
        session, actor=None, username=REPLY_USER, action="create", now=now,
        entity="inbound-message", entity_id=row.id, patient_id=row.patient_id,
        detail={"action": action, "patients": len(patients)},
    )  # fmt: skip
    return Answer(action, said)


def _whose(
    visit: m.Appointment | None, taken: Taken | None, patients: list[m.Patient]
) -> int | None:
    """The patient the text is from, when it is known."""
    if visit is not None:
        return visit.patient_id
    if taken is not None:
        return taken.offer.patient_id
    return patients[0].id if len(patients) == 1 else None


def _patients_at(session: Session, number: str) -> list[m.Patient]:
    """The patients who have this phone number (a family may share one)."""
    return list(
        session.exec(
            select(m.Patient)
            .join(m.PatientPhone, col(m.PatientPhone.patient_id) == m.Patient.id)
            .where(col(m.PatientPhone.number) == number)
            .order_by(col(m.Patient.id))
        ).unique()
    )


def _set_texts(session: Session, patients: list[m.Patient], granted: bool, now: datetime) -> None:
    for patient in patients:
        assert patient.id is not None
        before = consents(session, patient.id)
        if before["sms"] == granted:
            continue
        record_answer(session, patient.id, "sms", granted, now)
        audit.record(
            session, actor=None, username=REPLY_USER, action="update", now=now,
            entity="contact-consent", entity_id=patient.mrn, patient_id=patient.id,
            detail={"before": before, "after": before | {"sms": granted}},
        )  # fmt: skip


def _last_texted_visit(session: Session, number: str, now: datetime) -> m.Appointment | None:
    """The upcoming, booked visit the clinic last texted this number about."""
    return session.exec(
        select(m.Appointment)
        .join(m.Message, col(m.Message.appointment_id) == m.Appointment.id)
        .where(col(m.Message.channel) == "sms", col(m.Message.to_address) == number)
        .where(col(m.Message.status) == "sent")
        .where(col(m.Appointment.status) == "booked", col(m.Appointment.start) > now)
        .order_by(col(m.Message.sent_at).desc(), col(m.Message.id).desc())
        .limit(1)
    ).first()


def _confirm(session: Session, visit: m.Appointment, now: datetime) -> None:
    """The patient said they will come: the visit is marked confirmed (audited; the
    calendar and Today learn of it from the change feed)."""
    if visit.confirmed_at is not None:
        return
    visit.confirmed_at, visit.updated_at = now, now
    visit.version += 1
    session.add(visit)
    session.add(
        m.DomainEvent(
            occurred_at=now, kind="appointment.confirmed", aggregate="appointment",
            aggregate_id=visit.id or 0, provider_id=visit.provider_id,
            payload_json=json.dumps({"patient_id": visit.patient_id, "by": "sms"}),
        )
    )  # fmt: skip
    audit.record(
        session, actor=None, username=REPLY_USER, action="update", now=now,
        entity="appointment", entity_id=visit.id, patient_id=visit.patient_id,
        detail={"confirmed_at": now.isoformat(), "by": "sms"},
    )  # fmt: skip


def _words(
    session: Session,
    patients: list[m.Patient],
    visit: m.Appointment | None,
    key: str,
    settings: Settings,
) -> str:
    """The answer, in the patient's language (English for a number nobody has)."""
    language = language_of(patients[0].language) if patients else "en"
    site = session.get(m.Site, visit.site_id) if visit is not None else None
    when = ""
    if visit is not None and site is not None:
        when = spoken_time(visit.start.astimezone(ZoneInfo(site.timezone)), language)
    call = (site.phone if site else "") or settings.clinic_phone or "the clinic"
    clinic = site.name if site else settings.clinic_name
    return _ANSWERS[language][key].format(clinic=clinic, call=call, when=when)


def _answer_key(action: str, visit: m.Appointment | None, taken: Taken | None) -> str:
    if taken is not None:
        return f"offer-{taken.outcome}"
    if action == "confirm":
        return "confirmed" if visit else "nothing-to-confirm"
    return action
