"""Call notes: drafts survive a crash, filing stamps them, the panel shows them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import col, select
from textual.pilot import Pilot
from textual.widgets import Static, TextArea

from schedtui.app import SchedApp, create_app
from schedtui.core.patients.call_notes import (
    finish_note,
    notes_for,
    open_drafts,
    save_draft,
    start_note,
)
from schedtui.core.security.access import Actor
from schedtui.core.security.session import SessionStart
from schedtui.core.support.card_numbers import has_card_number
from schedtui.core.support.clock import FrozenClock
from schedtui.core.support.errors import BadInput
from schedtui.core.support.text import printable
from schedtui.core.views.patient_panel import patient_panel
from schedtui.data import models as m
from schedtui.data.store import Store
from schedtui.screens.workspace import WorkspaceScreen
from schedtui.settings import load_settings
from schedtui.widgets.patient_panel_view import PatientPanelView, panel_text
from tests.builders import NOW, Staff, add_staff, build_tiny_clinic

SIZE = (140, 34)


@pytest.fixture
def staff(sqlite_store: Store) -> Staff:
    build_tiny_clinic(sqlite_store)
    return add_staff(sqlite_store)


def test_a_note_from_draft_to_filed(sqlite_store: Store, staff: Staff) -> None:
    ava = staff.scheduler
    note = start_note(sqlite_store, ava, now=NOW)
    save_draft(
        sqlite_store, ava, note, "Caller asks about", now=NOW + timedelta(seconds=3), patient_id=1
    )
    [draft] = open_drafts(sqlite_store, ava)
    assert (draft.body, draft.patient_id, draft.is_draft) == ("Caller asks about", 1, True)
    finish_note(
        sqlite_store,
        ava,
        note,
        "Caller asks about parking. Told her.",
        now=NOW + timedelta(minutes=2),
    )
    assert open_drafts(sqlite_store, ava) == []
    with sqlite_store.read() as session:
        [line] = notes_for(session, 1)
    assert (line.author, line.body) == ("ava.jensen", "Caller asks about parking. Told her.")


def test_only_the_author_touches_a_draft_and_empty_notes_are_not_filed(
    sqlite_store: Store, staff: Staff
) -> None:
    note = start_note(sqlite_store, staff.scheduler, now=NOW)
    with pytest.raises(BadInput, match="not an open draft of yours"):
        save_draft(sqlite_store, staff.supervisor, note, "x", now=NOW)
    with pytest.raises(BadInput, match="The note is empty"):
        finish_note(sqlite_store, staff.scheduler, note, "   ", now=NOW)
    with pytest.raises(BadInput, match="at most"):
        save_draft(sqlite_store, staff.scheduler, note, "x" * 20_001, now=NOW)


def _app(store: Store, actor: Actor) -> SchedApp:
    return create_app(
        load_settings(),
        store,
        FrozenClock(NOW),
        start=SessionStart(actor, False, "ava_os", caller_query="smith"),
    )


async def _settle(pilot: Pilot[Any]) -> None:
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_a_draft_survives_a_crash_and_comes_back(sqlite_store: Store, staff: Staff) -> None:
    first = _app(sqlite_store, staff.scheduler)
    async with first.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await pilot.press("f5", *"Wants Tuesday", "enter", *"morning")
        screen = first.screen
        assert isinstance(screen, WorkspaceScreen)
        screen.save_draft_now()  # what the 3-second timer does
        await _settle(pilot)
    # The terminal was killed here: the note was never filed.
    second = _app(sqlite_store, staff.scheduler)
    async with second.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        text = second.screen.query_one("#note", TextArea).text
        messages = [n.message for n in second._notifications]
    assert text == "Wants Tuesday\nmorning"
    assert any("unfinished note" in message for message in messages)


async def test_filing_the_note_links_it_to_the_patient_on_screen(
    sqlite_store: Store, staff: Staff
) -> None:
    """The filed note shows under the patient at once (no reopening), at the clinic's own
    time, labelled, in the same 12-hour style as the visits."""
    app = _app(sqlite_store, staff.scheduler)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await pilot.press("enter")  # open Smith, [b]Ann
        await _settle(pilot)
        await pilot.press("f5", *"[b]Rescheduled[/b] at caller's request")
        await pilot.press("ctrl+s")
        await _settle(pilot)
        assert app.screen.query_one("#note", TextArea).text == ""
        panel = str(app.screen.query_one(PatientPanelView).render())
    # NOW is 15:30 UTC: 11:30 in the clinic's zone (New York, EDT on 9 March 2026)
    assert "Mon 03/09/2026 11:30 AM EDT ava.jensen: [b]Rescheduled[/b] at caller's request" in (
        panel
    )


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.text(min_size=1, max_size=3000).filter(
        lambda text: text.strip() and not has_card_number(text)
    )
)
def test_any_note_text_is_filed_and_shown_literally(
    sqlite_store: Store, staff: Staff, body: str
) -> None:
    note = start_note(sqlite_store, staff.scheduler, now=NOW, patient_id=1)
    finish_note(sqlite_store, staff.scheduler, note, body, now=NOW)
    panel = patient_panel(sqlite_store, staff.scheduler, 1, now=NOW)
    shown = panel_text(panel, mask=False, region="US", zone=ZoneInfo("America/Chicago")).plain
    assert printable(body.strip()) in shown
    assert "\x1b" not in shown


#: A test card number (Visa's documented test PAN), as a caller reads it out.
TEST_CARD = "4111 1111 1111 1111"


def test_a_full_card_number_is_never_stored_in_a_note(sqlite_store: Store, staff: Staff) -> None:
    ava = staff.scheduler
    note = start_note(sqlite_store, ava, now=NOW)
    save_draft(sqlite_store, ava, note, "Pays by card", now=NOW)
    for write in (save_draft, finish_note):
        with pytest.raises(BadInput, match="full card number"):
            write(sqlite_store, ava, note, f"Card {TEST_CARD} exp 12/29", now=NOW)
    [draft] = open_drafts(sqlite_store, ava)
    assert draft.body == "Pays by card"  # the last good draft, unchanged
    # the last four digits, a phone number and an MRN are ordinary note text
    finish_note(sqlite_store, ava, note, "Card ending 1111; (312) 555-0142; MRN 10002637", now=NOW)


async def test_a_card_number_typed_in_the_note_is_neither_saved_nor_filed(
    sqlite_store: Store, staff: Staff
) -> None:
    app = _app(sqlite_store, staff.scheduler)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await pilot.press("f5", *f"Card {TEST_CARD}")
        screen = app.screen
        assert isinstance(screen, WorkspaceScreen)
        screen.save_draft_now()  # what the 3-second timer does
        await pilot.press("ctrl+s")
        await _settle(pilot)
        note = screen.query_one("#note", TextArea)
        titles = [n.title for n in app._notifications if "full card number" in n.message]
        assert titles == ["Not saved", "Not filed"]
        assert note.text == f"Card {TEST_CARD}"  # kept on screen, to be corrected
        await pilot.press(*["backspace"] * len(TEST_CARD), *"ending 1111", "ctrl+s")
        await _settle(pilot)
        assert note.text == ""
    with sqlite_store.read() as session:
        bodies = [note.body for note in session.exec(select(m.CallNote))]
    assert "Card ending 1111" in bodies
    assert not any("4111" in body for body in bodies)  # no draft, no filed note holds it


async def test_one_key_says_whether_the_call_resolved_it_and_the_note_keeps_it(
    sqlite_store: Store, staff: Staff
) -> None:
    """Ctrl+O steps resolved -> not resolved -> not said, shown under the call timer;
    the note is filed with it, and the next call starts with nothing said."""
    app = _app(sqlite_store, staff.scheduler)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await pilot.press("enter", "f5", *"Moved her visit", "ctrl+o")
        await _settle(pilot)
        timer = str(app.screen.query_one("#call-timer", Static).render())
        await pilot.press("ctrl+s")
        await _settle(pilot)
        await pilot.press(*"Asked about parking", "ctrl+o", "ctrl+o", "ctrl+s")
        await _settle(pilot)
        await pilot.press(*"Wrong number", "ctrl+s")
        await _settle(pilot)
        after = str(app.screen.query_one("#call-timer", Static).render())
    with sqlite_store.read() as session:
        notes = session.exec(select(m.CallNote).where(~col(m.CallNote.is_draft))).all()
        filed = {note.body: note.resolved_on_call for note in notes}
    assert "resolved: yes" in timer and "resolved" not in after
    assert filed == {"Moved her visit": True, "Asked about parking": False,
                     "Wrong number": None}  # fmt: skip
