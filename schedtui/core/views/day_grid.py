"""A day the way an appointment book shows it: providers side by side, time running down.

Rows are wall-clock times; each provider's column reads in the timezone of the site they
work at that day, so 9:00 is 9:00 where the patient walks in. A cell is an appointment
(short name, type, status symbol), a block with its label, open time, or time outside the
provider's availability. Two visits in one cell are marked as an overbooking.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from schedtui.core.schedule.reference import Reference, current_reference
from schedtui.core.schedule.statuses import STATUS_DISPLAY
from schedtui.core.security.access import Actor, Permission
from schedtui.core.security.guard import require
from schedtui.core.support.errors import BadInput
from schedtui.core.views.today import TodayRow, day_schedule, site_codes
from schedtui.data.recurrence import windows
from schedtui.data.store import Store

ZOOMS = (5, 10, 15, 30)
#: Rows shown when nobody works that day.
DEFAULT_HOURS = (time(8), time(17))
HIDDEN = frozenset({"cancelled", "entered-in-error"})
#: The most providers a week view puts side by side (seven columns each).
WEEK_PROVIDERS = 6


@dataclass(frozen=True)
class Cell:
    """One provider at one row's time."""

    kind: str  # "visit", "block", "open" or "off"
    text: str = ""
    status: str | None = None
    appointment_id: int | None = None
    overbooked: bool = False
    first: bool = True  # the visit or block starts in this row (else it continues)

    def to_json(self) -> dict[str, Any]:
        """For `schedtui day --json`."""
        return {k: v for k, v in self.__dict__.items() if v not in (None, "", False)} | {
            "kind": self.kind
        }


@dataclass(frozen=True)
class Column:
    """A provider's column: who, and where they work that day."""

    provider_id: int
    name: str
    site_code: str
    zone: str
    day: date | None = None  # in the week view, the column's own day

    def moment(self, grid: DayGrid, row: int) -> datetime:
        """When a row of this column is, in the column's site time."""
        return datetime.combine(self.day or grid.day, grid.rows[row], tzinfo=ZoneInfo(self.zone))


@dataclass
class DayGrid:
    """The grid: columns, row times and every cell."""

    day: date
    zoom: int
    columns: list[Column]
    rows: list[time]
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)

    def cell(self, row: int, column: int) -> Cell:
        """The cell at (row, column); off when nothing is there."""
        return self.cells.get((row, column), OFF)

    def open_run(self, row: int, column: int) -> tuple[datetime, datetime]:
        """The open time from (row, column) down to the next thing in that column."""
        last = row
        while last + 1 < len(self.rows) and self.cell(last + 1, column).kind == "open":
            last += 1
        place = self.columns[column]
        end = place.moment(self, last).astimezone(UTC) + timedelta(minutes=self.zoom)
        return place.moment(self, row), end

    def to_json(self) -> dict[str, Any]:
        """The grid for supervisors' scripts."""
        return {
            "date": self.day.isoformat(),
            "zoom_minutes": self.zoom,
            "providers": [
                {k: v for k, v in c.__dict__.items() if k != "day"} for c in self.columns
            ],
            "rows": [
                {
                    "time": row_label(at),
                    "cells": [self.cell(r, c).to_json() for c in range(len(self.columns))],
                }
                for r, at in enumerate(self.rows)
            ],
        }


OFF = Cell("off")


def day_grid(
    session: Session,
    day: date,
    *,
    zoom: int = 15,
    site_code: str | None = None,
    specialty_code: str | None = None,
    provider_ids: list[int] | None = None,
    ref: Reference | None = None,
) -> DayGrid:
    """Build the grid of `day` for the providers chosen (by site, specialty or list);
    `ref`, if given, saves reading the reference tables again (the week view)."""
    ref = ref or current_reference(session)
    spans = windows(
        ref.templates, ref.blocks, ref.closures, ref.zones, day, day, hours=ref.site_hours
    )
    site_ids = {s.id for s in ref.sites.values() if site_code in (None, s.code)}
    working: dict[int, list[Any]] = defaultdict(list)
    for window in spans:
        if window.template.site_id in site_ids:
            working[window.template.provider_id].append(window)
    specialty = ref.specialty_codes.get(specialty_code or "", None)
    visits = [v for v in day_schedule(session, day, site_code).rows if v.status not in HIDDEN]
    # a visit outside anyone's hours still shows: its provider gets a column
    present = set(working) | {v.provider_id for v in visits if v.provider_id in ref.providers}
    chosen = [
        pid
        for pid in (provider_ids or sorted(present, key=lambda p: _name(ref.providers[p])))
        if pid in ref.providers and (specialty is None or specialty in ref.specialties[pid])
    ]
    columns = [_column(ref, pid, working.get(pid, []), visits) for pid in chosen]
    grid = DayGrid(day, zoom, columns, _rows(working, chosen, ref, zoom, day, visits))
    for index, column in enumerate(columns):
        _fill(grid, index, column, working.get(column.provider_id, []), visits)
    return grid


