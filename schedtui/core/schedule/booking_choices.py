"""What the caller asks for, as they say it: the visit type (the patient's own kinds of
visit first), and how to narrow the open times ("after the 14th, with Dr. Ortega,
tuesdays, at BOS, next week")."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from rapidfuzz import fuzz, process, utils
from sqlmodel import Session, col, select

from schedtui.core.schedule.slots import Slot, SlotRequest, find_open_slots
from schedtui.core.support.errors import BadInput
from schedtui.core.support.formats import listed_name, visit_time
from schedtui.core.support.spoken_dates import spoken_day
from schedtui.data import models as m
from schedtui.data.store import Store

#: A type must score this well (0-100) against what was typed to be offered.
TYPE_CUTOFF = 50
#: A provider or site must score this well against the name typed.
NAME_CUTOFF = 75
#: The most narrowing a scheduler types in one line.
MAX_NARROWING = 200
_DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WEEKDAY_WORD = re.compile(r"^(mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?$")
_DAY_OF_MONTH = re.compile(r"^(the )?(\d{1,2})(st|nd|rd|th)?$")
_HINT = (
    "try 'after the 14th', 'with Dr. Ortega', 'tuesdays', 'at BOS', 'next week' or "
    "'discharged dec 1'"
)
#: A follow-up after a hospital stay is booked within this many days of the discharge
#: (CMS transitional care: a visit within 7 days for high complexity).
POST_DISCHARGE_DAYS = 7


@dataclass(frozen=True)
class VisitType:
    """A kind of visit the clinic books."""

    code: str
    name: str
    specialty_id: int | None


@dataclass(frozen=True)
class BookingChoices:
    """What the booking screen offers for one patient."""

    types: tuple[VisitType, ...]
    #: The patient's own kinds of visit (most recent first), and the specialties of the
    #: providers who see them: their types come first.
    patients_types: tuple[str, ...]
    patients_specialties: frozenset[int]
    #: Providers (id -> "Last, First" and their specialties) and sites (id -> code, name).
    providers: dict[int, tuple[str, frozenset[int]]]
    sites: dict[int, tuple[str, str]]


def booking_choices(session: Session, patient_id: int) -> BookingChoices:
    """Read what the booking screen offers for `patient_id`."""
    types = tuple(
        VisitType(t.code, t.name, t.specialty_id)
        for t in session.exec(
            select(m.AppointmentType)
            .where(col(m.AppointmentType.active))
            .order_by(col(m.AppointmentType.code))
        )
    )
    specialties: dict[int, set[int]] = {}
    for link in session.exec(select(m.ProviderSpecialty)):
        specialties.setdefault(link.provider_id, set()).add(link.specialty_id)
    providers = {
        p.id: (listed_name(p), frozenset(specialties.get(p.id, ())))
        for p in session.exec(select(m.Provider))
        if p.id is not None
    }
    sites = {s.id: (s.code, s.name) for s in session.exec(select(m.Site)) if s.id is not None}
    past = session.exec(
        select(m.AppointmentType.code, m.Appointment.provider_id)
        .join(m.AppointmentType, col(m.Appointment.appointment_type_id) == m.AppointmentType.id)
        .where(col(m.Appointment.patient_id) == patient_id)
        .order_by(col(m.Appointment.start).desc())
        .limit(50)
    ).all()
    own = tuple(dict.fromkeys(code for code, _ in past))
    seen = frozenset(s for _, provider in past for s in providers.get(provider, ("", ()))[1])
    return BookingChoices(types, own, seen, providers, sites)


def type_candidates(
    typed: str, choices: BookingChoices, provider_ids: tuple[int, ...] = ()
) -> list[VisitType]:
    """The visit types meant by what was typed, best first: a close match, then the
    patient's own kinds of visit and their providers' specialties; with providers
    chosen, only the types of their specialties. Nothing typed: the patient's own."""
    allowed = [t for t in choices.types if _takes(t, choices, provider_ids)]
    if not typed.strip():
        own = {code: rank for rank, code in enumerate(choices.patients_types)}
        return sorted((t for t in allowed if t.code in own), key=lambda t: own[t.code])
    labels = {f"{t.code} {t.name}": t for t in allowed}
    scored = process.extract(
        typed, list(labels), scorer=fuzz.WRatio, processor=utils.default_process, limit=None
    )

    said = utils.default_process(typed)

    def rank(found: tuple[str, float, int]) -> float:
        kind = labels[found[0]]
        bonus = 10 if kind.code in choices.patients_types else 0
        if utils.default_process(kind.name).startswith(said) or kind.code.lower() == said:
            bonus += 5  # what people type is the start of the name
        if kind.specialty_id is not None and kind.specialty_id in choices.patients_specialties:
            bonus += 5
        return found[1] + bonus

    close = [found for found in scored if found[1] >= TYPE_CUTOFF]
    return [labels[found[0]] for found in sorted(close, key=rank, reverse=True)]


