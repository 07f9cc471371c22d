"""Freed times offered to the waitlist by text (Fast Pass): when a cancellation frees a
provider's time, whichever process made it, the best-fitting waitlist patients who agree
to texts get an offer; the first to reply YES gets the visit (booked by the same engine
as at the desk, their later visit cancelled); a later YES is told the time was taken. An
offer stands for `waitlist_offer_minutes` and ends an hour before the visit at the
latest. Supervisors turn it on (`waitlist_offers`) and off per site or visit type
(`waitlist_offers_off`). Every offer made and answered is audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from schedtui.core.messages.consent import contact_points
from schedtui.core.messages.wording import language_of, spoken_time
from schedtui.core.schedule.waitlist import Offer, OpenTime, book_entry_in, offers_for
from schedtui.core.security import audit
from schedtui.core.security.access import Actor
from schedtui.core.support.errors import BadInput
from schedtui.core.support.writes import in_write
from schedtui.data import models as m
from schedtui.data.store import Store
from schedtui.settings import Settings

#: Who books a visit when a patient's YES takes an offer (named in the audit trail).
OFFER_DESK: Final = Actor(None, "text reply", "scheduler")
#: An offer ends at the latest this long before the visit (time to get there).
LAST_CALL: Final = timedelta(hours=1)

_OFFER_TEXT: Final = {
    "en": "{clinic}: an earlier time opened for your visit: {when}. Reply YES to take it "
    "(the first reply gets it) by {until}. Reply STOP to opt out.",
    "es": "{clinic}: se abrió un horario más temprano para su cita: {when}. Responda YES "
    "para tomarlo (lo obtiene la primera respuesta) antes de las {until}. Responda STOP "
    "para no recibir más mensajes.",
}


@dataclass(frozen=True)
class Taken:
    """What a YES came to: `outcome` is booked, taken, expired or refused."""

    outcome: str
    offer: m.WaitlistOffer
    appointment_id: int | None = None


def offer_freed_time(
    session: Session, visit: m.Appointment, event: m.DomainEvent, now: datetime, settings: Settings
) -> int:
    """Offer the time `visit` held (cancelled, or moved away from) to the waitlist, in the
    outbox's transaction; how many offers were made."""
    if not settings.waitlist_offers or event.id is None:
        return 0
    until = min(now + timedelta(minutes=settings.waitlist_offer_minutes), visit.start - LAST_CALL)
    if until <= now:
        return 0
    opened = OpenTime(visit.provider_id, visit.site_id, visit.start, visit.end)
    site = session.get(m.Site, visit.site_id)
    assert site is not None
    made = 0
    for offer in offers_for(session, opened, now=now):
        if made >= settings.waitlist_offer_count:
            break
        if not _offered_here(site.code, offer.type_code, settings):
            continue
        if _was_offered(session, offer, event.id):
            continue
        made += _offer(session, offer, opened, event.id, until, now, settings)
    return made


def _offered_here(site: str, type_code: str, settings: Settings) -> bool:
    """Whether offers are made for this site and visit type."""
    off = {rule.upper() for rule in settings.waitlist_offers_off}
    return not off & {site.upper(), type_code.upper(), f"{site}/{type_code}".upper()}


def _was_offered(session: Session, offer: Offer, event_id: int) -> bool:
    return (
        session.exec(
            select(m.WaitlistOffer.id)
            .where(col(m.WaitlistOffer.entry_id) == offer.entry_id)
            .where(col(m.WaitlistOffer.event_id) == event_id)
        ).first()
        is not None
    )


def _offer(
    session: Session,
    offer: Offer,
    opened: OpenTime,
    event_id: int,
    until: datetime,
    now: datetime,
    settings: Settings,
) -> int:
    patient = session.get(m.Patient, offer.patient_id)
    assert patient is not None
    mobile = next((to for channel, to in contact_points(session, patient, settings)
                   if channel == "sms"), None)  # fmt: skip
    if mobile is None:
        return 0  # an offer needs a YES: only patients who agree to texts get one
    made = m.WaitlistOffer(
        entry_id=offer.entry_id, patient_id=offer.patient_id, event_id=event_id,
        provider_id=opened.provider_id, site_id=opened.site_id, start=opened.start,
        end=opened.end, to_address=mobile, made_at=now, expires_at=until,
    )  # fmt: skip
    session.add(made)
    session.flush()
    site = session.get(m.Site, opened.site_id)
    assert site is not None
    zone = ZoneInfo(site.timezone)
    language = language_of(patient.language)
    text = _OFFER_TEXT[language].format(
        clinic=site.name,
        when=spoken_time(opened.start.astimezone(zone), language),
        until=f"{until.astimezone(zone):%I:%M %p}".lstrip("0"),
    )
    session.add(
        m.Message(
            patient_id=offer.patient_id, channel="sms", kind="waitlist-offer",
            to_address=mobile, body=text, scheduled_for=now,
            dedupe_key=f"offer:{made.id}:sms", event_id=event_id,
        )
    )  # fmt: skip
    audit.record(
        session, actor=None, username="waitlist offers", action="create", now=now,
        entity="waitlist-offer", entity_id=made.id, patient_id=offer.patient_id,
        detail={"entry": offer.entry_id, "start": opened.start.isoformat(), "why": offer.why},
    )  # fmt: skip
    return 1


