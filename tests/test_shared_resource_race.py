"""Eight schedulers race for the one MRI scanner and the one Vietnamese interpreter, with
two providers: neither is ever in two places at once, on SQLite or PostgreSQL.

Regression test for PostgreSQL putting two visits on the only echo cart of a site and
up to seven at once on a single interpreter: only the provider and patient rows were
locked, and the equipment and interpreter checks read without a lock.
"""

from __future__ import annotations

import multiprocessing
from datetime import UTC, date, datetime, time
from itertools import combinations

import pytest
from sqlmodel import col, select

from schedtui.core.schedule.booking import BookingRequest
from schedtui.core.security.access import Actor
from schedtui.core.support.errors import BadInput
from schedtui.data import models as m
from schedtui.data.store import Store
from tests.builders import book_self_pay
from tests.engine_clinic import WEEKDAYS, EngineClinic, build_engine_clinic

NOW = datetime(2026, 3, 6, 17, 0, tzinfo=UTC)
PROCESSES = 8
DAYS = [date(2026, 3, 9), date(2026, 3, 10), date(2026, 3, 12), date(2026, 3, 13)]
HOURS = (8, 9, 11)  # Okafor's admin block is 10:00-10:30


def _contested(clinic: EngineClinic) -> list[tuple[str, datetime]]:
    """Every (visit type, start) the racers go for, in the order they all go."""
    return [
        (code, clinic.at(day, hour)) for code in ("MRI", "FU") for day in DAYS for hour in HOURS
    ]


def _both_providers_take_everything_in_the_morning(store: Store, clinic: EngineClinic) -> None:
    with store.write() as session:
        template = m.ScheduleTemplate(
            provider_id=clinic.ortega,
            site_id=clinic.site,
            rrule=WEEKDAYS,
            start_time=time(8),
            end_time=time(12),
            effective_from=date(2025, 12, 29),
        )
        session.add(template)
        session.flush()
        for type_id in (clinic.follow_up, clinic.mri):
            session.add(
                m.TemplateAppointmentType(template_id=template.id or 0, appointment_type_id=type_id)
            )
        session.add(
            m.Resource(site_id=clinic.site, kind="interpreter", name="Vietnamese", language="vi")
        )
        for patient_id in clinic.patients:
            patient = session.get(m.Patient, patient_id)
            assert patient is not None
            patient.language, patient.interpreter_needed = "vi", True


def _race(
    url: str,
    worker: int,
    attempts: list[tuple[str, int, str, int]],
    start_together: object,
    results: object,
) -> None:
    store = Store.open(url)
    store.ping()
    actor = Actor(None, f"scheduler{worker}", "supervisor")
    won, errors = 0, []
    start_together.wait(timeout=120)  # type: ignore[attr-defined]
    for code, provider, start, patient in attempts:
        request = BookingRequest(patient, provider, code, datetime.fromisoformat(start))
        try:
            book_self_pay(store, actor, request, now=NOW)
            won += 1
        except BadInput:
            pass
        except Exception as exc:
            errors.append(f"{type(exc).__name__}: {exc}")
    store.dispose()
    results.put((worker, won, errors))  # type: ignore[attr-defined]


def _overlapping(visits: list[m.Appointment]) -> list[tuple[int | None, int | None]]:
    return [(a.id, b.id) for a, b in combinations(visits, 2) if a.start < b.end and b.start < a.end]


def _run_race(store: Store) -> None:
    clinic = build_engine_clinic(store, patients=PROCESSES * 60)
    _both_providers_take_everything_in_the_morning(store, clinic)
    contested = _contested(clinic)
    url = store.url.render_as_string(hide_password=False)
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    start_together = context.Barrier(PROCESSES)
    racers = []
    for worker in range(PROCESSES):
        # Half the racers book with one provider, half with the other, each time at once.
        provider = (clinic.okafor, clinic.ortega)[worker % 2]
        mine = clinic.patients[worker * 60 : (worker + 1) * 60]
        attempts = [
            (code, provider, start.isoformat(), mine[number % len(mine)])
            for number, (code, start) in enumerate(contested)
        ]
        racers.append(
            context.Process(target=_race, args=(url, worker, attempts, start_together, results))
        )
    for racer in racers:
        racer.start()
    outcomes = [results.get(timeout=600) for _ in racers]
    for racer in racers:
        racer.join(timeout=60)
    errors = [error for outcome in outcomes for error in outcome[2]]
    assert errors == [], errors[:3]
    with store.read() as session:
        booked = session.exec(
            select(m.Appointment).where(col(m.Appointment.status) == "booked")
        ).all()
    scans = [a for a in booked if a.appointment_type_id == clinic.mri]
    interpreted = [a for a in booked if a.interpreter_language == "vi"]
    assert _overlapping(scans) == []
    assert _overlapping(interpreted) == []
    assert len(interpreted) == len(booked)  # every patient needed the interpreter
    taken_times = {a.start for a in booked}
    assert taken_times == {start for _, start in contested}  # every time went to someone


def test_shared_equipment_and_interpreters_on_sqlite(sqlite_store: Store) -> None:
    _run_race(sqlite_store)


@pytest.mark.postgres
def test_shared_equipment_and_interpreters_on_postgresql(pg_store: Store) -> None:
    _run_race(pg_store)
