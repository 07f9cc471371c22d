"""What a scheduler does to visits on the calendar grid: book the caller here (or
double-book), mark arrived, checked in or no-show, cancel, cut and paste to move.
Everything goes through core (the engine, the FHIR state machine, the audit)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from textual import work

from schedtui.core.schedule.appointment_changes import cancel, change_status
from schedtui.core.schedule.booking import release_hold
from schedtui.core.schedule.booking_choices import booking_choices
from schedtui.core.schedule.calendar_booking import (
    Here,
    VisitToMove,
    hold_here,
    overbook_here,
    visit_to_move,
    waitlist_note,
)
from schedtui.core.schedule.directory import specialty_names
from schedtui.core.schedule.provider_lists import provider_lists
from schedtui.core.schedule.readback import ReadBack
from schedtui.core.schedule.statuses import status_text
from schedtui.core.support.formats import clock_time, visit_time
from schedtui.core.views.day_grid import Cell, Column, DayGrid
from schedtui.core.views.today import site_codes
from schedtui.desk import signed_in
from schedtui.screens.ask_line import AskLine
from schedtui.screens.base import keys_said, keys_wait_for, offer_hint
from schedtui.screens.booking import ConfirmScreen, Holding
from schedtui.screens.cards import CardScreen
from schedtui.screens.reasons import ReasonPicker
from schedtui.screens.type_picker import TypePicker
from schedtui.widgets.calendar_grid import CalendarGrid


class CalendarVisits(CardScreen):
    """The visit actions of the calendar screen (which shows the grid and moves about)."""

    def __init__(self) -> None:
        super().__init__()
        self.grid: DayGrid | None = None
        self.specialties: dict[str, str] = {}
        self.sites: list[str] = []
        #: The clinic's saved lists of providers, by name.
        self.lists: dict[str, list[int]] = {}
        #: A visit cut with `x`, to be pasted (moved) with `p`.
        self.cut: VisitToMove | None = None

    def grid_view(self) -> CalendarGrid:
        """The grid widget."""
        return self.query_one("#grid", CalendarGrid)

    def _under_cursor(self) -> Cell | None:
        """The grid cell under the cursor."""
        return self.grid_view().cell_under_cursor() if self.grid is not None else None

    def refresh_grid(self) -> None:
        """Read the grid again after a change made here."""
        raise NotImplementedError

    def book_here(self) -> None:
        """Book the caller (open in the workspace) at the time under the cursor: type,
        hold, read-back."""
        caller, spot = self.sched_app.call.caller, self._place()
        if caller is None or spot is None:
            self.notify(
                keys_said(
                    self,
                    "Open the caller in the workspace ({{app.workspace}}) first, then book here.",
                ),
                severity="warning",
            )
            return
        place, start = spot
        question = f"Book {caller[1]} with {place.name} at {visit_time(start)}: which visit?"

        def typed(code: str | None) -> None:
            if code is not None:
                self.hold_at(Here(caller[0], place.provider_id, place.site_code, start, code))

        keys_wait_for(self, self.ask_type(question, caller[0], place.provider_id, typed))

    def action_double_book(self) -> None:
        """Book the caller at the time under the cursor even though it is taken: which
        visit, why, then the read-back (within the template's allowance, or with the
        permission to go beyond it)."""
        caller, place = self.sched_app.call.caller, self._place()
        if caller is None or place is None:
            self.notify(
                keys_said(
                    self,
                    "Open the caller in the workspace ({{app.workspace}}) first, "
                    "then double-book here.",
                ),
                severity="warning",
            )
            return
        column, start = place
        question = (
            f"Double-book {caller[1]} with {column.name} at {visit_time(start)}: which visit?"
        )

        def why(code: str | None) -> None:
            if code is None:
                return

            def answered(reason: str | None) -> None:
                if reason is not None:
                    here = Here(caller[0], column.provider_id, column.site_code, start, code)
                    self.overbook_at(here, reason)

            ask = f"Why double-book {caller[1]} at {clock_time(start)}? (kept with the visit)"
            self.app.push_screen(AskLine(ask, "urgent, provider asked, ..."), answered)

        keys_wait_for(self, self.ask_type(question, caller[0], column.provider_id, why))

    @work(thread=True, group="book-here", exit_on_error=False, description="Reading the types")
    def ask_type(
        self, question: str, patient_id: int, provider_id: int, then: Callable[[str | None], None]
    ) -> None:
        """Ask which visit, offering the types the provider takes (the caller's first)."""
        with self.sched_app.store.read() as session:
            choices = booking_choices(session, patient_id)
        picker = TypePicker(question, choices, provider_id)
        self.app.call_from_thread(self.app.push_screen, picker, then)

    @work(thread=True, group="book-here", exit_on_error=False, description="Checking the time")
    def overbook_at(self, here: Here, reason: str) -> None:
        """Check it through the engine (refusals name why), then the read-back."""
        app = self.sched_app
        actor = signed_in(app)
        slot, script = overbook_here(
            app.store, actor, here, reason, now=app.clock.now(), settings=app.settings
        )
        held = Holding(here.patient_id, slot, None, "", reason.strip())
        self.app.call_from_thread(self._confirm, held, script)

    def _place(self) -> tuple[Column, datetime] | None:
        """The provider's column and the time under the cursor."""
        grid = self.grid
        if grid is None or not grid.columns or not grid.rows:
            return None
        row, column = self.grid_view().cursor
        return grid.columns[column], grid.columns[column].moment(grid, row)

    @work(thread=True, exit_on_error=False, description="Reading the clinic's lists")
    def load_types(self) -> None:
        """The clinic's reference lists: specialties, sites and saved lists (for choosing
        columns)."""
        with self.sched_app.store.read() as session:
            self.specialties = specialty_names(session)
            self.sites = site_codes(session)
            self.lists = provider_lists(session)

    @work(thread=True, group="book-here", exit_on_error=False, description="Holding the time")
    def hold_at(self, here: Here, moving: VisitToMove | None = None) -> None:
        """Hold it through the engine (refusals name why; the time of a visit being moved
        is not in the way), then the read-back."""
        app = self.sched_app
        actor = signed_in(app)
        slot, hold_id, script = hold_here(
            app.store, actor, here, now=app.clock.now(), settings=app.settings,
            moving=moving.appointment_id if moving else None,
        )  # fmt: skip
        held = Holding(here.patient_id, slot, hold_id, "")
        self.app.call_from_thread(self._confirm, held, script, moving)

    def _confirm(self, held: Holding, script: ReadBack, moving: VisitToMove | None = None) -> None:
        def decided(booked: int | None) -> None:
            if booked is None:
                if held.hold_id is not None:
                    self.let_go(held.hold_id)
                return
            if moving is not None:
                self.cut = None
            self.sched_app.call.visit_changed(held.patient_id, booked)  # the note links it
            self.notify(f"{'Moved' if moving else 'Booked'}: appointment {booked}.")
            self.refresh_grid()

        self.app.push_screen(ConfirmScreen(held, script, moving), decided)

    @work(thread=True, exit_on_error=False, description="Letting the held time go")
    def let_go(self, hold_id: int) -> None:
        """Give the held time back."""
        app = self.sched_app
        actor = signed_in(app)
        release_hold(app.store, actor, hold_id, now=app.clock.now())

    def _visit_under_cursor(self) -> int | None:
        cell = self._under_cursor()
        if cell is None or cell.appointment_id is None:
            self.notify("Put the cursor on a visit first.", severity="warning")
            return None
        return cell.appointment_id

    def action_status(self, status: str) -> None:
        """Mark the visit under the cursor arrived, checked in or a no-show."""
        if (visit := self._visit_under_cursor()) is not None:
            self.change_status(visit, status)

    @work(thread=True, group="grid-change", exit_on_error=False, description="Changing the visit")
    def change_status(self, appointment_id: int, status: str) -> None:
        """Through core (the FHIR state machine, audited); the grid is read again."""
        app = self.sched_app
        actor = signed_in(app)
        change_status(app.store, actor, appointment_id, status, now=app.clock.now())
        self.app.call_from_thread(self.notify, f"Marked {status_text(status)}.")
        self.app.call_from_thread(self.refresh_grid)

    def action_cancel_visit(self) -> None:
        """Cancel the visit under the cursor, after choosing why."""
        visit = self._visit_under_cursor()
        if visit is None:
            return

        def chosen(reason: str | None) -> None:
            if reason is not None:
                self.cancel(visit, reason)

        question = f"Cancel appointment {visit}? Why is it cancelled?"
        self.app.push_screen(ReasonPicker(question, "cancels it"), chosen)

    @work(thread=True, group="grid-change", exit_on_error=False, description="Cancelling")
    def cancel(self, appointment_id: int, reason: str) -> None:
        """Through core (reason code, late flag, audited); the grid is read again."""
        app = self.sched_app
        actor = signed_in(app)
        late = cancel(
            app.store, actor, appointment_id, reason, now=app.clock.now(), settings=app.settings
        )
        said = "Cancelled" + (" (late)." if late else ".")
        said += offer_hint(self, waitlist_note(app.store, appointment_id, now=app.clock.now()))
        self.app.call_from_thread(self.notify, said)
        self.app.call_from_thread(self.refresh_grid)

    def action_cut(self) -> None:
        """Cut the visit under the cursor, to move it with `p` at the new time."""
        if (visit := self._visit_under_cursor()) is not None:
            self.cut_visit(visit)

    @work(thread=True, exit_on_error=False, description="Reading the visit")
    def cut_visit(self, appointment_id: int) -> None:
        """Remember the visit (only a booked one can move)."""
        found = visit_to_move(self.sched_app.store, appointment_id)
        self.app.call_from_thread(self._remember_cut, found)

    def _remember_cut(self, found: VisitToMove) -> None:
        self.cut = found
        self.notify(f"Cut the {found.type_code} of {found.was}: go to the new time and press p.")

    def action_paste(self) -> None:
        """Move the cut visit to the time under the cursor: why, hold, read-back, moved."""
        cell, cut, spot = self._under_cursor(), self.cut, self._place()
        if cut is None or cell is None or cell.kind != "open" or spot is None:
            self.notify("Cut a visit (x), then paste it (p) on open time.", severity="warning")
            return
        place, start = spot

        def reason_chosen(reason: str | None) -> None:
            if reason is not None:
                moving = replace(cut, reason=reason)
                here = Here(
                    cut.patient_id, place.provider_id, place.site_code, start, cut.type_code
                )
                self.hold_at(here, moving)

        question = f"Move the visit of {cut.was} to {visit_time(start)}. Why is it moving?"
        self.app.push_screen(ReasonPicker(question, "goes on to the read-back"), reason_chosen)
