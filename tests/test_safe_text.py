"""Any stored text shows literally: no markup, no escape sequences, no spreadsheet formulas."""

from __future__ import annotations

import io
import unicodedata
from datetime import UTC, date, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from textual.pilot import Pilot

from schedtui.app import create_app
from schedtui.core.security.session import SessionStart
from schedtui.core.support.clock import FrozenClock
from schedtui.core.support.text import BIDI_CONTROLS, printable, spreadsheet_safe
from schedtui.core.views.appointment_card import AppointmentCard, CoverageLine
from schedtui.data import models as m
from schedtui.data.store import Store
from schedtui.settings import load_settings
from schedtui.widgets.appointment_card_view import card_text
from schedtui.widgets.appointment_table import AppointmentTable
from tests.builders import NOW, add_staff, build_tiny_clinic

NASTY = [
    "[b]Ann[/b]",
    "O'Neil [/]",
    "[link=https://example.com]click[/link]",
    "\x1b[2J\x1b[H cleared?",
    "bell\x07 and\rreturn",
    "right\u202eto-left",
    "Zoë Ängström-Núñez",
    "x" * 5000,
]


@given(st.text(max_size=2000))
def test_printable_leaves_no_control_character(text: str) -> None:
    shown = printable(text)
    assert not any(ord(ch) < 0x20 or ord(ch) == 0x7F or 0x80 <= ord(ch) < 0xA0 for ch in shown)
    assert not BIDI_CONTROLS.intersection(shown)
    assert len(shown) == len(text)
    if text.isprintable() and not BIDI_CONTROLS.intersection(text):
        assert shown == text


@given(st.one_of(st.text(max_size=200), st.integers(), st.none()))
def test_spreadsheet_cells_never_start_a_formula_nor_hold_control_characters(
    value: object,
) -> None:
    text = "" if value is None else str(value)
    cell = spreadsheet_safe(value)
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    # an ESC in a CSV printed on a terminal would act on it
    assert not any(unicodedata.category(ch) == "Cc" for ch in cell)
    assert cell in (printable(text), "'" + printable(text))  # shown, not lost


def _card(text: str) -> AppointmentCard:
    return AppointmentCard(
        appointment_id=1,
        local_start=datetime(2026, 3, 9, 9, tzinfo=UTC),
        minutes=20,
        site_name=text,
        provider_name=text,
        type_name=text,
        status="booked",
        reason=text,
        visit_mode="in-person",
        interpreter_language=None,
        patient_mrn=text,
        patient_name=text,
        dob=date(1960, 1, 1),
        age=66,
        phones=("+16175550123",),
        email=text,
        address=text,
        language="en",
        coverages=(CoverageLine(text, text, text, True),),
    )


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=3000))
def test_any_text_renders_literally_on_the_appointment_card(text: str) -> None:
    rendered = card_text(_card(text), mask=False, region="US")
    assert printable(text) in rendered.plain
    console = Console(file=io.StringIO(), width=100, color_system=None, force_terminal=False)
    console.print(rendered)
    assert "\x1b" not in console.file.getvalue()  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", NASTY)
async def test_nasty_names_show_literally_in_the_today_table(
    sqlite_store: Store, name: str
) -> None:
    clinic = build_tiny_clinic(sqlite_store)
    staff = add_staff(sqlite_store)
    with sqlite_store.write() as session:
        patient = session.get(m.Patient, clinic.patients["ann"])
        assert patient is not None
        patient.first_name = name
    app = create_app(
        load_settings(first_screen="today"),
        sqlite_store,
        FrozenClock(NOW),
        start=SessionStart(staff.scheduler, False, "ava_os"),
    )
    async with app.run_test(size=(130, 24)) as pilot:
        await _settle(pilot)
        table = app.screen.query_one(AppointmentTable)
        shown = table.get_row_at(0)[3].plain
    full = printable(f"Smith, {name}")
    # literally, cut to its column with an ellipsis when it is longer than the column
    assert shown == full or (shown.endswith("…") and full.startswith(shown[:-1]))
    assert len(shown) <= max(column.width for column in table.columns_shown)


async def _settle(pilot: Pilot[Any]) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
