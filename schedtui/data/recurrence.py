"""Expand templates, blocks and closures into concrete windows of bookable time.

Recurrences are expanded in each site's local wall time, then converted to UTC, so a
08:00 clinic stays at 08:00 across DST changes.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

from schedtui.data import models as m

Interval = tuple[datetime, datetime]
#: A site's opening hours: by site id, by weekday (0 = Monday), when it opens and closes
#: (local time). A site with none kept is open whenever its templates say.
SiteHours = Mapping[int, Mapping[int, tuple[time, time]]]


@dataclass(frozen=True)
class Window:
    """One stretch of a provider's template on one day, with the blocks that cut into it."""

    template: m.ScheduleTemplate
    day: date
    start: datetime
    end: datetime
    blocked: tuple[Interval, ...]
    #: What each blocked stretch is, e.g. "lunch: Lunch" (same order as `blocked`).
    labels: tuple[str, ...] = ()

    @property
    def open_minutes(self) -> int:
        """Minutes of the window not covered by a block."""
        total = (self.end - self.start).total_seconds()
        for start, end in self.blocked:
            overlap = (min(end, self.end) - max(start, self.start)).total_seconds()
            total -= max(overlap, 0)
        return int(total // 60)


@lru_cache(maxsize=4096)
def _occurrences(rule: str, dtstart: date, through_year: int) -> tuple[date, ...]:
    """Every date the rule gives from `dtstart` to the end of `through_year` (cached: rules
    anchored months back would otherwise be walked from their start on every call)."""
    recurrence = rrulestr(rule, dtstart=datetime.combine(dtstart, datetime.min.time()))
    end = datetime(through_year, 12, 31, 23, 59)
    return tuple(
        moment.date()
        for moment in recurrence.between(
            datetime.combine(dtstart, datetime.min.time()), end, inc=True
        )
    )


def local_days(rule: str, dtstart: date, first: date, last: date) -> list[date]:
    """Dates in [first, last] on which an rrule anchored at `dtstart` occurs."""
    if last < dtstart:
        return []
    dates = _occurrences(rule, dtstart, last.year + 1)
    return list(dates[bisect_left(dates, first) : bisect_right(dates, last)])


def block_occurrences(
    block: m.ScheduleBlock, zone: tzinfo, first: date, last: date
) -> list[Interval]:
    """Every occurrence of a (possibly recurring) block that starts in [first, last]."""
    local_start = block.start.astimezone(zone)
    length = block.end - block.start
    if not block.rrule:
        return [(block.start, block.end)] if first <= local_start.date() <= last else []
    days = local_days(block.rrule, local_start.date(), first, last)
    wall = local_start.time()
    occurrences = []
    for day in days:
        start = datetime.combine(day, wall, tzinfo=zone).astimezone(UTC)
        occurrences.append((start, start + length))
    return occurrences


def closed_days(closures: list[m.Closure]) -> dict[int | None, set[date]]:
    """Closed dates per site id (None: every site)."""
    closed: dict[int | None, set[date]] = defaultdict(set)
    for closure in closures:
        day = closure.first_day
        while day <= closure.last_day:
            closed[closure.site_id].add(day)
            day += timedelta(days=1)
    return closed


def windows(
    templates: list[m.ScheduleTemplate],
    blocks: list[m.ScheduleBlock],
    closures: list[m.Closure],
    zones: dict[int, ZoneInfo],
    first: date,
    last: date,
    hours: SiteHours | None = None,
) -> list[Window]:
    """Every template window in [first, last], minus closed days, within the site's
    opening hours (`hours`: none kept, no limit), with its blocks attached."""
    closed = closed_days(closures)
    home = {t.provider_id: zones[t.site_id] for t in templates}
    blocked: dict[tuple[int, date], list[tuple[datetime, datetime, str]]] = defaultdict(list)
    for block in blocks:
        zone = zones[block.site_id] if block.site_id else home.get(block.provider_id, UTC)
        label = f"{block.kind}: {block.reason}" if block.reason else block.kind
        for start, end in block_occurrences(block, zone, first - timedelta(days=1), last):
            blocked[(block.provider_id, start.astimezone(zone).date())].append((start, end, label))
    result = []
    for template in templates:
        zone = zones[template.site_id]
        for day in local_days(template.rrule, template.effective_from, first, last):
            if day in closed[None] or day in closed[template.site_id]:
                continue
            if template.effective_to and day > template.effective_to:
                continue
            wall = open_hours(template, day, (hours or {}).get(template.site_id))
            if wall is None:
                continue
            start = datetime.combine(day, wall[0], tzinfo=zone).astimezone(UTC)
            end = datetime.combine(day, wall[1], tzinfo=zone).astimezone(UTC)
            cuts = sorted(
                b for b in blocked[(template.provider_id, day)] if b[0] < end and b[1] > start
            )
            spans = tuple((b[0], b[1]) for b in cuts)
            result.append(Window(template, day, start, end, spans, tuple(b[2] for b in cuts)))
    return result


def open_hours(
    template: m.ScheduleTemplate, day: date, site: Mapping[int, tuple[time, time]] | None
) -> tuple[time, time] | None:
    """The template's hours on `day` within its site's opening hours (local wall times);
    None when the site is closed then. A site with no hours kept limits nothing."""
    if not site:
        return template.start_time, template.end_time
    opening = site.get(day.weekday())
    if opening is None:
        return None
    start, end = max(template.start_time, opening[0]), min(template.end_time, opening[1])
    return (start, end) if start < end else None
