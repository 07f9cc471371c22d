"""Registering patients: field messages, likely duplicates, nothing half-saved, any text."""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import col, select
from textual.pilot import Pilot
from textual.widgets import Checkbox, Input, Static

from schedtui.app import SchedApp, create_app
from schedtui.core.patients.registration import Registration, RegistrationInvalid, register_patient
from schedtui.core.security.session import SessionStart
from schedtui.core.support.clock import FrozenClock
from schedtui.core.support.text import printable
from schedtui.core.views.patient_panel import patient_panel
from schedtui.data import models as m
from schedtui.data.store import Store
from schedtui.screens.registration import RegistrationScreen
from schedtui.settings import load_settings
from schedtui.widgets.patient_panel_view import PatientPanelView, panel_text
from schedtui.widgets.tick_box import TickBox
from tests.builders import NOW, Staff, add_staff, build_tiny_clinic

TODAY = NOW.date()
GOOD = Registration(
    "Nia",
    "Okoye",
    "7/14/1988",
    "(617) 555-0142",
    "female",
    "nia.okoye@example.com",
    "en",
    consent_sms=True,
)


@pytest.fixture
def staff(sqlite_store: Store) -> Staff:
    build_tiny_clinic(sqlite_store)
    return add_staff(sqlite_store)


def _register(store: Store, staff: Staff, entry: Registration, **extra: Any) -> Any:
    return register_patient(
        store, staff.scheduler, entry, now=NOW, region="US", today=TODAY, **extra
    )


def _count(store: Store) -> int:
    with store.read() as session:
        return len(session.exec(select(m.Patient)).all())


def test_a_valid_registration_is_stored_whole(sqlite_store: Store, staff: Staff) -> None:
    result = _register(sqlite_store, staff, GOOD)
    with sqlite_store.read() as session:
        patient = session.get(m.Patient, result.patient_id)
        phones = session.exec(
            select(m.PatientPhone.number).where(col(m.PatientPhone.patient_id) == result.patient_id)
        ).all()
        consent = {
            c.channel: c.granted
            for c in session.exec(
                select(m.ContactConsent).where(
                    col(m.ContactConsent.patient_id) == result.patient_id
                )
            )
        }
    assert patient is not None and patient.dob == date(1988, 7, 14) and patient.mrn == result.mrn
    assert phones == ["+16175550142"]
    assert consent == {"sms": True, "email": False, "voice": True}


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"first_name": " "}, "first_name", "required"),
        ({"dob": "next week"}, "dob", "is not a date of birth"),
        ({"dob": "1/1/2030"}, "dob", "is in the future"),
        ({"dob": "1/1/1880"}, "dob", "over 120 years"),
        ({"phone": "555"}, "phone", "not a valid number in US"),
        ({"phone": "call me"}, "phone", "not a phone number"),
        ({"email": "nia@"}, "email", "not an e-mail address"),
        ({"sex": "x"}, "sex", "one of"),
        ({"last_name": "Ok\x1b[2Joye"}, "last_name", "control characters"),
    ],
)
def test_each_wrong_field_is_named_and_nothing_is_saved(
    sqlite_store: Store, staff: Staff, change: dict[str, str], field: str, message: str
) -> None:
    before = _count(sqlite_store)
    with pytest.raises(RegistrationInvalid) as refused:
        _register(sqlite_store, staff, Registration(**{**GOOD.__dict__, **change}))
    assert message in refused.value.errors[field]
    assert _count(sqlite_store) == before


def test_likely_duplicates_stop_the_first_attempt(sqlite_store: Store, staff: Staff) -> None:
    first = _register(sqlite_store, staff, GOOD)
    again = _register(
        sqlite_store,
        staff,
        Registration(**{**GOOD.__dict__, "first_name": "Niah", "phone": "617-555-0199"}),
    )
    assert again.patient_id is None
    assert [(d.mrn, d.reason) for d in again.duplicates] == [
        (first.mrn, "same date of birth, similar name")
    ]
    by_phone = _register(
        sqlite_store, staff, Registration("Sam", "Other", "1/2/1950", "+1 617 555 0142")
    )
    assert by_phone.duplicates[0].reason == "same phone number"
    confirmed = _register(
        sqlite_store,
        staff,
        Registration(**{**GOOD.__dict__, "first_name": "Niah"}),
        not_a_duplicate=True,
    )
    assert confirmed.patient_id is not None and confirmed.mrn != first.mrn


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(first=st.text(max_size=120), last=st.text(max_size=120))
def test_any_text_is_refused_plainly_or_stored_and_shown_literally(
    sqlite_store: Store, staff: Staff, first: str, last: str
) -> None:
    entry = Registration(
        **{
            **GOOD.__dict__,
            "first_name": first,
            "last_name": last,
            "dob": "2/3/1944",
            "phone": "(617) 555-0177",
        }
    )
    try:
        result = _register(sqlite_store, staff, entry, not_a_duplicate=True)
    except RegistrationInvalid as refused:
        assert set(refused.errors) <= {"first_name", "last_name"}
        return
    panel = patient_panel(sqlite_store, staff.scheduler, result.patient_id, now=NOW)
    shown = panel_text(panel, mask=False, region="US", zone=ZoneInfo("America/New_York")).plain
    assert printable(f"{last.strip()}, {first.strip()}") in shown