def open_offer(session: Session, number: str) -> m.WaitlistOffer | None:
    """The newest offer texted to `number` not yet answered (still open, or lost to
    another patient's YES, or ended: this YES hears so)."""
    return session.exec(
        select(m.WaitlistOffer)
        .where(col(m.WaitlistOffer.to_address) == number)
        .where(col(m.WaitlistOffer.status).in_(("open", "lost", "expired")))
        .where(col(m.WaitlistOffer.answered_at).is_(None))
        .order_by(col(m.WaitlistOffer.made_at).desc(), col(m.WaitlistOffer.id).desc())
        .limit(1)
    ).first()


def take_offer(store: Store, number: str, *, now: datetime, settings: Settings) -> Taken | None:
    """A YES from `number`: book the open offer it answers, if it can still be had.
    None when no offer waits for this number."""
    try:
        return in_write(store, lambda session: _take(session, number, now, settings))
    except BadInput as refused:  # the engine refused the booking: rolled back; say so
        why = str(refused)
    return in_write(store, lambda session: _refused(session, number, now, why))


def _take(session: Session, number: str, now: datetime, settings: Settings) -> Taken | None:
    offer = open_offer(session, number)
    if offer is None:
        return None
    offer.answered_at = now
    if now >= offer.expires_at or offer.status == "expired":
        return _close(session, offer, "expired", now, "expired")
    if offer.status == "lost" or _taken_by_another(session, offer):
        return _close(session, offer, "lost", now, "taken")
    opened = OpenTime(offer.provider_id, offer.site_id, offer.start, offer.end)
    visit = book_entry_in(
        session, OFFER_DESK, offer.entry_id, opened, now, settings, _standing_reason(session, offer)
    )
    offer.status, offer.appointment_id = "taken", visit
    session.add(offer)
    _others_lost(session, offer, now)
    return Taken("booked", offer, visit)


def _standing_reason(session: Session, offer: m.WaitlistOffer) -> str:
    """Open insurance items need a reason at the desk; a patient moving up from a visit
    already booked keeps that visit's footing (said in the audit trail). Anyone else
    with open items is refused and asked to call."""
    entry = session.get(m.WaitlistEntry, offer.entry_id)
    current = session.get(m.Appointment, entry.current_appointment_id or 0) if entry else None
    if current is None or current.status != "booked":
        return ""
    return f"moved up from visit {current.id} by the patient's YES to a waitlist offer"


def _taken_by_another(session: Session, offer: m.WaitlistOffer) -> bool:
    return (
        session.exec(
            select(m.WaitlistOffer.id)
            .where(col(m.WaitlistOffer.event_id) == offer.event_id)
            .where(col(m.WaitlistOffer.status) == "taken")
        ).first()
        is not None
    )


def _others_lost(session: Session, taken: m.WaitlistOffer, now: datetime) -> None:
    """The same time's other open offers: lost (a later YES hears it was taken; their
    texts not yet sent are withdrawn)."""
    for other in session.exec(
        select(m.WaitlistOffer)
        .where(col(m.WaitlistOffer.event_id) == taken.event_id)
        .where(col(m.WaitlistOffer.status) == "open")
        .where(col(m.WaitlistOffer.id) != taken.id)
    ):
        other.status = "lost"
        session.add(other)
        _withdraw_text(session, other, "withdrawn: the time was taken")


def _close(
    session: Session,
    offer: m.WaitlistOffer,
    status: str,
    now: datetime,
    outcome: str,
    why: str = "",
) -> Taken:
    offer.status, offer.answered_at = status, now
    session.add(offer)
    audit.record(
        session, actor=None, username="text reply", action="update", now=now,
        entity="waitlist-offer", entity_id=offer.id, patient_id=offer.patient_id,
        detail={"status": status, "outcome": outcome} | ({"why": why} if why else {}),
    )  # fmt: skip
    return Taken(outcome, offer)


def _refused(session: Session, number: str, now: datetime, why: str) -> Taken | None:
    offer = open_offer(session, number)
    if offer is None:
        return None
    offer.answered_at = now
    return _close(session, offer, "lost", now, "refused", why=why[:300])


def end_lapsed_offers(store: Store, now: datetime) -> int:
    """Offers nobody answered in time: ended, their texts not yet sent withdrawn; how
    many (each runner pass)."""

    def work(session: Session) -> int:
        lapsed = session.exec(
            select(m.WaitlistOffer)
            .where(col(m.WaitlistOffer.status) == "open")
            .where(col(m.WaitlistOffer.expires_at) <= now)
        ).all()
        for offer in lapsed:
            offer.status = "expired"
            session.add(offer)
            _withdraw_text(session, offer, "withdrawn: the offer ended")
        return len(lapsed)

    return in_write(store, work)


def _withdraw_text(session: Session, offer: m.WaitlistOffer, why: str) -> None:
    unsent = session.exec(
        select(m.Message)
        .where(col(m.Message.dedupe_key) == f"offer:{offer.id}:sms")
        .where(col(m.Message.status).in_(("queued", "failed")))
    ).first()
    if unsent is not None:
        unsent.status, unsent.error = "cancelled", why
        session.add(unsent)
