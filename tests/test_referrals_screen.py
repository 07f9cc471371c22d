"""The referral worklist in the TUI: F12 lists the referrals to book, the soonest due
first and the overdue marked; `o` shows only the overdue; Enter calls the patient (the
call workspace opens with them found); a call already open with another patient is not
left behind; the list is an audited view. Snapshots at 80x24 and 200x60."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from rich.text import Text
from sqlmodel import col, select
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from schedtui.app import SchedApp
from schedtui.core.schedule.referrals import ReferralRequest, add_referral
from schedtui.data import models as m
from schedtui.data.store import Store
from schedtui.screens.referrals import ReferralsScreen
from schedtui.screens.workspace import WorkspaceScreen
from schedtui.settings import load_settings
from tests.app_helpers import call_app, settle, steady
from tests.builders import NOW, Staff, add_staff, build_tiny_clinic

TODAY = NOW.date()


@pytest.fixture
def staff(sqlite_store: Store) -> Staff:
    build_tiny_clinic(sqlite_store)
    staff = add_staff(sqlite_store)
    for mrn, urgency, day in (("MRN0001", "routine", date(2026, 3, 20)),
                              ("MRN0002", "urgent", date(2026, 3, 10))):  # fmt: skip
        request = ReferralRequest(mrn, "FU", urgency, day, "Dr. Helen Park")
        add_referral(sqlite_store, staff.scheduler, request, today=TODAY, now=NOW,
                     settings=load_settings())  # fmt: skip
    return staff


def _rows(app: SchedApp) -> list[list[str]]:
    table: DataTable[Text] = app.screen.query_one("#referral-rows", DataTable)
    return [[cell.plain for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def _open(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press("f12")
    await settle(pilot)


async def test_f12_lists_the_referrals_soonest_due_first(sqlite_store: Store, staff: Staff) -> None:
    app = call_app(sqlite_store, staff.scheduler)
    async with app.run_test(size=(140, 34)) as pilot:
        await _open(pilot)
        assert isinstance(app.screen, ReferralsScreen)
        rows = _rows(app)
        status = str(app.screen.query_one("#referral-status", Static).render())
    assert [row[2] for row in rows] == ["MRN0002", "MRN0001"]
    assert rows[0][0] == "Tue Mar 10" and rows[0][4] == "urgent"
    assert "Referrals to book: 2, 0 overdue" in status


async def test_enter_calls_the_patient(sqlite_store: Store, staff: Staff) -> None:
    app = call_app(sqlite_store, staff.scheduler)
    async with app.run_test(size=(140, 34)) as pilot:
        await _open(pilot)
        await pilot.press("enter")  # the first: MRN0002, due soonest
        await settle(pilot)
        await settle(pilot)
        assert isinstance(app.screen, WorkspaceScreen)
        lookup = app.screen.query_one("#lookup", Input).value
        with sqlite_store.read() as session:
            wanted = session.exec(select(m.Patient.id).where(col(m.Patient.mrn) == "MRN0002")).one()
        assert lookup == "MRN0002" and app.call.patient_id == wanted


async def test_a_call_open_with_another_patient_is_not_left(
    sqlite_store: Store, staff: Staff
) -> None:
    app = call_app(sqlite_store, staff.scheduler, caller="MRN0001")
    async with app.run_test(size=(140, 34)) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # open the caller
        await settle(pilot)
        caller = app.call.patient_id
        assert caller is not None
        await _open(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReferralsScreen) and app.call.patient_id == caller
        said = [n.message for n in app._notifications]
    assert any("Finish the call with" in text for text in said)


async def test_o_shows_only_the_overdue_and_the_list_is_audited(
    sqlite_store: Store, staff: Staff
) -> None:
    app = call_app(sqlite_store, staff.scheduler)
    async with app.run_test(size=(140, 34)) as pilot:
        await _open(pilot)
        await pilot.press("o")
        await settle(pilot)
        overdue = _rows(app)
    assert overdue == []  # nothing is past due on Monday the 9th
    with sqlite_store.read() as session:
        views = session.exec(
            select(m.AuditEvent).where(col(m.AuditEvent.entity) == "referral")
            .where(col(m.AuditEvent.action) == "view")
        ).all()  # fmt: skip
    assert len(views) == 2 and all(v.user_id == staff.scheduler.user_id for v in views)


@pytest.mark.parametrize("size", [(80, 24), (200, 60)])
def test_referrals_snapshot(
    sqlite_store: Store, staff: Staff, snap_compare: Any, size: tuple[int, int]
) -> None:
    async def open_worklist(pilot: Pilot[Any]) -> None:
        await _open(pilot)
        await steady(pilot)

    app = call_app(sqlite_store, staff.scheduler)
    assert snap_compare(app, terminal_size=size, run_before=open_worklist)
