"""Keys typed ahead of a busy screen land where the scheduler's own key sequence puts
them: the keys reach the program in one burst, with no pause for the screen to catch
up, while the work behind the screen (search, opening the patient, holding and booking
a time) is slowed down as on a loaded machine."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from sqlmodel import col, select
from textual import events
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from schedtui.app import SchedApp
from schedtui.data import models as m
from schedtui.data.store import Store
from schedtui.screens import booking as booking_screen
from schedtui.screens import workspace as workspace_screen
from schedtui.screens.booking import BookingScreen, ConfirmScreen
from schedtui.screens.registration import RegistrationScreen
from schedtui.screens.workspace import WorkspaceScreen
from schedtui.widgets.patient_panel_view import PatientPanelView
from tests.app_helpers import call_app
from tests.builders import SELF_PAY, Staff, add_staff, build_tiny_clinic
from tests.engine_clinic import build_engine_clinic

SIZE = (140, 34)
#: How much slower the work behind the screen is made (a loaded machine).
SLOW = 0.3


@pytest.fixture
def staff(sqlite_store: Store) -> Staff:
    build_tiny_clinic(sqlite_store)
    return add_staff(sqlite_store)


def _slowed(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> None:
    """Make `module.name` (run in a worker thread) take longer."""
    real: Callable[..., Any] = getattr(module, name)

    def slow(*args: Any, **kwargs: Any) -> Any:
        time.sleep(SLOW)  # in the worker's thread: the screen keeps reading keys
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, slow)


async def _settle(pilot: Pilot[Any]) -> None:
    """Wait until the keys sent have been handled and the work they started is done."""
    app = pilot.app
    assert isinstance(app, SchedApp)
    for _ in range(4):
        await pilot.pause()
        while app.keys.in_flight is not None or app.keys.waiting or _running(app):
            await pilot.pause()
    await pilot.pause()


def _running(app: SchedApp) -> bool:
    return any(not worker.is_finished for worker in app.workers)


def burst(app: SchedApp, *keys: str) -> None:
    """Send the keys the way a terminal does when someone types fast: all at once."""
    driver = app._driver
    assert driver is not None
    for key in keys:
        character = key if len(key) == 1 else None
        event = events.Key({" ": "space", "-": "minus"}.get(key, key), character)
        event.set_sender(app)
        driver.send_message(event)


async def test_f5_then_typing_goes_into_the_note(sqlite_store: Store, staff: Staff) -> None:
    app = call_app(sqlite_store, staff.scheduler)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        workspace = app.screen
        assert isinstance(workspace, WorkspaceScreen)
        burst(app, *"smith", "f5", *"wants tuesday")
        await _settle(pilot)
        lookup = workspace.query_one("#lookup", Input).value
        note = workspace.query_one("#note", TextArea).text
    assert (lookup, note) == ("smith", "wants tuesday")


async def test_tab_between_fields_keeps_each_word_in_its_field(
    sqlite_store: Store, staff: Staff
) -> None:
    app = call_app(sqlite_store, staff.scheduler)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        burst(app, "ctrl+n", *"Tom", "tab", *"Miller", "tab", *"3/4/1980", "shift+tab", "end")
        burst(app, *"son")
        await _settle(pilot)
        form = app.screen
        assert isinstance(form, RegistrationScreen)
        typed = [
            form.query_one(f"#reg-{name}", Input).value
            for name in ("first_name", "last_name", "dob")
        ]
    assert typed == ["Tom", "Millerson", "3/4/1980"]


async def test_enter_typed_before_the_list_opens_the_patient_typed(
    sqlite_store: Store, staff: Staff, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Enter right after the last letter opens the match for all the letters (not the
    top match of the letters before), and the note typed after it is theirs."""
    app = call_app(sqlite_store, staff.scheduler)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        _slowed(monkeypatch, workspace_screen, "find_patients")
        _slowed(monkeypatch, workspace_screen, "patient_panel")
        burst(app, *"li", "enter", "f5", *"asks for a refill")
        await _settle(pilot)
        workspace = app.screen
        assert isinstance(workspace, WorkspaceScreen)
        panel = workspace.query_one(PatientPanelView).panel
        note = workspace.query_one("#note", TextArea).text
    assert panel is not None and panel.name == "Li, Wei"
    assert note == "asks for a refill"


async def test_a_whole_booking_typed_ahead_books_and_writes_the_note(
    sqlite_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Enter (open the caller), Ctrl+B, the type, Enter, Enter (hold the first time),
    the reason to book without coverage, Enter (book), F5 and the note: typed in one go
    while every step behind the screen is slow, each key lands where it belongs."""
    engine = build_engine_clinic(sqlite_store)
    staff = add_staff(sqlite_store)
    app = call_app(sqlite_store, staff.scheduler, caller="E0003")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        for module, name in (
            (workspace_screen, "patient_panel"),
            (booking_screen, "read_booking_choices"),  # Enter on the type before they came
            (booking_screen, "offered_times"),
            (booking_screen, "hold_slot"),
            (booking_screen, "book"),
        ):
            _slowed(monkeypatch, module, name)
        workspace = app.screen
        assert isinstance(workspace, WorkspaceScreen)
        burst(app, "enter", "ctrl+b", *"follow", "enter", "enter")
        burst(app, *SELF_PAY, "enter", "f5", *"booked a follow-up")
        await _settle(pilot)
        on_screen = app.screen
        lookup = workspace.query_one("#lookup", Input).value
        note = workspace.query_one("#note", TextArea).text
    assert on_screen is workspace
    assert (lookup, note) == ("E0003", "booked a follow-up")
    with sqlite_store.read() as session:
        booked = session.exec(
            select(m.AppointmentType.code)
            .join(m.Appointment, col(m.Appointment.appointment_type_id) == m.AppointmentType.id)
            .where(col(m.Appointment.patient_id) == engine.patients[3])
        ).all()
    assert list(booked) == ["FU"]
    assert not [s for s in app.screen_stack if isinstance(s, BookingScreen | ConfirmScreen)]
