"""Screening questions per visit type: set up by supervisors, asked on the read-back, kept
with the visit, carried when it moves, open at check-in while a required one is
unanswered (the check-in asks it), answered later from the calendar or the command
line."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlmodel import col, select
from textual.widgets import Input, Static

from schedtui.app import SchedApp, create_app
from schedtui.core.schedule.appointment_changes import reschedule
from schedtui.core.schedule.booking import BookingRequest
from schedtui.core.schedule.screening import (
    QuestionFields,
    add_question,
    answer_screening,
    edit_question,
    questions_for,
    set_question_in_use,
    unanswered_required,
    visit_screening,
)
from schedtui.core.security.access import PermissionDenied
from schedtui.core.security.session import SessionStart
from schedtui.core.support.clock import FrozenClock
from schedtui.core.support.errors import BadInput, FieldErrors
from schedtui.data import models as m
from schedtui.data.store import Store
from schedtui.screens.booking import ConfirmScreen
from schedtui.screens.calendar import CalendarScreen
from schedtui.screens.screening_form import ScreeningForm
from schedtui.settings import load_settings
from schedtui.widgets.appointment_card_view import AppointmentCardView
from tests.app_helpers import steady
from tests.builders import Staff, add_staff, book_self_pay
from tests.cli_helpers import first_mrn, run_and_read
from tests.conftest import SEED_NOW
from tests.engine_clinic import EngineClinic, build_engine_clinic
from tests.test_booking_screen import NOW as FRIDAY
from tests.test_booking_screen import SELF_PAY, _settle, _to_confirm

MONDAY = date(2026, 3, 9)
MONDAY_MORNING = datetime(2026, 3, 9, 14, 40, tzinfo=UTC)  # 10:40 in New York (EDT)
SIZE = (120, 40)
THINNERS = "Are you taking blood thinners?"


@pytest.fixture
def clinic(sqlite_store: Store) -> tuple[EngineClinic, Staff, dict[str, int]]:
    """The follow-up asks three questions: a required yes-no, a choice, a line of text."""
    engine, staff = build_engine_clinic(sqlite_store), add_staff(sqlite_store)
    asked = {
        "thinners": QuestionFields(THINNERS, "yes-no", required=True),
        "ride": QuestionFields("How will you get here?", "choice", "car|bus|ride service"),
        "meds": QuestionFields("Other medicines?", "text"),
    }
    ids = {name: add_question(sqlite_store, staff.supervisor, "FU", fields, now=FRIDAY)
           for name, fields in asked.items()}  # fmt: skip
    return engine, staff, ids


def _book(store: Store, engine: EngineClinic, staff: Staff, hour: int, **extra: Any) -> int:
    request = BookingRequest(engine.patients[3], engine.okafor, "FU", engine.at(MONDAY, hour),
                             **extra)  # fmt: skip
    return book_self_pay(store, staff.supervisor, request, now=FRIDAY)


def _answers(store: Store, visit: int) -> dict[str, str]:
    with store.read() as session:
        return {a.prompt: a.answer for a in visit_screening(session, visit)}


def test_questions_are_set_up_by_supervisors_in_order_audited_and_on_the_feed(
    sqlite_store: Store, clinic: tuple[EngineClinic, Staff, dict[str, int]]
) -> None:
    _, staff, ids = clinic
    with pytest.raises(PermissionDenied):
        add_question(sqlite_store, staff.scheduler, "FU", QuestionFields("Pregnant?"), now=FRIDAY)
    assert edit_question(sqlite_store, staff.supervisor, ids["meds"],
                         QuestionFields(position=1, required=True), now=FRIDAY)  # fmt: skip
    assert set_question_in_use(sqlite_store, staff.supervisor, ids["ride"], False, now=FRIDAY)
    with sqlite_store.read() as session:
        asked = questions_for(session, "fu")
        every = questions_for(session, "FU", in_use=False)
        events = session.exec(
            select(m.DomainEvent.kind).where(col(m.DomainEvent.aggregate) == "screening_question")
        ).all()
        audited = session.exec(
            select(m.AuditEvent.action).where(col(m.AuditEvent.entity) == "screening_question")
        ).all()
    assert [q.prompt for q in asked] == ["Other medicines?", THINNERS]
    ride = next(q for q in every if q.id == ids["ride"])
    assert ride.label() == "How will you get here? (one of car, bus, ride service)"
    assert not ride.active
    assert asked[1].label() == f"{THINNERS} (yes or no, required)"
    assert events.count("screening_question.added") == 3 and len(events) == 5
    assert audited.count("create") == 3 and audited.count("update") == 2


@pytest.mark.parametrize(
    ("code", "fields", "said"),
    [
        ("FU", QuestionFields("  "), "The question: is empty"),
        ("FU", QuestionFields("Ride?", "choice", "car"), "at least two choices"),
        ("FU", QuestionFields("Ride?", "choice", "car|Car"), "one choice twice"),
        ("FU", QuestionFields("Pregnant?", "yes-no", "yes|no"), "Only a choice question"),
        ("FU", QuestionFields("Pregnant?", "maybe"), "'maybe' is not one of"),
        ("FU", QuestionFields("Pregnant?", position=13), "must be 1 to 12"),
        ("XRAY", QuestionFields("Pregnant?"), "no visit type 'XRAY'"),
        ("FU", QuestionFields("Pregnant?\x1b[2J"), "control characters"),
    ],
)
def test_a_question_that_does_not_make_sense_is_refused_and_nothing_is_added(
    sqlite_store: Store,
    clinic: tuple[EngineClinic, Staff, dict[str, int]],
    code: str,
    fields: QuestionFields,
    said: str,
) -> None:
    _, staff, _ = clinic
    with pytest.raises(BadInput, match=said):
        add_question(sqlite_store, staff.supervisor, code, fields, now=FRIDAY)
    with sqlite_store.read() as session:
        assert len(questions_for(session, "FU")) == 3


def test_answers_booked_with_the_visit_checked_kept_and_carried_when_it_moves(
    sqlite_store: Store, clinic: tuple[EngineClinic, Staff, dict[str, int]]
) -> None:
    engine, staff, ids = clinic
    with pytest.raises(FieldErrors) as wrong:
        _book(sqlite_store, engine, staff, 8, screening=((ids["thinners"], "maybe"),
                                                        (ids["ride"], "boat")))  # fmt: skip
    assert wrong.value.errors == {
        str(ids["thinners"]): "answer yes or no",
        str(ids["ride"]): "answer one of car, bus, ride service",
    }
    with sqlite_store.read() as session:
        assert session.exec(select(m.Appointment)).all() == []  # refused: nothing booked
    visit = _book(sqlite_store, engine, staff, 8, screening=((ids["thinners"], "N"),
                                                            (ids["ride"], "ride")))  # fmt: skip
    assert _answers(sqlite_store, visit) == {
        THINNERS: "no",
        "How will you get here?": "ride service",
        "Other medicines?": "",
    }
    moved = reschedule(sqlite_store, staff.supervisor, visit, engine.at(MONDAY, 9),
                       now=FRIDAY, settings=load_settings(), reason="pat",
                       override_reason=SELF_PAY)  # fmt: skip
    assert _answers(sqlite_store, moved.new_id) == _answers(sqlite_store, visit)
    unanswered = _book(sqlite_store, engine, staff, 11)
    with sqlite_store.read() as session:
        assert unanswered_required(session, unanswered) == [THINNERS]
    answer_screening(sqlite_store, staff.scheduler, unanswered, {ids["thinners"]: "yes"},
                     now=FRIDAY)  # fmt: skip
    with sqlite_store.read() as session:
        assert unanswered_required(session, unanswered) == []


def _app(store: Store, staff: Staff, now: datetime) -> SchedApp:
    start = SessionStart(staff.scheduler, False, "ava_os", caller_query="E0003")
    return create_app(load_settings(clinic_name="Test"), store, FrozenClock(now), start=start)


async def test_the_read_back_asks_the_questions_and_books_with_the_answers(
    sqlite_store: Store, clinic: tuple[EngineClinic, Staff, dict[str, int]]
) -> None:
    _, staff, ids = clinic
    app = _app(sqlite_store, staff, FRIDAY)
    async with app.run_test(size=SIZE) as pilot:
        await _to_confirm(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        asked = str(app.screen.query_one("#confirm-ask", Static).render())
        # the self-pay reason first, then each question in turn; a wrong one is named
        await pilot.press(*SELF_PAY, "tab", *"perhaps", "tab", *"bu", "enter")
        await _settle(pilot)
        named = str(app.screen.query_one(f"#confirm-err-q{ids['thinners']}", Static).render())
        still_open = isinstance(app.screen, ConfirmScreen)
        focused = app.focused
        await pilot.press("ctrl+u", "y", "enter")
        await _settle(pilot)
    assert "Ask before booking" in asked
    assert still_open and "answer yes or no" in named
    assert isinstance(focused, Input) and focused.id == f"confirm-q{ids['thinners']}"
    with sqlite_store.read() as session:
        [visit] = session.exec(select(m.Appointment.id)).all()
    assert _answers(sqlite_store, visit) == {
        THINNERS: "yes",
        "How will you get here?": "bus",
        "Other medicines?": "",
    }


async def test_checking_in_asks_the_required_question_left_open(
    sqlite_store: Store, clinic: tuple[EngineClinic, Staff, dict[str, int]]
) -> None:
    engine, staff, _ = clinic
    visit = _book(sqlite_store, engine, staff, 11)  # nothing answered at booking
    app = _app(sqlite_store, staff, MONDAY_MORNING)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await pilot.press("f10")
        await _settle(pilot)
        assert isinstance(app.screen, CalendarScreen)
        await pilot.press(*"jjjjjjjjjjjj", "i")  # 11:00, checked in; the form opens
        await _settle(pilot)
        assert isinstance(app.screen, ScreeningForm)
        note = str(app.screen.query_one("#screening-note", Static).render())
        await pilot.press(*"no", "ctrl+s")
        await _settle(pilot)
        assert isinstance(app.screen, CalendarScreen)
        await pilot.press("enter")  # the visit's card
        await _settle(pilot)
        card = str(app.screen.query_one(AppointmentCardView).render())
    assert "Open at check-in: 1 required question(s) not answered." in note
    assert _answers(sqlite_store, visit)[THINNERS] == "no"
    assert f"· {THINNERS}: no" in card and "Other medicines?: not answered" in card
    with sqlite_store.read() as session:
        row = session.get(m.Appointment, visit)
        assert row is not None and row.status == "checked-in"


@pytest.fixture
def db(command_db: str) -> str:
    return command_db


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code, out, err = run_and_read(capsys, *argv)
    assert code == 0, err
    return out


def _a_booked_visit(capsys: pytest.CaptureFixture[str], db: str) -> dict[str, Any]:
    booked = json.loads(_run(capsys, "appointments", "list", "--patient", first_mrn(db),
                             "--json", "--db", db))  # fmt: skip
    return next(v for v in booked if v["status"] == "booked")


def test_from_the_command_line(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    visit = _a_booked_visit(capsys, db)
    code = visit["type_code"]
    added = json.loads(_run(capsys, "types", "question-add", code, "--prompt", THINNERS,
                            "--required", "--json", "--db", db))  # fmt: skip
    listed = json.loads(_run(capsys, "types", "questions", code, "--json", "--db", db))
    assert [(q["id"], q["required"]) for q in listed] == [(added["id"], True)]
    screening = ["appointments", "screening", str(visit["id"])]
    code_, _, err = run_and_read(capsys, *screening, "--answer", "yes", "--db", db)
    assert code_ == 2 and "give QUESTION_ID=ANSWER" in err
    code_, _, err = run_and_read(capsys, *screening, "--answer", f"{added['id']}=perhaps",
                                 "--db", db)  # fmt: skip
    assert code_ == 2 and "answer yes or no" in err
    shown = _run(capsys, *screening, "--db", db)
    assert f"{THINNERS}: NOT ANSWERED (required)" in shown
    out = _run(capsys, *screening, "--answer", f"{added['id']}=y", "--json", "--db", db)
    assert json.loads(out.splitlines()[-1])[0]["answer"] == "yes"


def test_checking_in_from_the_command_line_names_what_is_open(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    today = json.loads(_run(capsys, "appointments", "list", "--date",
                            SEED_NOW.date().isoformat(), "--json", "--db", db))  # fmt: skip
    visit = next(v for v in today if v["status"] == "booked")
    _run(capsys, "types", "question-add", visit["type_code"], "--prompt", THINNERS,
         "--required", "--db", db)  # fmt: skip
    out = _run(capsys, "appointments", "status", str(visit["id"]), "checked-in", "--db", db)
    assert f"Open: the screening question '{THINNERS}' is not answered" in out


def test_booking_from_the_command_line_keeps_the_answers_or_books_nothing(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    mrn = first_mrn(db)
    added = json.loads(_run(capsys, "types", "question-add", "FMFU", "--prompt", THINNERS,
                            "--required", "--json", "--db", db))  # fmt: skip
    [slot] = json.loads(_run(capsys, "slots", "find", "--type", "FMFU", "--patient", mrn,
                             "--limit", "1", "--json", "--db", db))  # fmt: skip
    book = ["book", "--patient", mrn, "--provider", str(slot["provider_id"]),
            "--start", slot["start"], "--type", "FMFU", "--override-reason", "self-pay",
            "--db", db]  # fmt: skip
    before = json.loads(_run(capsys, "appointments", "list", "--patient", mrn, "--json",
                             "--db", db))  # fmt: skip
    code, _, err = run_and_read(capsys, *book, "--answer", f"{added['id']}=perhaps")
    assert code == 2 and "answer yes or no" in err
    after = json.loads(_run(capsys, "appointments", "list", "--patient", mrn, "--json",
                            "--db", db))  # fmt: skip
    assert after == before  # refused: nothing booked
    booked = json.loads(_run(capsys, *book, "--answer", f"{added['id']}=no", "--json"))
    shown = json.loads(_run(capsys, "appointments", "screening", str(booked["id"]), "--json",
                            "--db", db))  # fmt: skip
    assert [(row["prompt"], row["answer"]) for row in shown] == [(THINNERS, "no")]


def test_read_back_with_questions_snapshot(
    sqlite_store: Store,
    clinic: tuple[EngineClinic, Staff, dict[str, int]],
    snap_compare: Any,
) -> None:
    """The read-back at 80x24 with the visit type's questions under it."""
    _, staff, _ = clinic

    async def to_read_back(pilot: Any) -> None:
        await _to_confirm(pilot)
        await steady(pilot)

    app = _app(sqlite_store, staff, FRIDAY)
    assert snap_compare(app, terminal_size=(80, 24), run_before=to_read_back)


def test_screening_form_snapshot(
    sqlite_store: Store,
    clinic: tuple[EngineClinic, Staff, dict[str, int]],
    snap_compare: Any,
) -> None:
    """The questions of a booked visit at 80x24 (q on the calendar), one answered."""
    engine, staff, ids = clinic
    _book(sqlite_store, engine, staff, 11, screening=((ids["ride"], "bus"),))

    async def open_it(pilot: Any) -> None:
        await _settle(pilot)
        await pilot.press("f10")
        await _settle(pilot)
        await pilot.press(*"jjjjjjjjjjjj", "q")
        await steady(pilot)

    app = _app(sqlite_store, staff, MONDAY_MORNING)
    assert snap_compare(app, terminal_size=(80, 24), run_before=open_it)
