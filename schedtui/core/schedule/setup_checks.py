"""The checks of the clinic's setup (sites, providers, visit types), each naming the field
it refuses: nothing touches the store here."""

from __future__ import annotations

import re
from datetime import time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers

from schedtui.core.support.errors import BadInput
from schedtui.core.support.text import printable, text_problem

#: A site's or visit type's code: what people type (BOS, FMNEW).
CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,15}$")
#: A CPT code (5 digits; Category II/III codes end in F or T).
CPT = re.compile(r"^\d{4}[0-9FT]$")
#: An ISO 639-1 language code.
LANGUAGE = re.compile(r"^[a-z]{2}$")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
#: A day's hours as typed: 8:00-17:00, 8-17, 08:30-12:00.
_HOURS = re.compile(r"^(\d{1,2})(?::(\d{2}))?-(\d{1,2})(?::(\d{2}))?$")


def code(label: str, value: str) -> str:
    """A code in capitals: letters, digits and dashes, up to 16."""
    cleaned = value.strip().upper()
    if not CODE.match(cleaned):
        raise BadInput(
            f"{label} '{printable(value)}' must be 1 to 16 letters, digits or dashes (e.g. BOS)."
        )
    return cleaned


def line(label: str, value: str, limit: int, *, required: bool = False) -> str:
    """A line of text, trimmed; refused when required and empty, too long or holding
    control characters."""
    cleaned = value.strip()
    if required and not cleaned:
        raise BadInput(f"{label} is required.")
    problem = text_problem(cleaned, limit)
    if problem:
        raise BadInput(f"{label}: {problem}.")
    return cleaned


def timezone(value: str) -> str:
    """An IANA time zone name (America/New_York)."""
    name = value.strip()
    try:
        if not name or name.startswith(("/", ".")) or ".." in name:
            raise ZoneInfoNotFoundError(name)
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise BadInput(
            f"The time zone '{printable(value)}' is not an IANA name (e.g. America/New_York)."
        ) from None
    return name


def phone(value: str, region: str) -> str:
    """A phone number valid in `region` (or with its country code), kept in E.164; empty
    stays empty."""
    if not value.strip():
        return ""
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        raise BadInput(f"The phone '{printable(value)}' is not a phone number.") from None
    if not phonenumbers.is_valid_number(number):
        raise BadInput(f"The phone '{printable(value)}' is not a valid number in {region}.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def npi(value: str) -> str:
    """A National Provider Identifier: ten digits whose last is the Luhn check over the
    80840 prefix."""
    digits = value.strip()
    if not re.fullmatch(r"\d{10}", digits):
        raise BadInput(f"The NPI '{printable(value)}' must be ten digits.")
    total = 0
    for index, char in enumerate(reversed(f"80840{digits[:9]}")):
        number = int(char) * (2 if index % 2 == 0 else 1)
        total += number - 9 if number > 9 else number
    if (10 - total % 10) % 10 != int(digits[9]):
        raise BadInput(f"The NPI '{digits}' fails its check digit (a digit mistyped?).")
    return digits


def languages(value: str) -> list[str]:
    """Languages as ISO 639-1 codes, comma separated (en,es)."""
    found = [part.strip().lower() for part in value.split(",") if part.strip()]
    for language in found:
        if not LANGUAGE.match(language):
            raise BadInput(
                f"The language '{printable(language)}' is not a two-letter ISO 639-1 code "
                "(e.g. en, es)."
            )
    return sorted(set(found))


def codes(value: str) -> list[str]:
    """Codes named in a comma-separated list (BOS,CAM), in capitals."""
    return [part.strip().upper() for part in value.split(",") if part.strip()]


def cpt_codes(value: str) -> str:
    """CPT codes, comma separated, each five characters (99213, 0001F)."""
    found = [part.strip().upper() for part in value.split(",") if part.strip()]
    for cpt in found:
        if not CPT.match(cpt):
            raise BadInput(f"The CPT code '{printable(cpt)}' is not five digits (e.g. 99213).")
    return ",".join(found)


def minutes(label: str, value: int, *, least: int, most: int, step: int = 1) -> int:
    """A number of minutes within [least, most], a multiple of `step`."""
    if not least <= value <= most or value % step:
        grid = f", in steps of {step}" if step > 1 else ""
        raise BadInput(f"{label} must be {least} to {most} minutes{grid}; {value} was given.")
    return value


def site_hours(value: str) -> dict[int, tuple[time, time]]:
    """Opening hours as typed, e.g. 'mon-fri 8:00-17:00; sat 9-12' (days not named are
    closed): by weekday (0 = Monday)."""
    hours: dict[int, tuple[time, time]] = {}
    for part in (piece.strip() for piece in value.split(";")):
        if not part:
            continue
        days, _, span = part.partition(" ")
        for day in _weekdays(days.lower(), part):
            if day in hours:
                raise BadInput(f"Opening hours name {WEEKDAYS[day]} twice ('{printable(part)}').")
            hours[day] = _span(span.strip(), part)
    if not hours:
        raise BadInput("Opening hours need at least one day, e.g. 'mon-fri 8:00-17:00'.")
    return hours


def _weekdays(days: str, part: str) -> list[int]:
    first, _, last = days.partition("-")
    if first not in WEEKDAYS or (last and last not in WEEKDAYS):
        raise BadInput(
            f"Opening hours '{printable(part)}': days are mon, tue, wed, thu, fri, sat, sun "
            "(or a range, mon-fri)."
        )
    start = WEEKDAYS.index(first)
    end = WEEKDAYS.index(last) if last else start
    if end < start:
        raise BadInput(f"Opening hours '{printable(part)}': the days run backwards.")
    return list(range(start, end + 1))


def _span(span: str, part: str) -> tuple[time, time]:
    matched = _HOURS.match(span.replace(" ", ""))
    if matched is None:
        raise BadInput(f"Opening hours '{printable(part)}': give the hours as 8:00-17:00.")
    open_h, open_m, close_h, close_m = (int(group or 0) for group in matched.groups())
    if open_h > 23 or close_h > 24 or open_m > 59 or close_m > 59:
        raise BadInput(f"Opening hours '{printable(part)}': no such time of day.")
    opens = time(open_h, open_m)
    closes = time(23, 59) if close_h == 24 else time(close_h, close_m)
    if closes <= opens:
        raise BadInput(f"Opening hours '{printable(part)}': they end before they start.")
    return opens, closes