def _name(provider: Any) -> str:
    return f"{provider.last_name}, {provider.first_name[:1]}."


def _column(ref: Any, pid: int, spans: list[Any], visits: list[TodayRow]) -> Column:
    """The provider, at the site of their template that day (else of a visit, else home)."""
    seen = next((v for v in visits if v.provider_id == pid), None)
    if spans:
        site = ref.sites[spans[0].template.site_id]
        return Column(pid, _name(ref.providers[pid]), site.code, site.timezone)
    if seen is not None:
        return Column(pid, _name(ref.providers[pid]), seen.site_code, seen.site_zone)
    site = ref.sites.get(next(iter(sorted(ref.provider_sites[pid])), -1))
    zone = site.timezone if site else "UTC"
    return Column(pid, _name(ref.providers[pid]), site.code if site else "", zone)


def now_rows(grid: DayGrid, now: datetime) -> dict[int, int]:
    """For each column whose day is today where it is, the row the current time falls in
    (in that column's own site time): {column: row}."""
    found = {}
    for index, column in enumerate(grid.columns):
        local = now.astimezone(ZoneInfo(column.zone))
        if local.date() != (column.day or grid.day):
            continue
        minute = local.hour * 60 + local.minute
        for row, at in enumerate(grid.rows):
            start = at.hour * 60 + at.minute
            if start <= minute < start + grid.zoom and at.fold == local.fold:
                found[index] = row
    return found


def row_label(at: time) -> str:
    """'01:30', or '01:30+' for the hour that comes round again when clocks go back."""
    return f"{at:%H:%M}" + ("+" if at.fold else "")


def _exists(day: date, at: time, zone: ZoneInfo) -> bool:
    """False for wall times the clocks skip when they go forward."""
    moment = datetime.combine(day, at, tzinfo=zone)
    back = moment.astimezone(UTC).astimezone(zone)
    return (back.hour, back.minute) == (at.hour, at.minute)


def _repeats(day: date, at: time, zone: ZoneInfo) -> bool:
    """True for wall times that happen twice when the clocks go back."""
    first = datetime.combine(day, at.replace(fold=0), tzinfo=zone)
    second = datetime.combine(day, at.replace(fold=1), tzinfo=zone)
    return _exists(day, at, zone) and first.utcoffset() != second.utcoffset()


