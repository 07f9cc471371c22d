"""The waitlist on the calendar: a cancellation says who could take the freed time, and
W offers open time to them; Enter books one and cancels the later visit they had."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import col, select
from textual.widgets import OptionList, Static

from schedtui.core.schedule.booking import BookingRequest
from schedtui.core.schedule.waitlist import WaitlistRequest, add_to_waitlist
from schedtui.data import models as m
from schedtui.data.store import Store
from tests.builders import Staff, add_staff, book_self_pay
from tests.engine_clinic import EngineClinic, build_engine_clinic
from tests.test_booking_screen import NOW, _app, _settle
from tests.test_calendar import MONDAY, _book, _grid_text, _open_monday


@pytest.fixture
def clinic(sqlite_store: Store) -> tuple[EngineClinic, Staff]:
    return build_engine_clinic(sqlite_store), add_staff(sqlite_store)


async def test_a_cancellation_is_offered_to_the_waitlist_from_the_grid(
    sqlite_store: Store, clinic: tuple[EngineClinic, Staff]
) -> None:
    engine, staff = clinic
    _book(sqlite_store, engine, staff, 1, 9)  # Pat1, Monday 9:00
    thursday = BookingRequest(
        engine.patients[4], engine.okafor, "FU", engine.at(date(2026, 3, 12), 11)
    )
    later = book_self_pay(sqlite_store, staff.supervisor, thursday, now=NOW)
    wish = WaitlistRequest(
        engine.patients[4], "FU", date(2026, 3, 6), provider_id=engine.okafor,
        priority=3, current_appointment_id=later,
    )  # fmt: skip
    entry = add_to_waitlist(sqlite_store, staff.supervisor, wish, now=NOW)
    app = _app(sqlite_store, staff)
    async with app.run_test(size=(140, 40)) as pilot:
        await _open_monday(pilot)
        await pilot.press("j", "j", "j", "j", "W")  # 09:00: a visit, not open time
        await _settle(pilot)
        first_notes = [n.message for n in app._notifications]
        await pilot.press("c", *"transport", "enter")
        await _settle(pilot)
        await pilot.press("W")
        await _settle(pilot)
        options = app.screen.query_one("#reasons-list", OptionList)
        offered = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        await pilot.press("enter")
        await _settle(pilot)
        asked = str(app.screen.query_one("#ask-question", Static).render())
        await pilot.press(*"self-pay", "enter")
        await _settle(pilot)
        nine = _grid_text(app)[4][1]
        notes = [n.message for n in app._notifications]
    assert "Put the cursor on open time to offer it to the waitlist." in first_notes
    assert any(
        n.startswith("Cancelled")
        and "1 waitlist patient fits the freed time: W on the calendar (F10) offers it." in n
        for n in notes
    ), notes
    assert len(offered) == 1 and offered[0].startswith("Test, Pat4 · FU · priority 3")
    assert "the provider they asked for" in offered[0]
    assert "open insurance items is required: Coverage: none on file" in asked
    assert any(n.startswith("Booked from the waitlist: appointment") for n in notes)
    assert nine == "● Test P FU"
    with sqlite_store.read() as session:
        visits = session.exec(
            select(m.Appointment)
            .where(col(m.Appointment.patient_id) == engine.patients[4])
            .order_by(col(m.Appointment.start))
        ).all()
        closed = session.get(m.WaitlistEntry, entry)
        looked = session.exec(
            select(m.AuditEvent)
            .where(col(m.AuditEvent.entity) == "waitlist")
            .where(col(m.AuditEvent.action) == "view")
        ).all()
    assert [(v.start.date(), v.status, v.cancellation_reason) for v in visits] == [
        (MONDAY, "booked", None),
        (date(2026, 3, 12), "cancelled", "pat-swl"),
    ]
    assert closed is not None and closed.status == "booked"
    assert [json.loads(a.detail_json)["entries"] for a in looked] == [[entry]]