def _app(store: Store, staff: Staff) -> SchedApp:
    return create_app(
        load_settings(),
        store,
        FrozenClock(NOW),
        start=SessionStart(staff.scheduler, False, "ava_os", caller_query=" "),
    )


async def _settle(pilot: Pilot[Any]) -> None:
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def _fill(pilot: Pilot[Any], app: SchedApp, values: dict[str, str]) -> None:
    for name, value in values.items():
        field = app.screen.query_one(f"#reg-{name}", Input)
        field.value = value
    await pilot.pause()


async def test_register_from_the_workspace(sqlite_store: Store, staff: Staff) -> None:
    app = _app(sqlite_store, staff)
    async with app.run_test(size=(140, 40)) as pilot:
        await _settle(pilot)
        await pilot.press("ctrl+n")
        await _settle(pilot)
        assert isinstance(app.screen, RegistrationScreen)
        await _fill(
            pilot,
            app,
            {"first_name": "Nia", "last_name": "Okoye", "dob": "july 14 88", "phone": "12"},
        )
        await pilot.press("ctrl+s")
        await _settle(pilot)
        error = str(app.screen.query_one("#reg-err-phone", Static).render())
        assert "not a valid number" in error
        assert app.screen.focused is app.screen.query_one("#reg-phone", Input)
        await _fill(pilot, app, {"phone": "617 555 0142"})
        await pilot.press("ctrl+s")
        await _settle(pilot)
        panel = str(app.screen.query_one(PatientPanelView).render())
    assert "Okoye, Nia" in panel and "07/14/1988" in panel


async def test_an_unknown_callers_number_is_filled_in(sqlite_store: Store, staff: Staff) -> None:
    start = SessionStart(staff.scheduler, False, "ava_os", caller_query="6175550142")
    app = create_app(load_settings(), sqlite_store, FrozenClock(NOW), start=start)
    async with app.run_test(size=(140, 40)) as pilot:
        await _settle(pilot)
        await pilot.press("ctrl+n")
        await _settle(pilot)
        phone = app.screen.query_one("#reg-phone", Input).value
    assert phone == "6175550142"


def test_a_missing_phone_is_required(sqlite_store: Store, staff: Staff) -> None:
    with pytest.raises(RegistrationInvalid) as refused:
        _register(sqlite_store, staff, Registration(**{**GOOD.__dict__, "phone": " "}))
    assert refused.value.errors["phone"].startswith("required")


async def _duplicate_warning(pilot: Pilot[Any]) -> None:
    """Nia is registered already; the form is filled for her again and Ctrl+S pressed."""
    app = pilot.app
    assert isinstance(app, SchedApp)
    await _settle(pilot)
    await pilot.press("ctrl+n")
    await _settle(pilot)
    await _fill(
        pilot,
        app,
        {"first_name": "Nya", "last_name": "Okoye", "dob": "07/14/1988", "phone": "6175550199"},
    )
    await pilot.press("ctrl+s")
    await _settle(pilot)
    for field in app.screen.query(Input):  # a steady cursor: the snapshot never catches a blink
        field.cursor_blink = False
    await pilot.pause()


async def test_the_form_warns_of_a_likely_duplicate_and_a_second_save_registers(
    sqlite_store: Store, staff: Staff
) -> None:
    first = _register(sqlite_store, staff, GOOD)
    before = _count(sqlite_store)
    app = _app(sqlite_store, staff)
    async with app.run_test(size=(120, 40)) as pilot:
        await _duplicate_warning(pilot)
        warning = str(app.screen.query_one("#duplicates", Static).render())
        assert _count(sqlite_store) == before  # nothing saved on the first Ctrl+S
        await pilot.press("ctrl+s")
        await _settle(pilot)
    assert f"{first.mrn}  Okoye, Nia  07/14/1988  (same date of birth, similar name)" in warning
    assert _count(sqlite_store) == before + 1


