"""The visits a search or a booking reads: each part of the question found through an
index (never every visit of the stretch of days), and read in start order."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Connection

from schedtui.core.schedule.availability import Scope, Taken, during, load_occupancy
from schedtui.core.schedule.booking import BookingRequest
from schedtui.core.schedule.reference import current_reference
from schedtui.core.security.access import Actor
from schedtui.data.store import Store
from tests.builders import book_self_pay
from tests.engine_clinic import build_engine_clinic

NOW = datetime(2026, 3, 6, 17, 0, tzinfo=UTC)
MONDAY = date(2026, 3, 9)
AVA = Actor(None, "ava", "scheduler")


def _plans(store: Store, scope: Scope) -> list[str]:
    """SQLite's plan for the occupancy query of `scope` over a week."""
    statements: list[tuple[str, object]] = []

    def seen(_c: Connection, _cursor: object, sql: str, params: object, *_: object) -> None:
        if "FROM appointment" in sql:
            statements.append((sql, params))

    with store.read() as session:
        ref = current_reference(session)
        connection = session.connection()
        event.listen(connection, "before_cursor_execute", seen)
        load_occupancy(session, ref, NOW, NOW + timedelta(days=7), now=NOW, scope=scope)
        event.remove(connection, "before_cursor_execute", seen)
        sql, params = statements[-1]
        driver = connection.connection.dbapi_connection
        assert driver is not None
        rows = driver.execute(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()  # type: ignore[arg-type]
    return [row[-1] for row in rows]


@pytest.mark.parametrize(
    ("patient", "resources", "language"),
    [(False, True, None), (True, True, "es"), (True, False, "es"), (False, False, None)],
)
def test_every_part_of_the_question_is_found_through_an_index(
    sqlite_store: Store, patient: bool, resources: bool, language: str | None
) -> None:
    clinic = build_engine_clinic(sqlite_store)
    scope = Scope(
        frozenset({clinic.okafor}),
        clinic.patients[0] if patient else None,
        frozenset({clinic.scanner}) if resources else frozenset(),
        language,
    )
    plan = _plans(sqlite_store, scope)
    searches = [line for line in plan if line.startswith(("SEARCH", "SCAN"))]
    assert searches and all(line.startswith("SEARCH") for line in searches), plan
    assert not any("ix_appointment_start " in line for line in searches), plan
    expected = 1 + patient + resources + bool(language)
    assert len(searches) == expected, plan


def test_visits_are_read_in_start_order_and_found_by_halving(sqlite_store: Store) -> None:
    clinic = build_engine_clinic(sqlite_store)
    for patient, hour in ((0, 11), (1, 8), (2, 9)):  # booked out of order
        request = BookingRequest(
            clinic.patients[patient], clinic.okafor, "FU", clinic.at(MONDAY, hour)
        )
        book_self_pay(sqlite_store, AVA, request, now=NOW)
    with sqlite_store.read() as session:
        ref = current_reference(session)
        week = load_occupancy(session, ref, NOW, NOW + timedelta(days=7), now=NOW)
    taken: list[Taken] = week.by_provider[clinic.okafor]
    assert [t.start for t in taken] == sorted(t.start for t in taken)
    nine = clinic.at(MONDAY, 9)
    assert [t.start for t in during(taken, nine, nine + timedelta(minutes=5))] == [nine]
    assert [t.start for t in during(taken, nine - timedelta(minutes=5), nine)] == []
    assert len(list(during(taken, clinic.at(MONDAY, 8), clinic.at(MONDAY, 12)))) == 3
