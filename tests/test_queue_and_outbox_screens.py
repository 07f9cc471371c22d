"""The work queue (F11) and the supervisor's outbox in the TUI: the queue lists what is
due, most pressing first; Enter on a call shows what to say and takes what came of it
with one key; Enter on anything else calls the patient. The outbox lists failures
first; a supervisor sends one again or withdraws one, a scheduler is refused plainly.
Both are audited views. Snapshots at 80x24."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from rich.text import Text
from sqlmodel import col, select
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from schedtui.app import SchedApp
from schedtui.core.patients.call_backs import ask_call_back
from schedtui.data import models as m
from schedtui.data.store import Store
from schedtui.screens.call_outcome import CallOutcome
from schedtui.screens.outbox import OutboxScreen
from schedtui.screens.work_queue import WorkQueueScreen
from schedtui.screens.workspace import WorkspaceScreen
from tests.app_helpers import call_app, settle, steady
from tests.builders import NOW, Staff, add_staff, build_tiny_clinic

SCRIPT = "Ask for Dana, then say: this is Harbor with a reminder.\nOn a voicemail, say only: call."


def _patient(store: Store, mrn: str) -> int:
    with store.read() as session:
        return session.exec(select(m.Patient.id).where(col(m.Patient.mrn) == mrn)).one() or 0


def _message(store: Store, mrn: str, **fields: Any) -> int:
    row = m.Message(patient_id=_patient(store, mrn), to_address="+16175550142",
                    scheduled_for=NOW - timedelta(minutes=30), **fields)  # fmt: skip
    with store.write() as session:
        session.add(row)
        session.flush()
        return row.id or 0


@pytest.fixture
def staff(sqlite_store: Store) -> Staff:
    build_tiny_clinic(sqlite_store)
    staff = add_staff(sqlite_store)
    _message(sqlite_store, "MRN0001", channel="voice", kind="reminder", body=SCRIPT)
    ask_call_back(sqlite_store, staff.scheduler, "MRN0002", NOW - timedelta(hours=1),
                  "her MRI results", now=NOW - timedelta(hours=2))  # fmt: skip
    _message(sqlite_store, "MRN0002", channel="email", kind="confirmation", status="sent",
             sent_at=NOW - timedelta(minutes=20))  # fmt: skip
    _message(sqlite_store, "MRN0002", channel="email", kind="reminder", status="dead",
             attempts=5, error="550 mailbox unavailable")  # fmt: skip
    return staff


def _rows(app: SchedApp, table_id: str) -> list[list[str]]:
    table: DataTable[Text] = app.screen.query_one(table_id, DataTable)
    return [[cell.plain for cell in table.get_row_at(i)] for i in range(table.row_count)]


def _said(app: SchedApp) -> list[str]:
    return [n.message for n in app._notifications]


async def _queue(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press("f11")
    await settle(pilot)


async def test_f11_lists_what_is_due_and_a_call_takes_its_outcome_with_one_key(
    sqlite_store: Store, staff: Staff
) -> None:
    app = call_app(sqlite_store, staff.scheduler)
    async with app.run_test(size=(140, 34)) as pilot:
        await _queue(pilot)
        assert isinstance(app.screen, WorkQueueScreen)
        rows = _rows(app, "#queue-rows")
        assert [(row[1], row[2]) for row in rows] == [("call-back", "MRN0002"),
                                                      ("call", "MRN0001")]  # fmt: skip
        status = str(app.screen.query_one("#queue-status", Static).render())
        assert "Due now: 2 (1 call-back, 1 call)" in status
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, CallOutcome)
        script = str(app.screen.query_one("#call-script", Static).render())
        assert script.startswith("Call ") and " on +16175550142." in script.splitlines()[0]
        assert "Ask for Dana" in script and "On a voicemail, say only" in script
        await pilot.press("3")  # no answer
        await settle(pilot)
        assert isinstance(app.screen, WorkQueueScreen)
        assert [row[1] for row in _rows(app, "#queue-rows")] == ["call-back"]
    assert any("no-answer; on the list again at" in text for text in _said(app))
    with sqlite_store.read() as session:
        call = session.exec(select(m.Message).where(col(m.Message.channel) == "voice")).one()
        views = session.exec(select(m.AuditEvent).where(col(m.AuditEvent.entity) == "queue")).all()
    assert (call.call_outcome, call.attempts, call.status) == ("no-answer", 1, "queued")
    assert len(views) == 2 and "MRN0001" in views[0].detail_json


async def test_escape_on_a_call_changes_nothing_and_enter_on_a_call_back_calls_the_patient(
    sqlite_store: Store, staff: Staff
) -> None:
    app = call_app(sqlite_store, staff.scheduler)
    async with app.run_test(size=(140, 34)) as pilot:
        await _queue(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, WorkQueueScreen)
        await pilot.press("up", "enter")  # the call-back: MRN0002
        await settle(pilot)
        await settle(pilot)
        assert isinstance(app.screen, WorkspaceScreen)
        assert app.screen.query_one("#lookup", Input).value == "MRN0002"
        assert app.call.patient_id == _patient(sqlite_store, "MRN0002")
    with sqlite_store.read() as session:
        call = session.exec(select(m.Message).where(col(m.Message.channel) == "voice")).one()
    assert (call.call_outcome, call.attempts) == ("", 0)


async def _outbox(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    app = pilot.app
    assert isinstance(app, SchedApp)
    app.action_outbox()
    await settle(pilot)


async def test_the_outbox_lists_failures_first_and_a_supervisor_sends_one_again(
    sqlite_store: Store, staff: Staff
) -> None:
    app = call_app(sqlite_store, staff.supervisor)
    async with app.run_test(size=(160, 34)) as pilot:
        await _outbox(pilot)
        assert isinstance(app.screen, OutboxScreen)
        rows = _rows(app, "#outbox-rows")
        assert rows[0][1] == "DEAD" and rows[0][8] == "550 mailbox unavailable"
        await pilot.press("s")
        await settle(pilot)
        assert _rows(app, "#outbox-rows")[0][1] != "DEAD"
        sent = next(i for i, row in enumerate(_rows(app, "#outbox-rows")) if row[1] == "sent")
        await pilot.press(*["down"] * sent, "x")  # a sent message cannot be withdrawn
        await settle(pilot)
    said = _said(app)
    assert any(text.startswith("Message ") and "queued to be sent again" in text for text in said)
    assert any("is sent: only a message that is queued, failed or dead" in t for t in said)
    with sqlite_store.read() as session:
        statuses = sorted(row.status for row in session.exec(select(m.Message)))
        views = session.exec(
            select(m.AuditEvent).where(col(m.AuditEvent.entity) == "messages")
        ).all()
    assert statuses == ["queued", "queued", "sent"] and len(views) >= 1


async def test_a_scheduler_has_no_outbox_command_and_is_refused_plainly(
    sqlite_store: Store, staff: Staff
) -> None:
    app = call_app(sqlite_store, staff.scheduler)
    async with app.run_test(size=(160, 34)) as pilot:
        await settle(pilot)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Work queue" in titles and "Outbox" not in titles
        await _outbox(pilot)
        await pilot.press("s")
        await settle(pilot)
    assert any("may not send patients' messages and word them" in t for t in _said(app))
    titles = [n.title for n in app._notifications]
    assert "Something went wrong" not in titles


@pytest.mark.parametrize("what", ["queue", "call", "outbox"])
def test_queue_and_outbox_snapshot(
    sqlite_store: Store, staff: Staff, snap_compare: Any, what: str
) -> None:
    async def open_it(pilot: Pilot[Any]) -> None:
        if what == "outbox":
            await _outbox(pilot)
        else:
            await _queue(pilot)
        if what == "call":
            await pilot.press("down", "enter")
            await settle(pilot)
        await steady(pilot)

    actor = staff.supervisor if what == "outbox" else staff.scheduler
    app = call_app(sqlite_store, actor)
    assert snap_compare(app, terminal_size=(80, 24), run_before=open_it)


def test_queue_snapshot_on_a_wide_terminal(
    sqlite_store: Store, staff: Staff, snap_compare: Any
) -> None:
    """The work queue at 200x60: every column shown in full."""

    async def open_it(pilot: Pilot[Any]) -> None:
        await _queue(pilot)
        await steady(pilot)

    app = call_app(sqlite_store, staff.scheduler)
    assert snap_compare(app, terminal_size=(200, 60), run_before=open_it)