def offered(found: list[VisitType], typed: str, none_matches: str) -> str:
    """The line under a type box: what Enter would choose, and the next best; or that
    nothing matches what was typed (`none_matches`), or how to start."""
    if found:
        first, others = found[0], ", ".join(f"{t.code} {t.name}" for t in found[1:4])
        return f"Enter: {first.code} {first.name}" + (f"  ·  also {others}" if others else "")
    return none_matches if typed.strip() else "Type a word of the visit type's name."


def _takes(kind: VisitType, choices: BookingChoices, provider_ids: tuple[int, ...]) -> bool:
    if not provider_ids or kind.specialty_id is None:
        return True
    return any(kind.specialty_id in choices.providers[p][1] for p in provider_ids)


@dataclass(frozen=True)
class Narrowing:
    """How the open times are narrowed, and what was understood (to say it back)."""

    after: date | None = None
    before: date | None = None
    weekdays: frozenset[int] | None = None
    provider_ids: tuple[int, ...] = ()
    site_ids: tuple[int, ...] = ()
    said: tuple[str, ...] = ()
    #: A follow-up after a hospital stay: the earliest time within its window comes first,
    #: and when none is open the scheduler is told how to make room.
    post_discharge: bool = False


def read_narrowing(text: str, choices: BookingChoices, today: date) -> Narrowing:
    """Parts separated by commas (or 'and'): `BadInput` names the part not understood."""
    if len(text) > MAX_NARROWING:
        raise BadInput(f"Narrow in fewer than {MAX_NARROWING} characters; {_HINT}.")
    narrowing = Narrowing()
    for part in re.split(r",|;|\band\b", text.lower()):
        part = " ".join(part.split())
        if part:
            narrowing = _read_part(part, choices, today, narrowing)
    return narrowing


def _read_part(part: str, choices: BookingChoices, today: date, so_far: Narrowing) -> Narrowing:
    """`so_far` narrowed by one part, with the part as understood added to `said`."""
    words = [w for w in part.replace(" or ", " ").split() if w not in ("on", "only")]
    if words and all(_WEEKDAY_WORD.match(w) for w in words):
        days = frozenset(_DAY_NAMES.index(w[:3]) for w in words) | (so_far.weekdays or set())
        said = " or ".join(f"{calendar.day_name[d]}s" for d in sorted(days))
        return replace(so_far, weekdays=days, said=(*so_far.said, said))
    if part in ("next week", "this week"):
        monday = today - timedelta(days=today.weekday())
        monday += timedelta(days=7 if part == "next week" else 0)
        sunday = monday + timedelta(days=6)
        said = f"{monday:%a %m/%d} to {sunday:%a %m/%d}"
        return replace(so_far, after=max(monday, today), before=sunday, said=(*so_far.said, said))
    head, _, rest = part.partition(" ")
    if head in ("discharged", "post-discharge", "discharge") or part == "post discharge":
        said_day = "" if part == "post discharge" else rest.removeprefix("on ")
        return _post_discharge(so_far, _day(said_day, today) if said_day else today, today)
    if head in ("after", "from", "starting") and rest:
        day = _day(rest, today) + timedelta(days=1 if head == "after" else 0)
        return replace(so_far, after=day, said=(*so_far.said, f"from {day:%a %m/%d}"))
    if head in ("before", "by", "until") and rest:
        day = _day(rest, today) - timedelta(days=1 if head == "before" else 0)
        return replace(so_far, before=day, said=(*so_far.said, f"up to {day:%a %m/%d}"))
    if head in ("with", "dr", "dr.", "doctor") and rest:
        who = rest.removeprefix("dr. ").removeprefix("dr ")
        provider_id = _named(who, _provider_names(choices))
        said = f"with {choices.providers[provider_id][0]}"
        return replace(so_far, provider_ids=(provider_id,), said=(*so_far.said, said))
    if head in ("at", "in", "site") and rest:
        site_id = _named(rest, _site_names(choices))
        said = f"at {choices.sites[site_id][0]}"
        return replace(so_far, site_ids=(site_id,), said=(*so_far.said, said))
    try:
        day = _day(part, today)
    except BadInput:
        raise BadInput(f"'{part}' is not something I can narrow the times by; {_HINT}.") from None
    return replace(so_far, after=day, before=day, said=(*so_far.said, f"on {day:%a %m/%d}"))


