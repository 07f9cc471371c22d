"""Taking money on screen: the panel's pay key and checking a visit in on the calendar open
the payment form on what is owed (the copay still due for today's visit, else the
balance); Ctrl+S takes it through core; the panel lists the payment."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import col, select
from textual.pilot import Pilot
from textual.widgets import Input, Static

from schedtui.app import SchedApp, create_app
from schedtui.core.insurance.records import CoverageInput, add_coverage
from schedtui.core.schedule.booking import BookingRequest
from schedtui.core.security.session import SessionStart
from schedtui.core.support.clock import FrozenClock
from schedtui.data import models as m
from schedtui.data.store import Store
from schedtui.screens.calendar import CalendarScreen
from schedtui.screens.payment_form import PaymentForm
from schedtui.settings import load_settings
from schedtui.widgets.patient_panel_view import PatientPanelView
from tests.app_helpers import steady
from tests.builders import Staff, add_staff, book_self_pay
from tests.engine_clinic import EngineClinic, build_engine_clinic
from tests.test_booking_screen import NOW as FRIDAY
from tests.test_booking_screen import SELF_PAY, _settle, _to_confirm

MONDAY = date(2026, 3, 9)
NOW = datetime(2026, 3, 9, 14, 40, tzinfo=UTC)  # Monday 10:40 in New York (EDT)
SIZE = (120, 40)


@pytest.fixture
def clinic(sqlite_store: Store) -> tuple[EngineClinic, Staff]:
    engine, staff = build_engine_clinic(sqlite_store), add_staff(sqlite_store)
    with sqlite_store.write() as session:
        session.add(m.Payer(name="Test Health", x12_payer_id="TH001"))
    return engine, staff


def _visit_today(store: Store, engine: EngineClinic, staff: Staff, patient: int) -> int:
    request = BookingRequest(engine.patients[patient], engine.okafor, "FU", engine.at(MONDAY, 11))
    return book_self_pay(store, staff.supervisor, request, now=NOW - timedelta(days=3))


def _copay(store: Store, engine: EngineClinic, staff: Staff, patient: int, copay: str) -> None:
    entry = CoverageInput(engine.patients[patient], "TH001", f"M{patient}", date(2026, 1, 1),
                          copay=copay)  # fmt: skip
    add_coverage(store, staff.supervisor, entry, now=NOW)


def _app(store: Store, staff: Staff, caller: str) -> SchedApp:
    start = SessionStart(staff.scheduler, False, "ava_os", caller_query=caller)
    return create_app(load_settings(clinic_name="Test"), store, FrozenClock(NOW), start=start)


def _payments(store: Store) -> list[tuple[int, str, str, int | None, int | None, str]]:
    with store.read() as session:
        rows = session.exec(select(m.Payment).order_by(col(m.Payment.id))).all()
        return [(p.amount_cents, p.method, p.kind, p.appointment_id, p.receipt_number,
                 p.reference) for p in rows]  # fmt: skip


def _field(app: Any, name: str) -> Input:
    return app.screen.query_one(f"#payment-{name}", Input)


def _said(app: Any) -> list[str]:
    return [n.message for n in app._notifications]


async def _open_patient(pilot: Pilot[Any]) -> None:
    await _settle(pilot)
    await pilot.press("enter")
    await _settle(pilot)


async def test_a_copay_from_the_panel_then_what_is_left_of_it(
    sqlite_store: Store, clinic: tuple[EngineClinic, Staff]
) -> None:
    engine, staff = clinic
    _copay(sqlite_store, engine, staff, 3, "25.00")
    visit = _visit_today(sqlite_store, engine, staff, 3)
    app = _app(sqlite_store, staff, "E0003")
    async with app.run_test(size=SIZE) as pilot:
        await _open_patient(pilot)
        await pilot.press("ctrl+g")
        await _settle(pilot)
        assert isinstance(app.screen, PaymentForm)
        suggested = {name: _field(app, name).value for name in ("amount", "kind", "method")}
        note = str(app.screen.query_one("#payment-note", Static).render())
        # typing replaces the suggested amount; "ch" is a check, which needs its number
        await pilot.press(*"20", "tab", "ctrl+u", *"ch", "ctrl+s")
        await _settle(pilot)
        refused = str(app.screen.query_one("#payment-err-reference", Static).render())
        assert isinstance(app.screen, PaymentForm) and _payments(sqlite_store) == []
        await pilot.press(*"1042", "ctrl+s")  # the wrong field has the focus
        await _settle(pilot)
        assert not isinstance(app.screen, PaymentForm)
        panel = str(app.screen.query_one(PatientPanelView).render())
        await pilot.press("ctrl+g")
        await _settle(pilot)
        left = _field(app, "amount").value
        await pilot.press("escape")
        await _settle(pilot)
        said = _said(app)
    assert suggested == {"amount": "25.00", "kind": "copay", "method": "cash"}
    assert "For the visit Mon 03/09 11:00 AM EDT FU with A. Okafor at S1" in note
    assert "Copay $25.00 (from the card on file)" in note
    assert "needs the check number" in refused
    assert "Payment taken: $20.00, receipt S1-000001." in said
    assert "Payments (newest first)" in panel and "$20.00 check copay, receipt S1-000001" in panel
    assert left == "5.00"  # what is left of the copay
    assert _payments(sqlite_store) == [(2000, "check", "copay", visit, 1, "1042")]
    with sqlite_store.read() as session:  # each form's read of what is due: an audited view
        viewed = session.exec(select(m.AuditEvent.patient_id)
                              .where(col(m.AuditEvent.entity) == "payment-due")).all()  # fmt: skip
    assert viewed == [engine.patients[3]] * 2


async def test_checking_in_opens_the_form_on_the_copay_and_keys_typed_ahead_land_in_it(
    sqlite_store: Store, clinic: tuple[EngineClinic, Staff]
) -> None:
    engine, staff = clinic
    _copay(sqlite_store, engine, staff, 3, "30")
    visit = _visit_today(sqlite_store, engine, staff, 3)
    app = _app(sqlite_store, staff, "E0003")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await pilot.press("f10")
        await _settle(pilot)
        assert isinstance(app.screen, CalendarScreen)
        # down to 11:00 in Okafor's column; check in, then at once: the card's last four
        await pilot.press(*"jjjjjjjjjjjj", "i", "tab", "ctrl+u", *"card", "tab", "tab",
                          "tab", *"4242", "ctrl+s")  # fmt: skip
        await _settle(pilot)
        said = _said(app)
    with sqlite_store.read() as session:
        row = session.get(m.Appointment, visit)
        assert row is not None and row.status == "checked-in"
    assert _payments(sqlite_store) == [(3000, "card", "copay", visit, 1, "")]
    assert "Payment taken: $30.00, receipt S1-000001." in said


async def test_checking_in_with_nothing_owed_asks_for_nothing(
    sqlite_store: Store, clinic: tuple[EngineClinic, Staff]
) -> None:
    engine, staff = clinic
    visit = _visit_today(sqlite_store, engine, staff, 3)  # self-pay: no copay, no balance
    app = _app(sqlite_store, staff, "E0003")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await pilot.press("f10")
        await _settle(pilot)
        await pilot.press(*"jjjjjjjjjjjj", "i")
        await _settle(pilot)
        assert isinstance(app.screen, CalendarScreen)
        said = _said(app)
    assert "Marked ▶ Checked in." in said
    with sqlite_store.read() as session:
        row = session.get(m.Appointment, visit)
        assert row is not None and row.status == "checked-in"
        asked = session.exec(  # no questions to ask: nothing of the patient read for them
            select(m.AuditEvent).where(col(m.AuditEvent.detail_json).contains("screening"))
        ).all()
    assert _payments(sqlite_store) == [] and asked == []


async def test_a_full_card_number_in_the_form_is_refused_and_never_kept(
    sqlite_store: Store, clinic: tuple[EngineClinic, Staff]
) -> None:
    engine, staff = clinic
    with sqlite_store.write() as session:
        patient = session.get(m.Patient, engine.patients[3])
        assert patient is not None
        patient.balance_cents = 4_210
    app = _app(sqlite_store, staff, "E0003")
    async with app.run_test(size=SIZE) as pilot:
        await _open_patient(pilot)
        await pilot.press("ctrl+g")
        await _settle(pilot)
        suggested = (_field(app, "amount").value, _field(app, "kind").value)
        await pilot.press("tab", "ctrl+u", *"card", "tab", "tab", "tab", *"4111111111111111")
        await pilot.press("ctrl+s")
        await _settle(pilot)
        refused = str(app.screen.query_one("#payment-err-last4", Static).render())
        assert isinstance(app.screen, PaymentForm)
    assert suggested == ("42.10", "balance")
    assert "looks like a full card number" in refused
    assert _payments(sqlite_store) == []


def test_payment_form_snapshot(
    sqlite_store: Store, clinic: tuple[EngineClinic, Staff], snap_compare: Any
) -> None:
    """The form at 80x24, opened on today's visit's copay (the clock is frozen)."""
    engine, staff = clinic
    _copay(sqlite_store, engine, staff, 3, "25.00")
    _visit_today(sqlite_store, engine, staff, 3)

    async def open_it(pilot: Pilot[Any]) -> None:
        await _open_patient(pilot)
        await pilot.press("ctrl+g")
        await steady(pilot)

    app = _app(sqlite_store, staff, "E0003")
    assert snap_compare(app, terminal_size=(80, 24), run_before=open_it)


async def test_the_receipt_is_e_mailed_when_the_patient_agreed_to_e_mail(
    sqlite_store: Store, clinic: tuple[EngineClinic, Staff]
) -> None:
    engine, staff = clinic
    with sqlite_store.write() as session:
        for number, address in ((3, "pat3@example.org"), (4, "")):
            patient = session.get(m.Patient, engine.patients[number])
            assert patient is not None and patient.id is not None
            patient.balance_cents, patient.email = 1_000, address
            if address:
                session.add(m.ContactConsent(patient_id=patient.id, channel="email",
                                             granted=True, recorded_at=NOW))  # fmt: skip
    app = _app(sqlite_store, staff, "E0003")
    async with app.run_test(size=SIZE) as pilot:
        await _open_patient(pilot)
        await pilot.press("ctrl+g")
        await _settle(pilot)
        offered = _field(app, "email").value
        await pilot.press("ctrl+s")
        await _settle(pilot)
        said = _said(app)
    with sqlite_store.read() as session:
        [receipt] = session.exec(select(m.Message).where(col(m.Message.kind) == "receipt")).all()
    assert offered == "yes"
    assert "Payment taken: $10.00, receipt S1-000001 (e-mailed to the patient)." in said
    assert (receipt.to_address, receipt.channel) == ("pat3@example.org", "email")
    assert "Paid: $10.00 by cash" in receipt.body

    app = _app(sqlite_store, staff, "E0004")
    async with app.run_test(size=SIZE) as pilot:
        await _open_patient(pilot)
        await pilot.press("ctrl+g")
        await _settle(pilot)
        offered = _field(app, "email").value
        await pilot.press(*["tab"] * 6, "ctrl+u", *"yes", "ctrl+s")  # the e-mail field
        await _settle(pilot)
        refused = str(app.screen.query_one("#payment-err-email", Static).render())
        assert isinstance(app.screen, PaymentForm)
    assert offered == "no"
    assert "no e-mail address they agreed to" in refused
    assert len(_payments(sqlite_store)) == 1  # only the first patient's


async def test_after_the_read_back_the_payment_is_for_the_visit_just_booked(
    sqlite_store: Store, clinic: tuple[EngineClinic, Staff]
) -> None:
    """Booked on this call (Friday, for Monday 8:00): the pay key's form is for that visit
    (self-pay: no copay known, the balance is offered) and the payment is linked to it."""
    engine, staff = clinic
    with sqlite_store.write() as session:
        patient = session.get(m.Patient, engine.patients[3])
        assert patient is not None
        patient.balance_cents = 1_500
    start = SessionStart(staff.scheduler, False, "ava_os", caller_query="E0003")
    app = create_app(load_settings(clinic_name="Test"), sqlite_store, FrozenClock(FRIDAY),
                     start=start)  # fmt: skip
    async with app.run_test(size=SIZE) as pilot:
        await _to_confirm(pilot)
        await pilot.press(*SELF_PAY, "enter")
        await _settle(pilot)
        booked = [n.message for n in app._notifications if n.message.startswith("Booked")]
        await pilot.press("ctrl+g")
        await _settle(pilot)
        note = str(app.screen.query_one("#payment-note", Static).render())
        await pilot.press("ctrl+s")
        await _settle(pilot)
    with sqlite_store.read() as session:
        [visit] = session.exec(select(m.Appointment.id)).all()
    assert booked and booked[0].endswith("Ctrl+G takes a payment for it.")
    assert "For the visit Mon 03/09 08:00 AM EDT FU with A. Okafor at S1" in note
    assert "Copay not known" in note and "Balance: $15.00 due." in note
    assert _payments(sqlite_store) == [(1500, "cash", "balance", visit, 1, "")]
