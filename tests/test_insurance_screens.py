"""The insurance checklist on the appointment card and the authorization worklist screen."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from rich.text import Text
from sqlmodel import col, select
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from schedtui.app import SchedApp, create_app
from schedtui.core.insurance.authorization_form import as_typed, read_change
from schedtui.core.insurance.records import (
    AuthorizationChange,
    AuthorizationRow,
    CoverageInput,
    add_coverage,
)
from schedtui.core.security.access import Actor
from schedtui.core.security.session import SessionStart
from schedtui.core.support.clock import FrozenClock
from schedtui.core.support.errors import FieldErrors
from schedtui.data import models as m
from schedtui.data.store import Store
from schedtui.screens.authorization_edit import AuthorizationEditScreen
from schedtui.screens.authorizations import AuthorizationsScreen
from schedtui.settings import load_settings
from schedtui.widgets.appointment_card_view import AppointmentCardView
from tests.builders import NOW, Staff, add_staff, build_tiny_clinic

SIZE = (130, 30)


@pytest.fixture
def staff(sqlite_store: Store) -> Staff:
    clinic = build_tiny_clinic(sqlite_store)
    staff = add_staff(sqlite_store)
    with sqlite_store.write() as session:
        payer = m.Payer(name="Bluebird Health Plan", x12_payer_id="BBHP01")
        session.add(payer)
        session.flush()
        session.add(m.ProviderPayer(provider_id=clinic.okafor, payer_id=payer.id or 0))
        for number, (status, follow_up) in enumerate(
            [("pending", date(2026, 3, 1)), ("approved", None), ("submitted", date(2026, 3, 30))]
        ):
            session.add(
                m.PriorAuthorization(
                    patient_id=clinic.patients["ann"],
                    appointment_type_id=clinic.follow_up,
                    status=status,
                    follow_up_on=follow_up,
                    updated_at=NOW,
                    auth_number=f"A{number}" if status == "approved" else "",
                    approved_units=2 if status == "approved" else None,
                )
            )
    add_coverage(
        sqlite_store,
        staff.admin,
        CoverageInput(clinic.patients["ann"], "BBHP01", "B123", date(2025, 1, 1), copay="25"),
        now=NOW,
    )
    return staff


def _app(store: Store, actor: Actor) -> SchedApp:
    return create_app(
        load_settings(clinic_name="Harbor Family Practice", first_screen="today"),
        store,
        FrozenClock(NOW),
        start=SessionStart(actor, False, "ava_os"),
    )


async def _settle(pilot: Pilot[Any]) -> None:
    for _ in range(2):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_the_card_shows_the_insurance_checklist(sqlite_store: Store, staff: Staff) -> None:
    app = _app(sqlite_store, staff.scheduler)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await pilot.press("enter")
        await _settle(pilot)
        card = str(app.screen.query_one(AppointmentCardView).render())
    assert "Insurance checklist" in card
    assert "✓ Network: in network with Bluebird Health Plan" in card
    assert "? Eligibility: never verified" in card
    assert "Estimate: $25.00 copay at the visit; the payer decides the final amount." in card


async def test_worklist_puts_overdue_follow_ups_first_and_filters_by_status(
    sqlite_store: Store, staff: Staff
) -> None:
    app = _app(sqlite_store, staff.scheduler)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await pilot.press("f6")
        await _settle(pilot)
        assert isinstance(app.screen, AuthorizationsScreen)
        table: DataTable[Text] = app.screen.query_one("#auth-rows", DataTable)
        first = [cell.plain for cell in table.get_row_at(0)]
        status_line = str(app.screen.query_one("#auth-status", Static).render())
        await pilot.press("s", "s")  # all -> needed -> submitted
        await _settle(pilot)
        filtered = [table.get_row_at(i)[2].plain for i in range(table.row_count)]
        await pilot.press("escape")
    assert first[1] == "OVERDUE 2026-03-01" and first[2] == "pending"
    assert status_line.endswith("3, 1 overdue for follow-up")
    assert filtered == ["submitted"]
    with sqlite_store.read() as session:
        views = session.exec(
            select(m.AuditEvent).where(col(m.AuditEvent.entity) == "authorizations")
        ).all()
    assert len(views) == 3


def test_worklist_snapshot(sqlite_store: Store, staff: Staff, snap_compare: Any) -> None:
    async def open_worklist(pilot: Pilot[Any]) -> None:
        await _settle(pilot)
        await pilot.press("f6")
        await _settle(pilot)

    assert snap_compare(
        _app(sqlite_store, staff.scheduler), terminal_size=SIZE, run_before=open_worklist
    )


async def test_enter_updates_an_authorization_from_the_worklist(
    sqlite_store: Store, staff: Staff
) -> None:
    app = _app(sqlite_store, staff.scheduler)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await pilot.press("f6")
        await _settle(pilot)
        await pilot.press("enter")  # the overdue pending one
        await _settle(pilot)
        assert isinstance(app.screen, AuthorizationEditScreen)
        form = app.screen
        form.query_one("#auth-status", Input).value = "approved"
        form.query_one("#auth-approved_units", Input).value = "four"
        await pilot.press("ctrl+s")
        await _settle(pilot)
        units_error = str(form.query_one("#auth-err-approved_units", Static).render())
        form.query_one("#auth-approved_units", Input).value = "4"
        await pilot.press("ctrl+s")  # approved without its number: refused by core
        await _settle(pilot)
        refused = [n.message for n in app._notifications]
        form.query_one("#auth-auth_number", Input).value = "PA-778"
        form.query_one("#auth-note", Input).value = "spoke to Dana at Bluebird"
        await pilot.press("ctrl+s")
        await _settle(pilot)
        table: DataTable[Text] = app.screen.query_one("#auth-rows", DataTable)
        rows = [[c.plain for c in table.get_row_at(i)] for i in range(table.row_count)]
    assert units_error == "a whole number, 0 or more"
    assert "An approved authorization needs its number (--number)." in refused
    assert ["approved", "PA-778", "0/4"] in [[r[2], r[5], r[7]] for r in rows]
    with sqlite_store.read() as session:
        changed = session.exec(
            select(m.AuditEvent)
            .where(col(m.AuditEvent.entity) == "authorization")
            .where(col(m.AuditEvent.action) == "update")
        ).all()
    assert len(changed) == 1 and "spoke to Dana" in changed[0].detail_json


def test_only_what_changed_is_sent_and_wrong_fields_are_named() -> None:
    row = AuthorizationRow(
        id=1, patient_mrn="MRN0001", type_code="MRI", status="pending", payer_reference="",
        auth_number="", approved_units=None, used_units=0, valid_from="2026-03-01",
        valid_to=None, follow_up_on=None, overdue=False, notes="",
    )  # fmt: skip
    shown = as_typed(row)
    assert shown["valid_from"] == "03/01/2026" and shown["approved_units"] == ""
    same = read_change(shown, shown)
    assert same == AuthorizationChange()
    moved = read_change({**shown, "valid_to": "june 30 26", "status": "submitted"}, shown)
    assert moved == AuthorizationChange(status="submitted", valid_to=date(2026, 6, 30))
    with pytest.raises(FieldErrors) as wrong:
        read_change({**shown, "status": "maybe", "follow_up_on": "soon", "used_units": "-1"}, shown)
    assert set(wrong.value.errors) == {"status", "follow_up_on", "used_units"}