def post_discharge_window(discharged: date, today: date) -> tuple[date, date]:
    """The days a post-discharge follow-up is booked in: from today (or the discharge,
    if later) to `POST_DISCHARGE_DAYS` after the discharge."""
    if discharged > today + timedelta(days=POST_DISCHARGE_DAYS):
        raise BadInput(f"A discharge on {discharged:%a %m/%d} is too far ahead to book for.")
    return max(today, discharged), discharged + timedelta(days=POST_DISCHARGE_DAYS)


def _post_discharge(so_far: Narrowing, discharged: date, today: date) -> Narrowing:
    first, last = post_discharge_window(discharged, today)
    said = (
        f"post-discharge: by {last:%a %m/%d} ({POST_DISCHARGE_DAYS} days after {discharged:%m/%d})"
    )
    if last < first:
        said += ", already past: the soonest time"
        last = first + timedelta(days=POST_DISCHARGE_DAYS)
    return replace(so_far, after=first, before=last, post_discharge=True,
                   said=(*so_far.said, said))  # fmt: skip


def _day(text: str, today: date) -> date:
    """A day as said; a bare day of the month already past means next month's."""
    if bare := _DAY_OF_MONTH.match(text):
        number = int(bare.group(2))
        for months in range(3):  # this month, else the next that has that day
            year, month = divmod(today.month - 1 + months, 12)
            try:
                day = date(today.year + year, month + 1, number)
            except ValueError:
                continue
            if day >= today:
                return day
        raise BadInput(f"'{text}' is not a day of the month.")
    return spoken_day(text, today)


def _provider_names(choices: BookingChoices) -> dict[str, int]:
    names: dict[str, int] = {}
    for provider_id, (name, _) in choices.providers.items():
        last, _, first = name.partition(", ")
        for said in (name, f"{first} {last}", last):
            names[said] = provider_id
    return names


def _site_names(choices: BookingChoices) -> dict[str, int]:
    names: dict[str, int] = {}
    for site_id, (code, name) in choices.sites.items():
        names[code] = names[name] = site_id
    return names


def _named(typed: str, names: dict[str, int]) -> int:
    best = process.extractOne(
        typed, list(names), scorer=fuzz.WRatio, processor=utils.default_process
    )
    if best is None or best[1] < NAME_CUTOFF:
        raise BadInput(f"Nobody and nowhere here is called '{typed}'; {_HINT}.")
    return names[best[0]]


def read_booking_choices(store: Store, patient_id: int) -> BookingChoices:
    """What the booking screen offers for `patient_id`, read from the store."""
    with store.read() as session:
        return booking_choices(session, patient_id)


@dataclass(frozen=True)
class OfferedTimes:
    """Open times to offer, each with its row as the list shows it (the start in its
    site's own time, the provider, the site), and each site's zone."""

    slots: list[Slot]
    rows: list[tuple[str, str, str]]
    zones: dict[int, str]


def offered_times(store: Store, request: SlotRequest, *, now: datetime) -> OfferedTimes:
    """The best open times for `request`, ready to list."""
    with store.read() as session:
        slots = find_open_slots(session, request, now=now)
        sites = {site.id: site for site in session.exec(select(m.Site))}
        names = {p.id: listed_name(p) for p in session.exec(select(m.Provider))}
    rows = [
        (
            visit_time(s.start.astimezone(ZoneInfo(sites[s.site_id].timezone))),
            names[s.provider_id],
            sites[s.site_id].code,
        )
        for s in slots
    ]
    zones = {site_id: site.timezone for site_id, site in sites.items() if site_id is not None}
    return OfferedTimes(slots, rows, zones)
