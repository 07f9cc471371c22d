"""Why a patient did not come: marking a no-show asks why (the calendar's key, or
`appointments status ID noshow --reason`), a reason can be given later, the panel shows
the history with the reasons, and the clinic's no-show limit (when set) leaves the next
booking to a supervisor, enforced in the one booking door."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import col, select

from schedtui.core.schedule.appointment_changes import change_status, reschedule
from schedtui.core.schedule.booking import BookingRequest, book
from schedtui.core.schedule.booking_checks import PastNoShowLimit
from schedtui.core.support.clock import FrozenClock
from schedtui.core.support.errors import BadInput
from schedtui.core.views.patient_panel import patient_panel
from schedtui.data import models as m
from schedtui.data.store import Store
from schedtui.settings import load_settings
from tests.builders import SELF_PAY, Staff
from tests.engine_clinic import EngineClinic
from tests.test_booking_screen import _app, _settle
from tests.test_calendar import MONDAY, _book, _open_monday, clinic  # noqa: F401

AFTER_NINE = datetime(2026, 3, 9, 14, 0, tzinfo=UTC)  # Monday 10:00 in Boston


def _missed(store: Store, engine: EngineClinic, staff: Staff, hours: tuple[int, ...]) -> list[int]:
    visits = [_book(store, engine, staff, 3, hour) for hour in hours]
    for visit in visits:
        change_status(store, staff.scheduler, visit, "noshow", now=AFTER_NINE + timedelta(hours=4),
                      no_show_reason="transport")  # fmt: skip
    return visits


def test_a_no_show_keeps_why_and_the_panel_says_it(
    sqlite_store: Store,
    clinic: tuple[EngineClinic, Staff],  # noqa: F811
) -> None:
    engine, staff = clinic
    first = _book(sqlite_store, engine, staff, 3, 8)
    second = _book(sqlite_store, engine, staff, 3, 9)
    change_status(sqlite_store, staff.scheduler, first, "noshow", now=AFTER_NINE,
                  no_show_reason="transport")  # fmt: skip
    change_status(sqlite_store, staff.scheduler, second, "noshow", now=AFTER_NINE)
    change_status(sqlite_store, staff.scheduler, second, "noshow", now=AFTER_NINE,
                  no_show_reason="forgot")  # given later  # fmt: skip
    panel = patient_panel(sqlite_store, staff.scheduler, engine.patients[3], now=AFTER_NINE)
    assert panel.reliability_text() == ("2 no-shows (Forgot, No transport), 0 late cancellations")
    with sqlite_store.read() as session:
        kinds = [
            e.kind for e in session.exec(select(m.DomainEvent).order_by(col(m.DomainEvent.id)))
        ]
    assert kinds[-3:] == ["appointment.noshow", "appointment.noshow", "appointment.noshow_reason"]


@pytest.mark.parametrize(
    ("status", "reason", "said"),
    [("noshow", "overslept", "--reason 'overslept': why a patient did not come is one of"),
     ("arrived", "forgot", "A reason is given only with noshow")],
)  # fmt: skip
def test_a_reason_that_cannot_be_is_refused_and_changes_nothing(
    sqlite_store: Store, clinic: tuple[EngineClinic, Staff],  # noqa: F811
    status: str, reason: str, said: str,
) -> None:  # fmt: skip
    engine, staff = clinic
    visit = _book(sqlite_store, engine, staff, 3, 9)
    with pytest.raises(BadInput, match=said):
        change_status(sqlite_store, staff.scheduler, visit, status, now=AFTER_NINE,
                      no_show_reason=reason)  # fmt: skip
    with sqlite_store.read() as session:
        row = session.get(m.Appointment, visit)
    assert row is not None and (row.status, row.no_show_reason) == ("booked", "")


def test_past_the_no_show_limit_only_a_supervisor_books_and_a_move_is_not_stopped(
    sqlite_store: Store,
    clinic: tuple[EngineClinic, Staff],  # noqa: F811
) -> None:
    engine, staff = clinic
    kept = _book(sqlite_store, engine, staff, 3, 11)
    _missed(sqlite_store, engine, staff, (8, 9))
    settings = load_settings(no_show_limit=2)
    later = AFTER_NINE + timedelta(hours=5)
    tuesday = engine.at(MONDAY + timedelta(days=1), 9)
    request = BookingRequest(engine.patients[3], engine.okafor, "FU", tuesday,
                             override_reason=SELF_PAY)  # fmt: skip
    with pytest.raises(PastNoShowLimit, match="missed 2 visits in the last 365 days"):
        book(sqlite_store, staff.scheduler, request, now=later, settings=settings)
    reschedule(sqlite_store, staff.scheduler, kept, tuesday, now=later, settings=settings,
               override_reason=SELF_PAY)  # the visit they had: moved, not refused  # fmt: skip
    thursday = engine.at(MONDAY + timedelta(days=3), 9)
    assert book(sqlite_store, staff.supervisor, BookingRequest(
        engine.patients[3], engine.okafor, "FU", thursday, override_reason=SELF_PAY,
    ), now=later, settings=settings) > 0  # fmt: skip
    assert book(sqlite_store, staff.scheduler, BookingRequest(
        engine.patients[4], engine.okafor, "FU", thursday + timedelta(hours=2),
        override_reason=SELF_PAY,
    ), now=later, settings=load_settings()) > 0  # no rule set: nobody is stopped  # fmt: skip


async def test_the_calendar_asks_why_before_marking_a_no_show(
    sqlite_store: Store,
    clinic: tuple[EngineClinic, Staff],  # noqa: F811
) -> None:
    engine, staff = clinic
    visit = _book(sqlite_store, engine, staff, 3, 9)
    app = _app(sqlite_store, staff)
    app.clock = FrozenClock(AFTER_NINE)
    async with app.run_test(size=(120, 40)) as pilot:
        await _open_monday(pilot)
        await pilot.press("j", "j", "j", "j", "n", *"transp", "enter")  # typed ahead
        await _settle(pilot)
        said = [n.message for n in app._notifications]
    with sqlite_store.read() as session:
        row = session.get(m.Appointment, visit)
    assert row is not None and (row.status, row.no_show_reason) == ("noshow", "transport")
    assert any("No-show" in text for text in said)
