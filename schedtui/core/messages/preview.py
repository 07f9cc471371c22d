"""What a message of each kind says, before any patient gets it: for a sample patient at
the clinic's first site (nobody's data), or for a real visit (a view of that patient:
the caller audits it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from schedtui.core.messages.outbox import visit_words
from schedtui.core.messages.phrasebook import Key, own_for
from schedtui.core.messages.wording import CALL_KINDS, VisitWords, script_of, tell, text_of
from schedtui.core.support.errors import BadInput
from schedtui.data import models as m
from schedtui.settings import Settings

#: The kinds a visit's messages come in, in the order a patient would get them.
KINDS: Final = ("confirmation", "reminder", "change", "cancellation", "must-move")
CHANNELS: Final = ("email", "sms", "voice")
#: The channels shown when none is asked for.
SHOWN_CHANNELS: Final = ("email", "sms")
#: The sample patient's first name (no one's data).
SAMPLE_NAME: Final = "Alex"


@dataclass(frozen=True)
class Preview:
    """One message as the patient would read it."""

    kind: str
    channel: str
    subject: str
    text: str


def previews(
    words: VisitWords,
    kinds: tuple[str, ...] = KINDS,
    channels: tuple[str, ...] = SHOWN_CHANNELS,
    own: dict[Key, tuple[str, str]] | None = None,
) -> list[Preview]:
    """Each kind on each channel, for the visit `words` describes (a move from a day
    earlier, for the change notice)."""
    for kind in kinds:
        if kind not in KINDS:
            raise BadInput(f"Kind '{kind}' is not one of {', '.join(KINDS)}.")
    for channel in channels:
        if channel not in CHANNELS:
            raise BadInput(f"Channel '{channel}' is not one of {', '.join(CHANNELS)}.")
    was = words.start - timedelta(days=1)
    shown = []
    for kind in kinds:
        for channel in channels:
            if channel == "voice" and kind not in CALL_KINDS:
                continue
            write = {"sms": text_of, "voice": script_of}.get(channel, tell)
            mine = own_for(own or {}, kind, channel, words.language)
            told = write(kind, words, was=was, own=mine)
            shown.append(Preview(kind, channel, told.subject, told.text))
    return shown


def sample_words(
    session: Session, settings: Settings, *, language: str, mode: str, now: datetime
) -> VisitWords:
    """A sample visit next week at 9:00 at the first active site, with its first provider."""
    site = session.exec(select(m.Site).where(col(m.Site.active)).order_by(col(m.Site.id))).first()
    provider = session.exec(
        select(m.Provider).where(col(m.Provider.active)).order_by(col(m.Provider.id))
    ).first()
    if site is None or provider is None:
        raise BadInput("The store has no site or provider yet: nothing to preview.")
    zone = ZoneInfo(site.timezone)
    day = (now.astimezone(zone) + timedelta(days=7)).date()
    place = ", ".join(p for p in (site.name, site.address_line, site.city, site.state) if p)
    link = "https://video.example.org/j/SAMPLE" if mode == "telehealth" else ""
    return VisitWords(
        first_name=SAMPLE_NAME,
        language=language,
        provider=f"{provider.first_name} {provider.last_name}".strip(),
        place=place,
        call_back=site.phone or settings.clinic_phone,
        clinic=site.name,
        mode=mode,
        start=datetime(day.year, day.month, day.day, 9, 0, tzinfo=zone),
        replies=bool(settings.twilio_webhook_url),
        video_link=link,
        device_test=settings.telehealth_device_test,
    )


def visit_preview_words(session: Session, visit_id: int, settings: Settings) -> VisitWords:
    """What messages would say of a real visit."""
    visit = session.get(m.Appointment, visit_id)
    if visit is None:
        raise BadInput(f"Appointment {visit_id} does not exist.")
    return visit_words(session, visit, settings)