async def test_the_duplicate_warning_opens_the_existing_patient(
    sqlite_store: Store, staff: Staff
) -> None:
    first = _register(sqlite_store, staff, GOOD)
    before = _count(sqlite_store)
    app = _app(sqlite_store, staff)
    async with app.run_test(size=(120, 40)) as pilot:
        await _duplicate_warning(pilot)
        warning = str(app.screen.query_one("#duplicates", Static).render())
        await pilot.press("ctrl+o")
        await _settle(pilot)
        assert not isinstance(app.screen, RegistrationScreen)
        panel = str(app.screen.query_one(PatientPanelView).render())
        assert app.call.patient_id == first.patient_id
        assert app.call.registration_draft is None  # the caller was found: no form to keep
    assert f"Ctrl+O opens {first.mrn} Okoye, Nia" in warning
    assert f"MRN         {first.mrn}" in panel and "Okoye, Nia" in panel
    assert _count(sqlite_store) == before  # nobody new


async def test_ctrl_o_does_nothing_before_a_duplicate_is_shown(
    sqlite_store: Store, staff: Staff
) -> None:
    app = _app(sqlite_store, staff)
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(pilot)
        await pilot.press("ctrl+n")
        await _settle(pilot)
        await pilot.press("ctrl+o")
        await _settle(pilot)
        assert isinstance(app.screen, RegistrationScreen)


async def test_esc_keeps_the_form_and_ctrl_n_brings_it_back_until_the_note_is_filed(
    sqlite_store: Store, staff: Staff
) -> None:
    _register(sqlite_store, staff, GOOD)
    before = _count(sqlite_store)
    app = _app(sqlite_store, staff)
    async with app.run_test(size=(120, 40)) as pilot:
        await _duplicate_warning(pilot)
        app.screen.query_one("#reg-interpreter", Checkbox).value = True
        await pilot.press("escape")  # to search for her first
        await _settle(pilot)
        assert not isinstance(app.screen, RegistrationScreen)
        kept = [str(n.message) for n in app._notifications]
        await pilot.press(*"okoye", "escape")  # a search, then the lookup cleared
        await _settle(pilot)
        await pilot.press("ctrl+n")
        await _settle(pilot)
        form = app.screen
        assert isinstance(form, RegistrationScreen)
        typed = {n: form.query_one(f"#reg-{n}", Input).value for n in ("first_name", "dob")}
        restored = str(form.query_one("#reg-restored", Static).render())
        interpreter = form.query_one("#reg-interpreter", Checkbox).value
        await pilot.press("escape")
        await _settle(pilot)
        await pilot.press("f5", *"wrong number", "ctrl+s")  # the call ends: its note filed
        await _settle(pilot)
        await pilot.press("ctrl+n")
        await _settle(pilot)
        blank = app.screen.query_one("#reg-first_name", Input).value
    assert any("Ctrl+N brings it back" in message for message in kept)
    assert typed == {"first_name": "Nya", "dob": "07/14/1988"} and interpreter
    assert restored.startswith("What you typed before is back")
    assert blank == ""
    assert _count(sqlite_store) == before


def test_duplicate_warning_snapshot(sqlite_store: Store, staff: Staff, snap_compare: Any) -> None:
    _register(sqlite_store, staff, GOOD)
    app = _app(sqlite_store, staff)
    assert snap_compare(app, terminal_size=(120, 40), run_before=_duplicate_warning)


async def test_consent_boxes_read_without_colour(sqlite_store: Store, staff: Staff) -> None:
    """A ticked box shows ✓ and an unticked one a blank, whatever the colours."""
    app = _app(sqlite_store, staff)
    async with app.run_test(size=(140, 40)) as pilot:
        await _settle(pilot)
        await pilot.press("ctrl+n")
        await _settle(pilot)
        calls, sms = (app.screen.query_one(f"#reg-{n}", TickBox) for n in ("voice", "sms"))
        before = (calls.render().plain.strip(), sms.render().plain.strip())
        sms.focus()
        await pilot.press("space")
        await _settle(pilot)
        after = sms.render().plain.strip()
    assert before == ("▐✓▌ Calls ok", "▐ ▌ SMS ok")
    assert after == "▐✓▌ SMS ok"
