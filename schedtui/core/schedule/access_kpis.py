"""Access measures the engine can answer: third next available (IHI).

Third next available: days from today to the third open slot for a provider and
visit type, counting held slots as open (a hold is not a booking); the third, because
the first two are often chance cancellations.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session

from schedtui.core.schedule.availability import Checker, load_occupancy
from schedtui.core.schedule.reference import Reference, load_reference
from schedtui.core.schedule.slots import SlotRequest, slots_in_window
from schedtui.data import models as m

CHUNK_DAYS = 14


@dataclass(frozen=True)
class ThirdNextAvailable:
    """One provider and type: days to the third open slot (None: not within the horizon)."""

    provider_id: int
    type_code: str
    days: int | None


def _types_of(ref: Reference, provider_id: int) -> list[m.AppointmentType]:
    found: dict[int, m.AppointmentType] = {}
    for template in ref.templates_of(provider_id):
        accepted = ref.accepts.get(template.id or 0)
        for type_id, kind in ref.types.items():
            if not kind.active:
                continue
            if accepted is not None and type_id not in accepted:
                continue
            if accepted is None and kind.specialty_id not in ref.specialties[provider_id]:
                continue
            found[type_id] = kind
    return sorted(found.values(), key=lambda kind: kind.code)


class _Horizon:
    """Checkers over consecutive stretches of days, loaded once and shared by every pair."""

    def __init__(self, session: Session, ref: Reference, today: date, now: datetime) -> None:
        self.session, self.ref, self.today, self.now = session, ref, today, now
        self.checkers: dict[int, Checker] = {}

    def checker(self, day: date) -> Checker:
        chunk = (day - self.today).days // CHUNK_DAYS
        if chunk not in self.checkers:
            first = self.today + timedelta(days=chunk * CHUNK_DAYS)
            begin = datetime.combine(first, time(0), tzinfo=UTC) - timedelta(hours=14)
            end = begin + timedelta(days=CHUNK_DAYS, hours=28)
            occupancy = load_occupancy(
                self.session, self.ref, begin, end, now=self.now, holds=False
            )
            last = first + timedelta(days=CHUNK_DAYS - 1)
            self.checkers[chunk] = Checker(self.ref, occupancy, self.now, span=(first, last))
        return self.checkers[chunk]


def third_next_available(
    session: Session,
    *,
    now: datetime,
    today: date,
    type_code: str | None = None,
    horizon_days: int = 90,
) -> list[ThirdNextAvailable]:
    """Third next available for every provider and each type they see (or just `type_code`)."""
    ref = load_reference(session)
    shared = _Horizon(session, ref, today, now)
    rows = []
    for provider_id in sorted(ref.providers):
        for kind in _types_of(ref, provider_id):
            if type_code and kind.code != type_code.upper():
                continue
            days = _days_to_third(shared, provider_id, kind, today, horizon_days)
            rows.append(ThirdNextAvailable(provider_id, kind.code, days))
    return rows


def _days_to_third(
    shared: _Horizon, provider_id: int, kind: m.AppointmentType, today: date, horizon: int
) -> int | None:
    request = SlotRequest(kind.code, limit=3)
    count = 0
    for offset in range(horizon + 1):
        day = today + timedelta(days=offset)
        checker = shared.checker(day)
        for window in checker.windows_on(provider_id, day):
            count += len(slots_in_window(checker, request, kind, window, [], None))
            if count >= 3:
                return offset
    return None
