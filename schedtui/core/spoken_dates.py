"""Days the way schedulers say them: "today", "tomorrow", "next tue", "fri", "dec 3",
"12/3", "+2w", "-3d", "2026-12-03"."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from dateutil.parser import ParserError
from dateutil.parser import parse as parse_date
from dateutil.relativedelta import FR, MO, SA, SU, TH, TU, WE, relativedelta, weekday

from schedtui.core.errors import BadInput

_NAMED = {"today": 0, "tomorrow": 1, "yesterday": -1}
_DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WEEKDAYS = (MO, TU, WE, TH, FR, SA, SU)
_OFFSET = re.compile(r"^([+-])\s*(\d{1,3})\s*([dwm])$")
_WEEKDAY = re.compile(r"^(next |this |last )?([a-z]{3})[a-z]*$")


def spoken_day(text: str, today: date) -> date:
    """The day meant; `BadInput` says what was not understood and what works."""
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
        return parse_date(said, default=datetime.combine(today, time())).date()
    except (ParserError, OverflowError, ValueError):
        raise BadInput(
            f"'{text}' is not a day I can read: try 'next tue', 'dec 3', '+2w' or 2026-12-03."
        ) from None


def _weekday(today: date, which: str | None, day: weekday) -> date:
    """ "tue" or "this tue": the coming one (today counts); "next tue": a week after that
    when "this tue" is in this week; "last tue": the one before today."""
    if which == "last ":
        return today + relativedelta(weekday=day(-1), days=-1)
    coming = today + relativedelta(weekday=day(+1))
    if which == "next " and coming == today:
        return today + relativedelta(weeks=1)
    return coming
