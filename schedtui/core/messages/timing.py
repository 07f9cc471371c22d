"""When messages go: reminders at the offsets set per visit type and site, and nothing
in the quiet hours of the site's own time zone."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from schedtui.settings import Settings

#: A reminder pushed past quiet hours still goes at least this long before the visit.
LEAST_NOTICE = timedelta(minutes=30)
_UNITS = {"d": "days", "h": "hours", "m": "minutes"}


@dataclass(frozen=True)
class Offset:
    """A reminder's time before the visit: its label ("2d") and length. Days count on
    the site's clocks (2 days before 9:00 is 9:00, across a change of the clocks too);
    hours and minutes are elapsed time."""

    label: str
    before: timedelta

    def back_from(self, start: datetime, zone: ZoneInfo) -> datetime:
        """The moment this offset before `start`."""
        if not self.label.endswith("d"):
            return start - self.before
        wall = start.astimezone(zone).replace(tzinfo=None) - self.before
        return wall.replace(tzinfo=zone)


def offsets(text: str) -> list[Offset]:
    """ "7d,2d,2h" as offsets (the settings have checked the form)."""
    found = []
    for part in text.split(","):
        match = re.fullmatch(r"\s*(\d+)\s*([dhm])\s*", part)
        if match:
            amount, unit = int(match.group(1)), match.group(2)
            found.append(Offset(f"{amount}{unit}", timedelta(**{_UNITS[unit]: amount})))
    return found


def reminder_offsets(settings: Settings, site_code: str, type_code: str) -> list[Offset]:
    """The reminders of a visit of `type_code` at `site_code`: the most particular rule
    (site and type, then type, then site, then the default)."""
    rules = {key.upper(): value for key, value in settings.reminders.items()}
    for key in (f"{site_code}/{type_code}", type_code, site_code, "DEFAULT"):
        if key.upper() in rules:
            return offsets(rules[key.upper()])
    return []


def quiet_hours(settings: Settings) -> tuple[time, time] | None:
    """The quiet hours (start, end), or None when there are none."""
    if not settings.quiet_hours:
        return None
    start, end = (time.fromisoformat(part.strip()) for part in settings.quiet_hours.split("-"))
    return None if start == end else (start, end)


def _is_quiet(moment: time, quiet: tuple[time, time]) -> bool:
    start, end = quiet
    if start < end:
        return start <= moment < end
    return moment >= start or moment < end  # across midnight


def _at(local: datetime, clock: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(local.date(), clock, tzinfo=zone)


def after_quiet(moment: datetime, quiet: tuple[time, time] | None, zone: ZoneInfo) -> datetime:
    """`moment`, or the end of the quiet hours it falls in (site time)."""
    local = moment.astimezone(zone)
    if quiet is None or not _is_quiet(local.time(), quiet):
        return moment
    end = _at(local, quiet[1], zone)
    return end if end > local else end + timedelta(days=1)


def before_quiet(moment: datetime, quiet: tuple[time, time], zone: ZoneInfo) -> datetime:
    """The last minute before the quiet hours that `moment` falls in (site time)."""
    local = moment.astimezone(zone)
    start = _at(local, quiet[0], zone)
    if start > local:
        start -= timedelta(days=1)
    return start - timedelta(minutes=1)


def reminder_at(
    visit_start: datetime, offset: Offset, zone: ZoneInfo, settings: Settings, now: datetime
) -> datetime | None:
    """When the reminder goes: `offset` before the visit, moved out of the quiet hours
    (after them when that still leaves notice, else before them); None when that time
    has already passed (a visit booked late gets no reminder it would have had earlier)."""
    at = offset.back_from(visit_start, zone)
    quiet = quiet_hours(settings)
    if quiet is not None and _is_quiet(at.astimezone(zone).time(), quiet):
        later = after_quiet(at, quiet, zone)
        at = later if later <= visit_start - LEAST_NOTICE else before_quiet(at, quiet, zone)
    return at if at > now else None
