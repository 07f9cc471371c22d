"""Days the way schedulers say them: "today", "tomorrow", "next tue", "fri", "dec 3",
"12/3", "+2w", "-3d", "2026-12-03"."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from dateutil.parser import ParserError
from dateutil.parser import parse as parse_date
from dateutil.relativedelta import FR, MO, SA, SU, TH, TU, WE, relativedelta, weekday

from schedtui.core.support.errors import BadInput

#: The longest day as said ("the second tuesday of december 2026" fits); the date
#: parser's time grows faster than the text, so nothing longer reaches it.
MAX_SPOKEN = 60
_NAMED = {"today": 0, "tomorrow": 1, "yesterday": -1}
_DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WEEKDAYS = (MO, TU, WE, TH, FR, SA, SU)
_OFFSET = re.compile(r"^([+-])\s*(\d{1,3})\s*([dwm])$")
_WEEKDAY = re.compile(r"^(next |this |last )?([a-z]{3})[a-z]*$")


def spoken_day(text: str, today: date) -> date:
    """The day meant; `BadInput` says what was not understood and what works."""
    if len(text) > MAX_SPOKEN:
        raise BadInput(f"A day is said in fewer than {MAX_SPOKEN} characters, e.g. 'next tue'.")
    said = " ".join(text.strip().lower().split())
    if said in _NAMED:
        return today + timedelta(days=_NAMED[said])
    if found := _OFFSET.match(said):
        sign, count, unit = found.groups()
        amount = int(count) * (1 if sign == "+" else -1)
        step = {"d": relativedelta(days=amount), "w": relativedelta(weeks=amount)}
        return today + step.get(unit, relativedelta(months=amount))
    if (found := _WEEKDAY.match(said)) and found.group(2) in _DAY_NAMES:
        return _weekday(today, found.group(1), _WEEKDAYS[_DAY_NAMES.index(found.group(2))])
    try:
        meant = parse_date(said, default=datetime.combine(today, time())).date()
    except (ParserError, OverflowError, ValueError):
        raise BadInput(
            f"'{text}' is not a day I can read: try 'next tue', 'dec 3', '+2w' or 2026-12-03."
        ) from None
    return within_reach(meant, text)


#: The years a scheduler deals in (birth dates to far-off recalls), so no date sits so
#: near year 1 or 9999 that adding a visit's length runs off the calendar.
FIRST_YEAR, LAST_YEAR = 1900, 2199


def within_reach(day: date, text: str) -> date:
    """`day` if its year is one a clinic deals in; `BadInput` naming the text otherwise."""
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise BadInput(f"'{text}' is not a date between {FIRST_YEAR} and {LAST_YEAR}.")
    return day


def _weekday(today: date, which: str | None, day: weekday) -> date:
    """ "tue" or "this tue": the coming one (today counts); "next tue": the Tuesday of
    next week (Monday to Sunday), as US callers mean it: said on a Monday, not tomorrow
    but eight days on (screens and commands say which day they read); "last tue": the
    one before today."""
    if which == "last ":
        return today + relativedelta(weekday=day(-1), days=-1)
    if which == "next ":
        next_monday = today - timedelta(days=today.weekday()) + timedelta(weeks=1)
        return next_monday + relativedelta(weekday=day(+1))
    return today + relativedelta(weekday=day(+1))
