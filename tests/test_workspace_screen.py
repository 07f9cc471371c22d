"""The call workspace: lookup as you type, Enter opens the patient, caller ID fills it."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from rich.text import Text
from sqlmodel import col, select
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from schedtui.app import SchedApp, create_app
from schedtui.cli import caller_digits
from schedtui.core.patients.lookup.index import BuildStopped
from schedtui.core.security import users
from schedtui.core.security.access import Actor
from schedtui.core.security.session import SessionStart
from schedtui.core.support.clock import FrozenClock
from schedtui.core.support.errors import BadInput
from schedtui.data import models as m
from schedtui.data.store import Store
from schedtui.screens.workspace import WorkspaceScreen
from schedtui.settings import load_settings
from schedtui.widgets.patient_panel_view import PatientPanelView
from tests.app_helpers import steady
from tests.builders import NOW, Staff, add_staff, build_tiny_clinic

SIZE = (140, 34)
Stop = Callable[[], bool]


@pytest.fixture
def staff(sqlite_store: Store) -> Staff:
    build_tiny_clinic(sqlite_store)
    return add_staff(sqlite_store)


def _app(store: Store, actor: Actor, caller: str = "") -> SchedApp:
    start = SessionStart(actor, False, "ava_os", caller_query=caller)
    return create_app(
        load_settings(clinic_name="Harbor Family Practice"), store, FrozenClock(NOW), start=start
    )


async def _settle(pilot: Pilot[Any]) -> None:
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def _names(app: SchedApp) -> list[str]:
    table: DataTable[Text] = app.screen.query_one("#match-rows", DataTable)
    return [table.get_row_at(i)[0].plain for i in range(table.row_count)]


async def test_typing_finds_the_patient_and_enter_opens_the_panel(
    sqlite_store: Store, staff: Staff
) -> None:
    app = _app(sqlite_store, staff.scheduler)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await pilot.press("f4")
        await _settle(pilot)
        assert isinstance(app.screen, WorkspaceScreen)
        assert app.screen.focused is app.screen.query_one("#lookup", Input)
        await pilot.press(*"garc")
        await _settle(pilot)
        found = _names(app)
        await pilot.press("enter")
        await _settle(pilot)
        panel = str(app.screen.query_one(PatientPanelView).render())
        visits = str(app.screen.query_one("#visits-title", Static).render())
        await pilot.press("f2")
        await _settle(pilot)
        masked = str(app.screen.query_one(PatientPanelView).render())
    assert found == ["García, José"]
    assert "MRN0002" in panel  # José: born 2 Feb 1962 in the builder
    assert "02/02/1962 (age 64)" in panel and "Past visits (newest first)" in panel
    assert visits == "No upcoming visits (Ctrl+B books one)"
    assert "02/02/1962" not in masked and "•••••" in masked
    with sqlite_store.read() as session:
        viewed = session.exec(
            select(m.AuditEvent).where(col(m.AuditEvent.entity) == "patient")
        ).all()
    assert [(v.action, v.username) for v in viewed] == [("view", "ava.jensen")]


async def test_caller_id_fills_the_lookup(sqlite_store: Store, staff: Staff) -> None:
    with sqlite_store.write() as session:
        session.add(m.PatientPhone(patient_id=4, number="+13125550199", is_primary=True))
        patient = session.get(m.Patient, 4)
        assert patient is not None
        patient.updated_at = NOW
    app = _app(sqlite_store, staff.scheduler, caller=caller_digits("+1 312-555-0199", "US"))
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        assert isinstance(app.screen, WorkspaceScreen)
        assert app.screen.query_one("#lookup", Input).value == "3125550199"
        assert _names(app) == ["Li, Wei"]


async def test_escape_clears_for_the_next_caller(sqlite_store: Store, staff: Staff) -> None:
    app = _app(sqlite_store, staff.scheduler, caller="smith")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        assert _names(app) == ["Smith, [b]Ann"]
        await pilot.press("escape")
        await _settle(pilot)
        status = str(app.screen.query_one("#lookup-status", Static).render())
        names = _names(app)
    assert names == [] and status.startswith("Type a name")


def test_caller_id_must_be_a_phone_number() -> None:
    assert caller_digits("(617) 555-0123", "US") == "6175550123"
    with pytest.raises(BadInput, match="not a phone number"):
        caller_digits("anonymous", "US")


def test_workspace_snapshot(sqlite_store: Store, staff: Staff, snap_compare: Any) -> None:
    async def look_up(pilot: Pilot[Any]) -> None:
        await _settle(pilot)
        await pilot.press("enter")
        await _settle(pilot)
        await steady(pilot)

    assert snap_compare(
        _app(sqlite_store, staff.scheduler, caller="garcia"), terminal_size=SIZE, run_before=look_up
    )


async def test_a_long_panel_scrolls_from_the_keyboard_on_a_small_terminal(
    seeded_store: Store,
) -> None:
    """At 80x24 a seeded patient's panel is longer than its space: Tab reaches the panel
    and PgDn scrolls it."""
    with seeded_store.read() as session:
        scheduler = session.exec(select(m.User).where(col(m.User.role) == "scheduler")).first()
        patient_id = session.exec(
            select(m.Appointment.patient_id).order_by(col(m.Appointment.patient_id))
        ).first()
        assert scheduler is not None and patient_id is not None
        mrn = session.get(m.Patient, patient_id).mrn  # type: ignore[union-attr]
    app = _app(seeded_store, users.actor_of(scheduler), caller=mrn)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        await pilot.press("enter")
        await _settle(pilot)
        panel = app.screen.query_one("#panel-scroll")
        for _ in range(6):
            if app.screen.focused is panel:
                break
            await pilot.press("tab")
        assert app.screen.focused is panel
        assert panel.max_scroll_y > 0  # longer than the panel
        await pilot.press("pagedown")
        await _settle(pilot)
        scrolled = panel.scroll_y
        await pilot.press("up")
        await _settle(pilot)
    assert scrolled > 0 and panel.scroll_y == scrolled - 1


def _searches(store: Store) -> list[tuple[str, str]]:
    with store.read() as session:
        rows = session.exec(
            select(m.AuditEvent).where(col(m.AuditEvent.entity) == "patient-search")
        ).all()
    return [(row.username, row.detail_json) for row in rows]


async def _look_up(pilot: Pilot[Any], query: str) -> None:
    """From the start screen to the workspace, the query typed and its matches shown."""
    await _settle(pilot)
    await pilot.press("f4")
    await _settle(pilot)
    await pilot.press(*query)
    await _settle(pilot)


async def test_a_search_that_shows_patients_is_audited_when_one_is_opened(
    sqlite_store: Store, staff: Staff
) -> None:
    """Regression test for lookups in the TUI leaving no audit row (the CLI's did)."""
    app = _app(sqlite_store, staff.scheduler)
    async with app.run_test(size=SIZE) as pilot:
        await _look_up(pilot, "garc")
        await pilot.press("enter")
        await _settle(pilot)
    searches = _searches(sqlite_store)
    assert len(searches) == 1  # one row for the search, not one per keystroke
    user, detail = searches[0]
    assert user == "ava.jensen"
    assert '"query": "garc"' in detail and "MRN0002" in detail


async def test_a_search_is_audited_once_the_typing_pauses(
    sqlite_store: Store, staff: Staff
) -> None:
    app = _app(sqlite_store, staff.scheduler)
    async with app.run_test(size=SIZE) as pilot:
        await _look_up(pilot, "garc")
        for _ in range(400):  # the settle timer runs on real time: wait for its row
            if _searches(sqlite_store):
                break
            await pilot.pause(0.05)
            await app.workers.wait_for_complete()
    assert len(_searches(sqlite_store)) == 1
    assert "MRN0002" in _searches(sqlite_store)[0][1]


async def test_a_search_not_yet_audited_is_written_when_the_app_closes(
    sqlite_store: Store, staff: Staff
) -> None:
    app = _app(sqlite_store, staff.scheduler)
    async with app.run_test(size=SIZE) as pilot:
        await _look_up(pilot, "garc")
        screen = app.screen
        assert isinstance(screen, WorkspaceScreen) and screen.trail.shown
    assert len(_searches(sqlite_store)) == 1


async def test_quitting_while_the_patient_list_builds_stops_the_build(
    sqlite_store: Store, staff: Staff, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A big clinic's list takes seconds to build; quitting must not wait for it."""
    started, stopped = threading.Event(), threading.Event()

    def slow_build(session: object, index: object, stop: Stop | None = None) -> object:
        started.set()
        deadline = time.monotonic() + 20  # (only so a broken build cannot hang the suite)
        while time.monotonic() < deadline:
            if stop is not None and stop():
                stopped.set()
                raise BuildStopped
            time.sleep(0.01)
        raise AssertionError("the build was never told to stop")

    monkeypatch.setattr("schedtui.screens.workspace.refresh", slow_build)
    app = _app(sqlite_store, staff.scheduler)
    async with app.run_test(size=SIZE) as pilot:
        while not started.is_set():
            await pilot.pause()
        await pilot.press("ctrl+q")
    assert stopped.is_set()
    assert app.lookup.index is None
