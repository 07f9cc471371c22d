"""Availability: is this stretch of time bookable for this provider, type and patient?

One checker answers for both the search and the booking, so what is offered is exactly
what can be booked: template windows (rrule, in each site's own timezone, across DST),
minus closures and blocks, minus appointments and live holds, with resources,
interpreters, minimum notice and per-day limits.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import and_, bindparam, or_, select
from sqlmodel import Session

from schedtui.core.schedule.reference import Reference
from schedtui.data import models as m
from schedtui.data.codes import VisitMode
from schedtui.data.recurrence import Window, windows

#: Statuses whose appointments take up the provider's time.
BUSY_STATUSES = ("proposed", "pending", "booked", "arrived", "checked-in", "fulfilled", "noshow")
#: Starts lie on this grid, counted from the start of the template window.
GRID = timedelta(minutes=5)
Interval = tuple[datetime, datetime]
#: No appointment or hold is longer than this; it bounds the index scan on start times.
LONGEST = timedelta(hours=24)


class Taken(NamedTuple):
    """An appointment or a live hold occupying time (a tuple: a search makes thousands)."""

    start: datetime
    end: datetime
    provider_id: int
    patient_id: int | None
    resource_id: int | None
    type_id: int
    site_id: int
    interpreter_language: str | None = None
    overbooked: bool = False
    hold_id: int | None = None
    appointment_id: int | None = None
    expires_at: datetime | None = None


@dataclass
class Occupancy:
    """Appointments and live holds in a stretch of time, indexed the ways checks need."""

    zones: dict[int, ZoneInfo]
    by_provider: dict[int, list[Taken]] = field(default_factory=lambda: defaultdict(list))
    by_resource: dict[int, list[Taken]] = field(default_factory=lambda: defaultdict(list))
    by_patient: dict[int, list[Taken]] = field(default_factory=lambda: defaultdict(list))
    by_language: dict[str, list[Taken]] = field(default_factory=lambda: defaultdict(list))
    _per_day: Counter[tuple[int, int, date]] | None = None

    def add(self, taken: Taken) -> None:
        """Index one appointment or hold."""
        self.by_provider[taken.provider_id].append(taken)
        if taken.resource_id is not None:
            self.by_resource[taken.resource_id].append(taken)
        if taken.patient_id is not None:
            self.by_patient[taken.patient_id].append(taken)
        if taken.interpreter_language:
            self.by_language[taken.interpreter_language].append(taken)
        self._per_day = None

    def in_start_order(self) -> None:
        """Put every list in start order (`during` halves them)."""
        for index in (self.by_provider, self.by_resource, self.by_patient, self.by_language):
            for taken in index.values():
                taken.sort(key=_start_of)

    def visits_that_day(self, provider_id: int, type_id: int, day: date) -> int:
        """The provider's visits of a type on a local day at their sites (holds aside);
        counted when first asked, as only types with a per-day cap ask."""
        if self._per_day is None:
            self._per_day = Counter(
                (t.provider_id, t.type_id, _local_day(self.zones, t))
                for taken in self.by_provider.values()
                for t in taken
                if t.hold_id is None
            )
        return self._per_day[(provider_id, type_id, day)]


@dataclass(frozen=True)
class Scope:
    """Whose appointments bear on a question (no provider ids: everyone's)."""

    provider_ids: frozenset[int] | None = None
    patient_id: int | None = None
    resource_ids: frozenset[int] = frozenset()
    language: str | None = None


def _scoped(columns: Any, shape: tuple[bool, bool, bool, bool]) -> list[Any]:
    """Who a question is about, as bound parameters (`shape`: which parts it names)."""
    providers, patient, resources, language = shape
    if not providers:
        return []
    wanted = [columns.provider_id.in_(bindparam("provider_ids", expanding=True))]
    if patient:
        wanted.append(columns.patient_id == bindparam("patient_id"))
    if resources:
        wanted.append(columns.resource_id.in_(bindparam("resource_ids", expanding=True)))
    if language and hasattr(columns, "interpreter_language"):
        wanted.append(columns.interpreter_language == bindparam("language"))
    return [or_(*wanted)]


def _window(columns: Any) -> list[Any]:
    # The lower bound on start lets the index on start times do the work.
    return [
        columns.start < bindparam("last"),
        columns.start >= bindparam("earliest"),
        columns.end > bindparam("first"),
    ]


_APPOINTMENT_COLUMNS = (
    "id", "start", "end", "provider_id", "patient_id", "resource_id", "appointment_type_id",
    "site_id", "interpreter_language", "overbooked",
)  # fmt: skip
_HOLD_COLUMNS = (
    "id", "start", "end", "provider_id", "patient_id", "resource_id", "appointment_type_id",
    "site_id", "expires_at",
)  # fmt: skip


@cache
def _busy_statement(shape: tuple[bool, bool, bool, bool]) -> Any:
    """Appointments in a busy status in a stretch of time (built once per shape: building
    a statement costs more than running it)."""
    a = m.Appointment.__table__  # type: ignore[attr-defined]
    columns = [a.c[name] for name in _APPOINTMENT_COLUMNS]
    busy = a.c.status.in_(BUSY_STATUSES)
    return (
        select(*columns).where(and_(*_window(a.c), busy, *_scoped(a.c, shape))).order_by(a.c.start)
    )


@cache
def _holds_statement(shape: tuple[bool, bool, bool, bool]) -> Any:
    """Unexpired holds in a stretch of time (built once per shape)."""
    h = m.SlotHold.__table__  # type: ignore[attr-defined]
    columns = [h.c[name] for name in _HOLD_COLUMNS]
    live = h.c.expires_at > bindparam("now")
    return (
        select(*columns).where(and_(*_window(h.c), live, *_scoped(h.c, shape))).order_by(h.c.start)
    )


def _parameters(scope: Scope | None, first: datetime, last: datetime) -> tuple[Any, dict[str, Any]]:
    params: dict[str, Any] = {"first": first, "last": last, "earliest": first - LONGEST}
    if scope is None or scope.provider_ids is None:
        return (False, False, False, False), params
    params["provider_ids"] = sorted(scope.provider_ids)
    shape = (True, scope.patient_id is not None, bool(scope.resource_ids), bool(scope.language))
    if scope.patient_id is not None:
        params["patient_id"] = scope.patient_id
    if scope.resource_ids:
        params["resource_ids"] = sorted(scope.resource_ids)
    if scope.language:
        params["language"] = scope.language
    return shape, params


def load_occupancy(
    session: Session,
    ref: Reference,
    first: datetime,
    last: datetime,
    *,
    now: datetime,
    ignore_hold: int | None = None,
    ignore_appointment: int | None = None,
    scope: Scope | None = None,
    holds: bool = True,
) -> Occupancy:
    """Appointments (in a busy status) and unexpired holds overlapping [first, last);
    with a `scope`, only those that bear on it."""
    occupancy = Occupancy(ref.zones)
    shape, params = _parameters(scope, first, last)
    for row in session.execute(_busy_statement(shape), params):
        (id_, start, end, provider, patient, resource, kind, site, language, overbooked) = row
        if id_ != ignore_appointment:
            occupancy.add(
                Taken(start, end, provider, patient, resource, kind, site, language, overbooked,
                      None, id_)
            )  # fmt: skip
    # both in start order, as `during` needs; holds (few) are sorted in among the visits
    if holds and _add_holds(
        occupancy, session.execute(_holds_statement(shape), {**params, "now": now}), ignore_hold
    ):
        occupancy.in_start_order()
    return occupancy


def _add_holds(occupancy: Occupancy, rows: Any, ignore_hold: int | None) -> bool:
    """Add the live holds; whether there were any."""
    added = False
    for row in rows:
        (id_, start, end, provider, patient, resource, kind, site, expires_at) = row
        if id_ != ignore_hold:
            occupancy.add(
                Taken(start, end, provider, patient, resource, kind, site, None, False, id_,
                      None, expires_at)
            )  # fmt: skip
            added = True
    return added


def _local_day(zones: dict[int, ZoneInfo], taken: Taken) -> date:
    zone = zones.get(taken.site_id)
    return taken.start.astimezone(zone).date() if zone else taken.start.date()


def during(taken: Sequence[Taken], start: datetime, end: datetime) -> Iterator[Taken]:
    """The visits and holds of a list (in start order, as `load_occupancy` leaves it)
    that share time with [start, end): found by halving, not by reading them all."""
    for at in range(bisect_left(taken, start - LONGEST, key=_start_of), len(taken)):
        one = taken[at]  # by index: a slice would copy the rest of the list every call
        if one.start >= end:
            return
        if one.end > start:
            yield one


def _start_of(taken: Taken) -> datetime:
    return taken.start


def overlaps(start: datetime, end: datetime, other: Taken | Interval) -> bool:
    """True when [start, end) and the other stretch share any time."""
    return start < other[1] and other[0] < end  # a Taken starts (start, end, ...)


@dataclass(frozen=True)
class Candidate:
    """A stretch of time someone wants for a patient."""

    provider_id: int
    site_id: int
    type_id: int
    start: datetime
    end: datetime
    patient_id: int | None = None
    visit_mode: str = VisitMode.IN_PERSON
    interpreter_language: str | None = None
    overbook: bool = False


@dataclass
class Checker:
    """Answers "what stands in the way of this candidate?" over one reference and occupancy."""

    ref: Reference
    occupancy: Occupancy
    now: datetime
    #: The days this checker will be asked about; windows are expanded for all at once.
    span: tuple[date, date] | None = None
    _windows: dict[int, dict[date, list[Window]]] = field(default_factory=dict)

    def windows_on(self, provider_id: int, day: date) -> list[Window]:
        """The provider's template windows on a (site-local) day, blocks attached."""
        by_day = self._windows.setdefault(provider_id, {})
        if day not in by_day:
            first, last = (
                self.span if self.span and self.span[0] <= day <= self.span[1] else (day, day)
            )
            expanded = windows(
                self.ref.templates_of(provider_id),
                self.ref.blocks_of(provider_id),
                self.ref.closures,
                self.ref.zones,
                first,
                last,
                hours=self.ref.site_hours,
            )
            for offset in range((last - first).days + 1):
                by_day.setdefault(first + timedelta(days=offset), [])
            for window in expanded:
                by_day.setdefault(window.day, []).append(window)
        return by_day[day]

    def window_for(self, c: Candidate) -> Window | None:
        """The window at the candidate's site that holds the whole candidate."""
        day = c.start.astimezone(self.ref.zones[c.site_id]).date()
        for window in self.windows_on(c.provider_id, day):
            if (
                window.template.site_id == c.site_id
                and window.start <= c.start
                and c.end <= window.end
            ):
                return window
        return None

    def problems(self, c: Candidate) -> list[str]:
        """Every reason the candidate cannot be booked (empty: it can)."""
        found = self._timing(c)
        window = self.window_for(c)
        if window is None:
            return [*found, self._outside_hours(c)]
        found += self._window_rules(c, window)
        found += self.conflicts(c)
        return found

    def _timing(self, c: Candidate) -> list[str]:
        if c.start < self.now:
            return ["the time has already passed"]
        notice = min_notice_minutes(self.ref, c.provider_id, c.type_id)
        if notice and c.start < self.now + timedelta(minutes=notice):
            return [f"needs {notice} minutes' notice"]
        return []

    def _outside_hours(self, c: Candidate) -> str:
        site = self.ref.sites[c.site_id]
        day = c.start.astimezone(self.ref.zones[c.site_id]).date()
        for closure in self.ref.closures:
            if (
                closure.site_id in (None, c.site_id)
                and closure.first_day <= day <= closure.last_day
            ):
                return f"{site.name} is closed that day ({closure.name})"
        return f"outside {provider_name(self.ref, c.provider_id)}'s hours at {site.name}"

    def _window_rules(self, c: Candidate, window: Window) -> list[str]:
        found = []
        template = window.template
        kind = self.ref.types[c.type_id]
        accepted = self.ref.accepts.get(template.id or 0)
        if accepted and c.type_id not in accepted:
            found.append(f"this block does not take {kind.code} ({kind.name})")
        if (c.start - window.start) % GRID:
            found.append("not on a 5-minute slot boundary")
        if c.visit_mode == "telehealth" and (
            template.visit_mode == VisitMode.IN_PERSON or not kind.telehealth_allowed
        ):
            found.append("telehealth is not offered for this visit then")
        if c.visit_mode == VisitMode.IN_PERSON and template.visit_mode == VisitMode.TELEHEALTH:
            found.append("this block is telehealth only")
        for (start, end), label in zip(window.blocked, window.labels, strict=True):
            if overlaps(c.start, c.end, (start, end)):
                found.append(f"blocked ({label})")
                break
        return found

    def conflicts(self, c: Candidate) -> list[str]:
        """What else takes the time: the provider's, the patient's, the resources' and the
        interpreters' visits and holds, and the per-day caps."""
        found = []
        for taken in during(self.occupancy.by_provider.get(c.provider_id, []), c.start, c.end):
            if taken.hold_id is not None:
                found.append("held by another scheduler while their caller decides")
            elif not c.overbook:
                found.append(f"{provider_name(self.ref, c.provider_id)} is already booked then")
            break
        if c.patient_id is not None and any(
            during(self.occupancy.by_patient.get(c.patient_id, []), c.start, c.end)
        ):
            found.append("the patient already has an appointment at an overlapping time")
        if self.ref.types[c.type_id].resource_kind and self.free_resource(c) is None:
            found.append(
                f"no {self.ref.types[c.type_id].resource_kind} free for "
                f"{self.ref.types[c.type_id].code} then"
            )
        found += self._interpreter(c)
        found += self._per_day(c)
        return found

    def earliest_start(self, provider_id: int, type_id: int) -> datetime:
        """The first moment a booking may start, given the minimum notice."""
        notice = min_notice_minutes(self.ref, provider_id, type_id) or 0
        return self.now + timedelta(minutes=notice)

    def resource_frees_at(
        self, type_id: int, site_id: int, start: datetime, end: datetime
    ) -> datetime:
        """When a resource the type needs may next be free (`start` if one is free now)."""
        ends = []
        for resource_id in self.ref.type_resources.get(type_id, ()):
            if self.ref.resources[resource_id].site_id not in (None, site_id):
                continue
            blocking = [
                t.end for t in during(self.occupancy.by_resource.get(resource_id, []), start, end)
            ]
            if not blocking:
                return start
            ends.append(max(blocking))
        return min(ends) if ends else start

    def free_resource(self, c: Candidate) -> int | None:
        """A resource at the site that serves the type and is free then (None if none)."""
        for resource_id in self.ref.type_resources.get(c.type_id, ()):
            resource = self.ref.resources[resource_id]
            if not resource.active or resource.site_id not in (None, c.site_id):
                continue
            busy = self.occupancy.by_resource.get(resource_id, [])
            if not any(during(busy, c.start, c.end)):
                return resource_id
        return None

    def _interpreter(self, c: Candidate) -> list[str]:
        language = c.interpreter_language
        if not language:
            return []
        capacity = self.ref.interpreters(language)
        busy = sum(1 for _ in during(self.occupancy.by_language.get(language, []), c.start, c.end))
        if busy >= capacity:
            return [f"no {language} interpreter free then"]
        return []

    def _per_day(self, c: Candidate) -> list[str]:
        cap = max_per_day(self.ref, c.provider_id, c.type_id)
        if cap is None:
            return []
        day = c.start.astimezone(self.ref.zones[c.site_id]).date()
        if self.occupancy.visits_that_day(c.provider_id, c.type_id, day) >= cap:
            return [
                f"{provider_name(self.ref, c.provider_id)} takes at most {cap} "
                f"{self.ref.types[c.type_id].code} a day"
            ]
        return []


def provider_name(ref: Reference, provider_id: int) -> str:
    """'Dr. Okafor' style name for messages."""
    provider = ref.providers.get(provider_id)
    if provider is None:
        return f"provider {provider_id}"
    title = "Dr. " if provider.credentials in ("MD", "DO") else ""
    return f"{title}{provider.first_name} {provider.last_name}"


def min_notice_minutes(ref: Reference, provider_id: int, type_id: int) -> int | None:
    """The most specific minimum notice for this provider and type."""
    return ref.limit(provider_id, type_id, "min_notice_minutes")


def max_per_day(ref: Reference, provider_id: int, type_id: int) -> int | None:
    """The most specific per-day cap for this provider and type."""
    return ref.limit(provider_id, type_id, "max_per_day")


def free_intervals(window: Window, taken: list[Taken]) -> list[Interval]:
    """The window minus its blocks and whatever is taken (appointments and holds)."""
    cuts = sorted([*window.blocked, *((t.start, t.end) for t in taken)])
    free, cursor = [], window.start
    for start, end in cuts:
        if end <= cursor or start >= window.end:
            continue
        if start > cursor:
            free.append((cursor, min(start, window.end)))
        cursor = max(cursor, end)
    if cursor < window.end:
        free.append((cursor, window.end))
    return free
