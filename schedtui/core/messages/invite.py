"""The calendar invite an e-mail carries (RFC 5545, built with `icalendar`): REQUEST on a
booking and on a move (the same UID, SEQUENCE one more each move), CANCEL on a
cancellation; times in the site's zone with its VTIMEZONE, the address as LOCATION."""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, vCalAddress, vText

from schedtui.core.messages.wording import VisitWords

#: The invite's METHOD for each kind of message that carries one.
METHODS = {"confirmation": "REQUEST", "change": "REQUEST", "cancellation": "CANCEL"}


def invite(
    kind: str,
    words: VisitWords,
    *,
    end: datetime,
    uid: str,
    sequence: int,
    organizer: str,
    attendee: str,
    now: datetime,
) -> tuple[str, bytes] | None:
    """The invite (its METHOD and the .ics bytes) a message of `kind` carries, or None."""
    method = METHODS.get(kind)
    if method is None:
        return None
    calendar = Calendar()
    calendar.add("prodid", "-//schedtui//appointments//EN")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", now)
    event.add("sequence", sequence)
    event.add("dtstart", words.start)
    event.add("dtend", end.astimezone(words.start.tzinfo))
    event.add("summary", f"{words.clinic}: visit with {words.provider}")
    if words.mode == "telehealth":
        event.add("location", vText("Video visit"))
        if words.video_link:
            event.add("url", words.video_link)
    else:
        event.add("location", vText(words.place))
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    event.add("organizer", _address(organizer, words.clinic))
    event.add("attendee", _address(attendee, words.first_name, participant=True))
    calendar.add_component(_timezone(str(words.start.tzinfo), words.start.year))
    calendar.add_component(event)
    return method, calendar.to_ical()


@cache
def _timezone(key: str, year: int) -> Timezone:
    """The site's VTIMEZONE around the visit's year (made once per zone and year: it
    takes a while)."""
    return Timezone.from_tzinfo(ZoneInfo(key), first_date=date(year - 1, 1, 1),
                                last_date=date(year + 2, 1, 1))  # fmt: skip


def _address(email: str, name: str, *, participant: bool = False) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    address.params["cn"] = vText(name)
    if participant:
        address.params["role"] = vText("REQ-PARTICIPANT")
        address.params["rsvp"] = vText("FALSE")
    return address
