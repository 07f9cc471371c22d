"""A template as supervisors type it: days in words ("mon wed fri", "weekdays") or an
RRULE, every one or two weeks, hours in the site's time, the site, the visit types it
takes, overbookings an hour and the dates it runs. Every wrong field is named."""

from __future__ import annotations

import re
from datetime import date, time
from typing import Any

from schedtui.core.schedule.blocks import TemplateRow
from schedtui.core.schedule.templates import OPEN_ENDED, TemplateChange
from schedtui.core.support.errors import BadInput, FieldErrors
from schedtui.core.support.formats import day_text
from schedtui.core.support.spoken_dates import spoken_day

#: The template form's fields: name, label.
TEMPLATE_FIELDS = (
    ("days", "Days: mon wed fri, weekdays, or an RRULE"),
    ("every", "Every how many weeks (2: every other week)"),
    ("opens", "Opens at (HH:MM, the site's time)"),
    ("closes", "Closes at (HH:MM)"),
    ("site", "Site code"),
    ("types", "Visit types it takes (codes, e.g. FU NEW; empty: every type)"),
    ("overbook", "Overbookings allowed an hour"),
    ("effective_from", "Takes effect (a date: 2026-12-01, dec 1, next mon)"),
    ("effective_to", "Stops after (a date; empty: no end)"),
)
BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_SIMPLE = re.compile(r"^FREQ=WEEKLY;BYDAY=([A-Z,]+)(?:;INTERVAL=(\d+))?$")


def form_values(row: TemplateRow) -> dict[str, str]:
    """A template (as `templates` lists it) as the form shows it."""
    simple = _SIMPLE.match(row.rrule)
    days, every = (simple.group(1), simple.group(2) or "1") if simple else (row.rrule, "1")
    types = [code for code in row.types if code != "any"]
    return {
        "days": days,
        "every": every,
        "opens": row.opens,
        "closes": row.closes,
        "site": row.site,
        "types": " ".join(types),
        "overbook": str(row.overbook_per_hour),
        "effective_from": row.effective_from,
        "effective_to": row.effective_to or "",
    }


def change_from_form(typed: dict[str, str], today: date) -> TemplateChange:
    """The change the form describes; `FieldErrors` names every wrong field."""
    errors: dict[str, str] = {}

    def field(name: str, read: Any) -> Any:
        try:
            return read(typed.get(name, "").strip())
        except (ValueError, BadInput) as wrong:
            errors[name] = str(wrong)
            return None

    every = field("every", _every)
    rule = field("days", lambda text: _rule(text, every or 1))
    opens, closes = field("opens", _clock), field("closes", _clock)
    if opens and closes and closes <= opens:
        errors["closes"] = f"after it opens ({opens:%H:%M})"
    overbook = field("overbook", _count)
    starts = field("effective_from", lambda text: spoken_day(text, today))
    stops = field("effective_to", lambda text: spoken_day(text, today) if text else OPEN_ENDED)
    if starts and stops and stops < starts:
        errors["effective_to"] = f"on or after the day it takes effect ({day_text(starts)})"
    if not typed.get("site", "").strip():
        errors["site"] = "a site code"
    if errors:
        raise FieldErrors(errors)
    codes = tuple(typed.get("types", "").replace(",", " ").upper().split())
    site = typed["site"].strip().upper()
    return TemplateChange(rule, opens, closes, starts, stops, overbook, None, site, codes)


def _every(text: str) -> int:
    if not text:
        return 1
    if not text.isdigit() or not 1 <= int(text) <= 4:
        raise ValueError("1 to 4 (weeks)")
    return int(text)


def _rule(text: str, every: int) -> str:
    """An RRULE as typed, or weekly on the days named."""
    if text.upper().startswith(("FREQ=", "RRULE:")):
        return text.upper().removeprefix("RRULE:")
    words = text.lower().replace(",", " ").split()
    if words == ["weekdays"]:
        days = list(BYDAY[:5])
    else:
        days = []
        for word in words:
            found = [code for code in BYDAY if word[:2].upper() == code]
            if len(word) < 2 or not found:
                raise ValueError(f"'{word}' is not a day: mon tue wed thu fri sat sun")
            days.append(found[0])
    if not days:
        raise ValueError("the days it works, e.g. mon wed fri")
    interval = f";INTERVAL={every}" if every > 1 else ""
    return f"FREQ=WEEKLY;BYDAY={','.join(sorted(set(days), key=BYDAY.index))}{interval}"


def _clock(text: str) -> time:
    try:
        return time.fromisoformat(text)
    except ValueError:
        raise ValueError("a time like 08:30") from None


def _count(text: str) -> int:
    if not text.isdigit() or int(text) > 20:
        raise ValueError("a number from 0 to 20")
    return int(text)
