"""Eight schedulers race for the same 200 slots: each slot is booked exactly once."""

from __future__ import annotations

import multiprocessing
import random
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func
from sqlmodel import select

from schedtui.core.schedule.booking import BookingRequest
from schedtui.core.security.access import Actor
from schedtui.core.support.errors import BadInput
from schedtui.data import models as m
from schedtui.data.store import Store
from tests.builders import book_self_pay
from tests.engine_clinic import build_engine_clinic

NOW = datetime(2026, 3, 6, 17, 0, tzinfo=UTC)
PROCESSES = 8
SLOTS = 60


def _slot_starts(zone_first: datetime) -> list[datetime]:
    """SLOTS follow-up slots: Okafor's mornings (11 a morning around the admin block)."""
    starts: list[datetime] = []
    day = date(2026, 3, 9)
    while len(starts) < SLOTS:
        if day.weekday() < 5 and day != date(2026, 3, 11):
            base = datetime.combine(day, zone_first.timetz())
            for minute in [*range(0, 120, 20), *range(150, 230, 20)][:11]:
                starts.append((base + timedelta(minutes=minute)).astimezone(UTC))
        day += timedelta(days=1)
    return starts[:SLOTS]


def _race(
    url: str,
    worker: int,
    provider: int,
    patients: list[int],
    starts: list[datetime],
    results: multiprocessing.Queue,
) -> None:  # type: ignore[type-arg]
    store = Store.open(url)
    actor = Actor(None, f"scheduler{worker}", "scheduler")
    order = starts[:]
    random.Random(worker).shuffle(order)
    won, refused, errors = [], 0, []
    for number, start in enumerate(order):
        request = BookingRequest(
            patients[(worker * SLOTS + number) % len(patients)], provider, "FU", start
        )
        try:
            book_self_pay(store, actor, request, now=NOW)
            won.append(start.isoformat())
        except BadInput:
            refused += 1
        except Exception as exc:
            errors.append(f"{type(exc).__name__}: {exc}")
    store.dispose()
    results.put((worker, won, refused, errors))


def _run_race(store: Store) -> None:
    clinic = build_engine_clinic(store, patients=SLOTS * PROCESSES // 4)
    first = clinic.at(date(2026, 3, 9), 8)
    starts = _slot_starts(first.astimezone(clinic.zone))
    url = store.url.render_as_string(hide_password=False)
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    racers = [
        context.Process(
            target=_race, args=(url, worker, clinic.okafor, clinic.patients, starts, results)
        )
        for worker in range(PROCESSES)
    ]
    for racer in racers:
        racer.start()
    outcomes = [results.get(timeout=600) for _ in racers]
    for racer in racers:
        racer.join(timeout=60)
    errors = [error for outcome in outcomes for error in outcome[3]]
    assert errors == [], errors[:3]
    won = [start for outcome in outcomes for start in outcome[1]]
    assert sorted(won) == sorted(start.isoformat() for start in starts)
    with store.read() as session:
        per_start = session.exec(
            select(m.Appointment.start, func.count()).group_by(m.Appointment.start)
        ).all()
    assert len(per_start) == SLOTS and all(count == 1 for _, count in per_start)


def test_race_on_sqlite(sqlite_store: Store) -> None:
    _run_race(sqlite_store)


def test_race_on_postgresql(pg_store: Store) -> None:
    _run_race(pg_store)
