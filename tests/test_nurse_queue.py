"""The nurse's queue: escalations waiting for a team, soonest to answer first, the time
left counting down (late ones marked), resolved from the screen (audited), another
team's shown on request."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import col, select
from textual.widgets import DataTable, Static

from schedtui.core.patients.cases import raise_escalation
from schedtui.core.support.clock import FrozenClock
from schedtui.core.views.nurse_queue import time_left
from schedtui.data import models as m
from schedtui.data.store import Store
from schedtui.screens.nurse_queue import NurseQueueScreen
from tests.app_helpers import call_app, settle, steady
from tests.builders import NOW, Staff, add_staff, build_tiny_clinic


@pytest.fixture
def staff(sqlite_store: Store) -> Staff:
    build_tiny_clinic(sqlite_store)
    staff = add_staff(sqlite_store)
    for mrn, reported, priority, team, minutes_ago in (
        ("MRN0001", "fever 39 for two days", "routine", "nursing", 60),
        ("MRN0002", "chest pain on stairs", "emergent", "nursing", 20),
        ("MRN0003", "rash after new pill", "urgent", "pharmacy", 5),
    ):
        raise_escalation(sqlite_store, staff.scheduler, mrn, reported, priority=priority,
                         team=team, now=NOW - timedelta(minutes=minutes_ago))  # fmt: skip
    return staff


def test_the_time_left_reads_by_the_minute() -> None:
    assert time_left(NOW + timedelta(minutes=12, seconds=50), NOW) == "12 min left"
    assert time_left(NOW + timedelta(hours=1, minutes=5), NOW) == "1 h 05 min left"
    assert time_left(NOW - timedelta(minutes=5), NOW) == "LATE 5 min"
    assert time_left(None, NOW) == ""


def _rows(app: Any) -> list[list[str]]:
    table = app.screen.query_one("#nurses-rows", DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def test_the_queue_counts_down_and_a_nurse_resolves_from_it(
    sqlite_store: Store, staff: Staff
) -> None:
    app = call_app(sqlite_store, staff.scheduler)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        app.action_nurse_queue()
        await settle(pilot)
        assert isinstance(app.screen, NurseQueueScreen)
        first = _rows(app)
        status = str(app.screen.query_one("#nurses-status", Static).render())
        assert isinstance(app.clock, FrozenClock)
        app.clock.advance(timedelta(minutes=2))  # two minutes on: the countdown moves
        for _ in range(200):  # (the screen counts down every second by itself)
            if _rows(app)[0][0] != first[0][0]:
                break
            await pilot.pause(0.05)
        later = _rows(app)
        await pilot.press("x")
        await settle(pilot)
        await pilot.press(*"advised ED now", "enter")
        await settle(pilot)
        after = _rows(app)
        await pilot.press("t")  # triage
        await settle(pilot)
        await pilot.press("t")  # pharmacy
        await settle(pilot)
        pharmacy = _rows(app)
    assert [row[1:3] for row in first] == [["emergent", "MRN0002"], ["routine", "MRN0001"]]
    assert first[0][0] == "LATE 5 min" and first[1][0] == "23 h 00 min left"
    assert "Escalations for nursing: 2, 1 late." in status
    assert later[0][0] == "LATE 7 min"
    assert [row[2] for row in after] == ["MRN0001"]
    assert [row[2] for row in pharmacy] == ["MRN0003"]
    with sqlite_store.read() as session:
        done = session.exec(
            select(m.Escalation).where(col(m.Escalation.status) == "resolved")
        ).one()
        viewed = session.exec(select(m.AuditEvent).where(col(m.AuditEvent.entity) == "escalation")
                              .where(col(m.AuditEvent.action) == "view")).all()  # fmt: skip
    assert (done.resolution, done.patient_id) == ("advised ED now", 2)
    assert viewed  # reading the queue is an audited view


def test_nurse_queue_snapshot(sqlite_store: Store, staff: Staff, snap_compare: Any) -> None:
    async def open_it(pilot: Any) -> None:
        await settle(pilot)
        pilot.app.action_nurse_queue()
        await steady(pilot)

    app = call_app(sqlite_store, staff.scheduler)
    assert snap_compare(app, terminal_size=(80, 24), run_before=open_it)


def test_nurse_queue_snapshot_on_a_wide_terminal(
    sqlite_store: Store, staff: Staff, snap_compare: Any
) -> None:
    async def open_it(pilot: Any) -> None:
        await settle(pilot)
        pilot.app.action_nurse_queue()
        await steady(pilot)

    app = call_app(sqlite_store, staff.scheduler)
    assert snap_compare(app, terminal_size=(200, 60), run_before=open_it)
