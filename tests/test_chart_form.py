"""The chart form from the patient panel (Ctrl+R): filled from the store, only what
was changed is saved, a wrong field is named under it and nothing is saved, Esc leaves
the chart as it was; the panel shows the change."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import col, select
from textual.pilot import Pilot
from textual.widgets import Input, Static

from schedtui.app import SchedApp
from schedtui.data import models as m
from schedtui.data.store import Store
from schedtui.screens.chart_form import ChartForm
from schedtui.screens.workspace import WorkspaceScreen
from schedtui.widgets.patient_panel_view import PatientPanelView
from tests.app_helpers import call_app, settle, steady
from tests.builders import Staff, add_staff, build_tiny_clinic


@pytest.fixture
def staff(sqlite_store: Store) -> Staff:
    build_tiny_clinic(sqlite_store)
    return add_staff(sqlite_store)


async def _open_chart(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press("enter")  # the caller (MRN0001) found by the screen pop
    await settle(pilot)
    await pilot.press("ctrl+r")
    await settle(pilot)


def _field(app: SchedApp, name: str) -> Input:
    return app.screen.query_one(f"#chart-{name}", Input)


def _patient(store: Store) -> m.Patient:
    with store.read() as session:
        return session.exec(select(m.Patient).where(col(m.Patient.mrn) == "MRN0001")).one()


async def test_a_changed_e_mail_and_emergency_contact_are_saved_and_shown(
    sqlite_store: Store, staff: Staff
) -> None:
    app = call_app(sqlite_store, staff.scheduler, caller="MRN0001")
    async with app.run_test(size=(120, 40)) as pilot:
        await _open_chart(pilot)
        assert isinstance(app.screen, ChartForm)
        assert _field(app, "email").value == "ann.smith@example.com"
        assert _field(app, "phone").value == "+16175550123"
        _field(app, "email").value = "ann@example.org"
        _field(app, "emergency_contact_name").value = "Bo Smith"
        _field(app, "emergency_contact_phone").value = "617 555 0150"
        assert _field(app, "sms_ok").value == "no"
        _field(app, "sms_ok").value = "yes"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, WorkspaceScreen)
        await settle(pilot)
        shown = str(app.screen.query_one(PatientPanelView).render())
    assert "ann@example.org" in shown and "Bo Smith, +16175550150" in shown
    assert "texts yes" in shown
    patient = _patient(sqlite_store)
    assert (patient.email, patient.emergency_contact_name, patient.version) == (
        "ann@example.org", "Bo Smith", 2,
    )  # fmt: skip
    with sqlite_store.read() as session:
        [row] = session.exec(select(m.AuditEvent).where(col(m.AuditEvent.action) == "update")
                             .where(col(m.AuditEvent.entity) == "patient")).all()  # fmt: skip
    assert "first_name" not in row.detail_json and "ann@example.org" in row.detail_json
    assert '"consent": {"sms": true}' in row.detail_json  # kept with the chart's change


async def test_a_wrong_field_is_named_under_it_and_esc_leaves_the_chart_as_it_was(
    sqlite_store: Store, staff: Staff
) -> None:
    app = call_app(sqlite_store, staff.scheduler, caller="MRN0001")
    async with app.run_test(size=(120, 40)) as pilot:
        await _open_chart(pilot)
        _field(app, "email").value = "ann.example.org"
        _field(app, "interpreter").value = "maybe"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ChartForm)
        said = str(app.screen.query_one("#chart-err-interpreter", Static).render())
        assert said == "yes or no"
        _field(app, "interpreter").value = "no"
        await pilot.press("ctrl+s")
        await settle(pilot)
        said = str(app.screen.query_one("#chart-err-email", Static).render())
        assert "'ann.example.org' is not an e-mail address" in said
        assert app.focused is _field(app, "email")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, WorkspaceScreen)
    assert _patient(sqlite_store).version == 1


def test_chart_form_snapshot(sqlite_store: Store, staff: Staff, snap_compare: Any) -> None:
    async def open_it(pilot: Pilot[Any]) -> None:
        await _open_chart(pilot)
        await steady(pilot)

    app = call_app(sqlite_store, staff.scheduler, caller="MRN0001")
    assert snap_compare(app, terminal_size=(80, 24), run_before=open_it)


async def test_under_the_mask_the_chart_form_does_not_open(
    sqlite_store: Store, staff: Staff
) -> None:
    app = call_app(sqlite_store, staff.scheduler, caller="MRN0001")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "f2")
        await settle(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert isinstance(app.screen, WorkspaceScreen)
    assert any("F2 takes the mask off first" in n.message for n in app._notifications)