def _rows(
    working: dict[int, list[Any]],
    chosen: list[int],
    ref: Any,
    zoom: int,
    day: date,
    visits: list[TodayRow],
) -> list[time]:
    """Wall-clock rows over everyone's hours (and any visit outside them). On the day the
    clocks change, skipped times have no row and the hour that repeats has two (the second
    marked with fold=1)."""
    starts, ends, zones = [], [], set()
    spans = [
        (window.start, window.end, ref.zones[window.template.site_id])
        for pid in chosen
        for window in working.get(pid, [])
    ]
    spans += [(v.start, v.end, ZoneInfo(v.site_zone)) for v in visits if v.provider_id in chosen]
    for start, end, zone in spans:
        zones.add(zone)
        starts.append(start.astimezone(zone).time())
        last = end.astimezone(zone)
        ends.append(last.time() if last.date() == start.astimezone(zone).date() else time.max)
    first, last = (min(starts), max(ends)) if starts else DEFAULT_HOURS
    minute = first.hour * 60 + first.minute
    minute -= minute % zoom
    stop = last.hour * 60 + last.minute
    if not zones:
        return [time(m // 60, m % 60) for m in range(minute, stop, zoom)]
    rows = []
    for m in range(minute, stop, zoom):
        at = time(m // 60, m % 60)
        if any(_exists(day, at, zone) for zone in zones):
            rows.append(at)
        if any(_repeats(day, at, zone) for zone in zones):
            rows.append(at.replace(fold=1))
    primary = min(zones, key=str)
    return sorted(rows, key=lambda at: datetime.combine(day, at, tzinfo=primary).astimezone(UTC))


def _fill(
    grid: DayGrid, index: int, column: Column, spans: list[Any], visits: list[TodayRow]
) -> None:
    zone = ZoneInfo(column.zone)
    step = timedelta(minutes=grid.zoom)
    mine = [v for v in visits if v.provider_id == column.provider_id]
    for row in range(len(grid.rows)):
        if not _exists(grid.day, grid.rows[row], zone):
            continue  # the clocks skip this time here
        start = column.moment(grid, row).astimezone(UTC)  # steps in real time, not wall time
        end = start + step
        here = [v for v in mine if v.start < end and v.end > start]
        if here:
            grid.cells[(row, index)] = _visit_cell(here, start, step)
            continue
        cell = _availability(spans, start, end, step)
        if cell is not None:
            grid.cells[(row, index)] = cell


def _visit_cell(here: list[TodayRow], start: datetime, step: timedelta) -> Cell:
    """The visit starting in this row (else the one running on); visits that overlap each
    other are an overbooking, one following another within the row is not."""
    starting = [v for v in here if start <= v.start < start + step]
    visit = min(starting or here, key=lambda v: v.start)
    symbol = STATUS_DISPLAY.get(visit.status, ("", ""))[0]
    last, first = [*visit.patient_name.split(", ", 1), ""][:2]
    text = f"{symbol} {last} {first[:1]} {visit.type_code}".strip()
    alongside = [v for v in here if v is not visit and v.start < visit.end and visit.start < v.end]
    return Cell(
        "visit",
        text + (f" +{len(alongside)}" if alongside else ""),
        visit.status,
        visit.appointment_id,
        bool(alongside) or visit.overbooked,
        first=bool(starting),
    )


def _availability(spans: list[Any], start: datetime, end: datetime, step: timedelta) -> Cell | None:
    for window in spans:
        if not (window.start < end and window.end > start):
            continue
        for (block_start, block_end), label in zip(window.blocked, window.labels, strict=True):
            if block_start < end and block_end > start:
                return Cell("block", label, first=start <= block_start < start + step)
        return Cell("open")
    return None


def view_grid(
    store: Store,
    actor: Actor,
    day: date,
    *,
    now: datetime,
    zoom: int = 15,
    site_code: str | None = None,
    specialty_code: str | None = None,
    provider_ids: list[int] | None = None,
) -> DayGrid:
    """The grid (permission-checked; the caller records the look in the audit trail)."""
    require(store, actor, Permission.VIEW_PATIENTS, now=now, what="schedule")
    if zoom not in ZOOMS:
        raise BadInput(f"Zoom {zoom} is not one of {', '.join(map(str, ZOOMS))} minutes.")
    with store.read() as session:
        if site_code is not None and site_code not in site_codes(session):
            raise BadInput(f"There is no site '{site_code}'.")
        ref = current_reference(session)
        specialty = specialty_code.upper() if specialty_code else None
        if specialty is not None and specialty not in ref.specialty_codes:
            raise BadInput(f"There is no specialty '{specialty_code}'.")
        return day_grid(
            session, day, zoom=zoom, site_code=site_code, specialty_code=specialty,
            provider_ids=provider_ids or None, ref=ref,
        )  # fmt: skip


def week_grid(
    session: Session, provider_ids: list[int], first_day: date, *, zoom: int = 15
) -> DayGrid:
    """The providers across seven days from `first_day`: a column a day and provider
    (headed by the day alone when there is one provider)."""
    ref = current_reference(session)
    days = [
        day_grid(
            session, first_day + timedelta(days=n), zoom=zoom, provider_ids=provider_ids, ref=ref
        )
        for n in range(7)
    ]
    # a day nobody works has default hours: they do not stretch the week
    worked = [grid for grid in days if grid.cells] or days
    rows = sorted({(at, at.fold) for grid in worked for at in grid.rows})
    place = {key: index for index, key in enumerate(rows)}
    week = DayGrid(first_day, zoom, [], [at for at, _ in rows])
    for grid in days:
        for index, column in enumerate(grid.columns):
            name = (
                f"{grid.day:%a %m/%d}"
                if len(provider_ids) == 1
                else f"{grid.day:%a%d} {column.name}"
            )
            week.columns.append(
                Column(column.provider_id, name, column.site_code, column.zone, grid.day)
            )
            for row, at in enumerate(grid.rows):
                if (cell := grid.cells.get((row, index))) is not None and (at, at.fold) in place:
                    week.cells[(place[(at, at.fold)], len(week.columns) - 1)] = cell
    return week


def view_week(
    store: Store,
    actor: Actor,
    provider_ids: list[int],
    first_day: date,
    *,
    now: datetime,
    zoom: int = 15,
) -> DayGrid:
    """Providers' week (permission-checked; the caller records the look)."""
    require(store, actor, Permission.VIEW_PATIENTS, now=now, what="schedule")
    if not provider_ids:
        raise BadInput("Choose the providers whose week to show.")
    if len(provider_ids) > WEEK_PROVIDERS:
        raise BadInput(f"A week shows at most {WEEK_PROVIDERS} providers side by side.")
    with store.read() as session:
        grid = week_grid(session, provider_ids, first_day, zoom=zoom)
    if not grid.columns:
        raise BadInput(f"There is no active provider {', '.join(map(str, provider_ids))}.")
    return grid
