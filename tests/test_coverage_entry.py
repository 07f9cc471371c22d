"""Entering a coverage from the card during the call: payer by name or id, every wrong
field named, saved and audited, shown in the panel."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlmodel import col, select
from textual.pilot import Pilot
from textual.widgets import Input, Static

from schedtui.core.insurance.coverage_card import payer_for, read_card
from schedtui.core.insurance.records import PayerRow
from schedtui.core.support.errors import FieldErrors
from schedtui.data import models as m
from schedtui.data.store import Store
from schedtui.screens.coverage import CoverageScreen
from schedtui.widgets.patient_panel_view import PatientPanelView
from tests.builders import Staff
from tests.engine_clinic import EngineClinic
from tests.test_booking_screen import SIZE, _app, _settle, clinic  # noqa: F401

DIRECTORY = [
    PayerRow(1, "Harbor Health Plan", "HHP01", ""),
    PayerRow(2, "Bay State Medicaid", "MA001", ""),
]
CARD = {
    "payer": "harbor health",
    "member_id": "XJ4471",
    "relationship": "self",
    "rank": "1",
    "effective_from": "jan 1 2026",
    "copay": "25",
}


def test_the_payer_is_found_by_id_or_name() -> None:
    assert payer_for("ma001", DIRECTORY) == DIRECTORY[1]
    assert payer_for("bay state", DIRECTORY) == DIRECTORY[1]
    assert payer_for("harbr helth", DIRECTORY) == DIRECTORY[0]
    assert payer_for("zzz", DIRECTORY) is None


def test_a_card_is_read_into_a_coverage() -> None:
    entry = read_card(7, CARD, DIRECTORY)
    assert (entry.patient_id, entry.payer_x12_id, entry.member_id) == (7, "HHP01", "XJ4471")
    assert entry.effective_from == date(2026, 1, 1) and entry.copay == "25"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"payer": "nobody at all"}, "payer", "no payer"),
        ({"member_id": " "}, "member_id", "required"),
        ({"relationship": "cousin"}, "relationship", "self, spouse"),
        ({"rank": "4"}, "rank", "1, 2 or 3"),
        ({"effective_from": "someday"}, "effective_from", "is not a date"),
        ({"effective_to": "dec 31 2025"}, "effective_to", "before the coverage starts"),
        ({"copay": "ten"}, "copay", "not an amount"),
        ({"member_id": "X\x1b[31m"}, "member_id", "control characters"),
    ],
)
def test_each_wrong_field_is_named(changes: dict[str, str], field: str, message: str) -> None:
    with pytest.raises(FieldErrors) as wrong:
        read_card(7, {**CARD, **changes}, DIRECTORY)
    assert message in wrong.value.errors[field]


async def _open_card(pilot: Pilot[Any]) -> None:
    await _settle(pilot)
    await pilot.press("enter")
    await _settle(pilot)
    await pilot.press("f9")
    await _settle(pilot)


async def test_f9_enters_the_card_and_the_panel_shows_it(
    sqlite_store: Store,
    clinic: tuple[EngineClinic, Staff],  # noqa: F811
) -> None:
    engine, staff = clinic
    with sqlite_store.write() as session:
        session.add(m.Payer(name="Harbor Health Plan", x12_payer_id="HHP01"))
    app = _app(sqlite_store, staff)
    async with app.run_test(size=SIZE) as pilot:
        await _open_card(pilot)
        assert isinstance(app.screen, CoverageScreen)
        await pilot.press(*"harbor")
        await _settle(pilot)
        found = str(app.screen.query_one("#payer-found", Static).render())
        app.screen.query_one("#card-member_id", Input).value = "XJ4471"
        await pilot.press("ctrl+s")  # no start date yet
        await _settle(pilot)
        error = str(app.screen.query_one("#card-err-effective_from", Static).render())
        app.screen.query_one("#card-effective_from", Input).value = "1/1/2026"
        await pilot.press("ctrl+s")
        await _settle(pilot)
        panel = str(app.screen.query_one(PatientPanelView).render())
    assert found == "→ Harbor Health Plan (X12 HHP01)" and error == "required"
    assert "Harbor Health Plan" in panel
    with sqlite_store.read() as session:
        [coverage] = session.exec(select(m.Coverage)).all()
        audits = session.exec(
            select(m.AuditEvent).where(col(m.AuditEvent.entity) == "coverage")
        ).all()
    assert (coverage.patient_id, coverage.member_id) == (engine.patients[3], "XJ4471")
    assert [(a.action, a.username) for a in audits] == [("create", "ava.jensen")]
