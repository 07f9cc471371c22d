"""What a scheduler does to visits on the calendar grid: book the caller here (or
double-book), mark arrived, checked in or no-show, cancel, cut and paste to move.
Everything goes through core (the engine, the FHIR state machine, the audit)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

from schedtui.core.payments.at_the_desk import PaymentDue, payment_due
from schedtui.core.payments.taking import Taken
from schedtui.core.schedule.appointment_changes import cancel, change_status, status_problem
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
from schedtui.core.schedule.readback import ReadBack
from schedtui.core.schedule.screening import (
    ScreeningSheet,
    open_at_check_in,
    screening_sheet,
)
from schedtui.core.schedule.statuses import status_text
from schedtui.core.support.errors import NotAllowed
from schedtui.core.support.formats import clock_time, visit_time
from schedtui.core.views.day_grid import Column
from schedtui.data.codes import NO_SHOW_REASONS
from schedtui.desk import Desk, signed_in
from schedtui.screens.ask_line import AskLine
from schedtui.screens.base import WorkScreen, keys_said, keys_wait_for, offer_hint
from schedtui.screens.booking import ConfirmScreen, Holding
from schedtui.screens.calendar_part import CalendarPart
from schedtui.screens.payment_form import PaymentForm, taken_text
from schedtui.screens.reasons import ChoicePicker, ReasonPicker
from schedtui.screens.screening_form import ScreeningForm, unanswered_note
from schedtui.screens.type_picker import TypePicker

#: The no-show picker's choice for a reason nobody knows yet.
NOT_KNOWN = "not-known"


class VisitActions(CalendarPart):
    """Booking, statuses, cancelling and moving visits from the grid."""

    def __init__(self, screen: WorkScreen[Any]) -> None:
        super().__init__(screen)
        #: A visit cut with `x`, to be pasted (moved) with `p`.
        self.cut: VisitToMove | None = None

    def _caller(self, what: str) -> tuple[int, str] | None:
        caller = self.desk.call.caller
        if caller is None:
            said = "Open the caller in the workspace ({{app.workspace}}) first, then "
            self.say(keys_said(self.screen, f"{said}{what} here."), warning=True)
        return caller

    def book_here(self, place: Column, start: datetime) -> None:
        """Book the caller (open in the workspace) at this time: type, hold, read-back."""
        caller = self._caller("book")
        if caller is None:
            return
        question = f"Book {caller[1]} with {place.name} at {visit_time(start)}: which visit?"

        def typed(code: str | None) -> None:
            if code is not None:
                self.hold(Here(caller[0], place.provider_id, place.site_code, start, code))

        self._ask_type(question, caller[0], place.provider_id, typed)

    def double_book(self) -> None:
        """Book the caller at the time under the cursor even though it is taken: which
        visit, why, then the read-back (within the template's allowance, or with the
        permission to go beyond it)."""
        spot = self.grid.time_under_cursor()
        caller = self._caller("double-book") if spot is not None else None
        if caller is None or spot is None:
            return
        column, start = spot
        question = (
            f"Double-book {caller[1]} with {column.name} at {visit_time(start)}: which visit?"
        )

        def why(code: str | None) -> None:
            if code is None:
                return

            def answered(reason: str | None) -> None:
                if reason is not None:
                    here = Here(caller[0], column.provider_id, column.site_code, start, code)
                    self._overbook(here, reason)

            ask = f"Why double-book {caller[1]} at {clock_time(start)}? (kept with the visit)"
            self.ask(AskLine(ask, "urgent, provider asked, ..."), answered)

        self._ask_type(question, caller[0], column.provider_id, why)

    def _ask_type(
        self, question: str, patient_id: int, provider_id: int, then: Callable[[str | None], None]
    ) -> None:
        """Ask which visit, offering the types the provider takes (the caller's first);
        keys typed meanwhile wait for the question."""
        desk = self.desk

        def read() -> TypePicker:
            with desk.store.read() as session:
                return TypePicker(question, booking_choices(session, patient_id), provider_id)

        asking = self.in_thread(
            read,
            lambda picker: self.ask(picker, then),
            description="Reading the types",
            group="book-here",
        )
        keys_wait_for(self.screen, asking)

    def _overbook(self, here: Here, reason: str) -> None:
        """Check it through the engine (refusals name why), then the read-back."""
        desk = self.desk

        def check() -> tuple[Holding, ReadBack]:
            slot, script = overbook_here(
                desk.store, signed_in(desk), here, reason,
                now=desk.clock.now(), settings=desk.settings,
            )  # fmt: skip
            return Holding(here.patient_id, slot, None, "", reason.strip()), script

        self.in_thread(
            check,
            lambda found: self._confirm(*found),
            description="Checking the time",
            group="book-here",
        )

    def hold(self, here: Here, moving: VisitToMove | None = None) -> None:
        """Hold it through the engine (refusals name why; the time of a visit being moved
        is not in the way), then the read-back."""
        desk = self.desk

        def hold_it() -> tuple[Holding, ReadBack]:
            slot, hold_id, script = hold_here(
                desk.store, signed_in(desk), here, now=desk.clock.now(), settings=desk.settings,
                moving=moving.appointment_id if moving else None,
            )  # fmt: skip
            return Holding(here.patient_id, slot, hold_id, ""), script

        self.in_thread(
            hold_it,
            lambda held: self._confirm(*held, moving),
            description="Holding the time",
            group="book-here",
        )

    def _confirm(self, held: Holding, script: ReadBack, moving: VisitToMove | None = None) -> None:
        def decided(booked: int | None) -> None:
            if booked is None:
                if held.hold_id is not None:
                    self._let_go(held.hold_id)
                return
            if moving is not None:
                self.cut = None
            self.desk.call.visit_changed(held.patient_id, booked)  # the note links it
            self.changed(f"{'Moved' if moving else 'Booked'}: appointment {booked}.")

        self.ask(ConfirmScreen(held, script, moving), decided)

    def _let_go(self, hold_id: int) -> None:
        """Give the held time back."""
        desk = self.desk

        def let_go() -> None:
            release_hold(desk.store, signed_in(desk), hold_id, now=desk.clock.now())

        self.in_thread(let_go, lambda _: None, description="Letting the held time go")

    def _visit_under_cursor(self) -> int | None:
        cell = self.grid.cell_under_cursor()
        if cell is None or cell.appointment_id is None:
            self.say("Put the cursor on a visit first.", warning=True)
            return None
        return cell.appointment_id

    def mark(self, status: str) -> None:
        """Mark the visit under the cursor arrived, checked in or a no-show (asking why
        the patient did not come): through core (the FHIR state machine, audited)."""
        visit = self._visit_under_cursor()
        if visit is None:
            return
        if status != "noshow":
            self._mark(visit, status, "")
            return
        desk = self.desk

        def problem() -> str:
            return status_problem(desk.store, visit, status, now=desk.clock.now())

        checking = self.in_thread(
            problem, lambda said: self._ask_why(visit, said), description="Checking the visit"
        )
        keys_wait_for(self.screen, checking)  # keys typed meanwhile go to the picker

    def _ask_why(self, visit: int, problem: str) -> None:
        """A no-show that may be marked: why did the patient not come?"""
        if problem:
            self.say(problem, warning=True)
            return

        def chosen(reason: str | None) -> None:
            if reason is not None:
                self._mark(visit, "noshow", "" if reason == NOT_KNOWN else reason)

        choices = {**NO_SHOW_REASONS, NOT_KNOWN: "Not known yet (ask on the next call)"}
        picker = ChoicePicker("Why did the patient not come?", choices, "marks the no-show",
                              "leaves the visit as it is")  # fmt: skip
        self.ask(picker, chosen)

    def _mark(self, visit: int, status: str, why: str) -> None:
        """Through core; a visit checked in with something owed (its copay, a balance)
        goes on to the payment form, filled with it."""
        desk = self.desk

        def mark_it() -> tuple[ScreeningSheet | None, PaymentDue | None]:
            actor, now = signed_in(desk), desk.clock.now()
            change_status(desk.store, actor, visit, status, now=now, no_show_reason=why)
            if status != "checked-in":
                return None, None
            sheet = open_at_check_in(desk.store, actor, visit, now=now)
            return sheet, owed_at_check_in(desk, visit)

        def marked(open_items: tuple[ScreeningSheet | None, PaymentDue | None]) -> None:
            self.changed(f"Marked {status_text(status)}.")
            sheet, due = open_items
            if sheet is not None:  # ask what is still open, then take what is owed
                form = ScreeningForm(sheet, unanswered_note(sheet))
                self.ask(form, lambda _: self._ask_payment(due))
            else:
                self._ask_payment(due)

        marking = self.in_thread(
            mark_it, marked, description="Changing the visit", group="grid-change"
        )
        if status == "checked-in":
            keys_wait_for(self.screen, marking)  # keys typed meanwhile go to the form opened

    def _ask_payment(self, due: PaymentDue | None) -> None:
        if due is not None:
            self.ask(PaymentForm(due=due), self._taken)

    def screening(self) -> None:
        """Answer (or change) the screening questions of the visit under the cursor."""
        visit = self._visit_under_cursor()
        if visit is None:
            return
        desk = self.desk

        def read() -> ScreeningSheet:
            return screening_sheet(desk.store, signed_in(desk), visit, now=desk.clock.now())

        reading = self.in_thread(read, self._ask_screening, description="Reading the questions")
        keys_wait_for(self.screen, reading)  # keys typed meanwhile go to the form

    def _ask_screening(self, sheet: ScreeningSheet) -> None:
        if not sheet.questions:
            self.say("This visit type asks no screening questions.", warning=True)
            return
        self.ask(ScreeningForm(sheet), self._kept)

    def _kept(self, kept: bool | None) -> None:
        if kept:
            self.say("Answers kept.")

    def _taken(self, taken: Taken | None) -> None:
        self.say(taken_text(taken) if taken is not None else "No payment taken.")

    def cancel(self) -> None:
        """Cancel the visit under the cursor, after choosing why."""
        visit = self._visit_under_cursor()
        if visit is None:
            return

        def chosen(reason: str | None) -> None:
            if reason is not None:
                self._cancel(visit, reason)

        question = f"Cancel appointment {visit}? Why is it cancelled?"
        self.ask(ReasonPicker(question, "cancels it"), chosen)

    def _cancel(self, appointment_id: int, reason: str) -> None:
        """Through core (reason code, late flag, audited); who on the waitlist fits."""
        desk = self.desk

        def cancel_it() -> str:
            now = desk.clock.now()
            late = cancel(
                desk.store, signed_in(desk), appointment_id, reason, now=now,
                settings=desk.settings,
            )  # fmt: skip
            return ("Cancelled" + (" (late)." if late else ".")) + offer_hint(
                self.screen, waitlist_note(desk.store, appointment_id, now=now)
            )

        self.in_thread(cancel_it, self.changed, description="Cancelling", group="grid-change")

    def cut_under_cursor(self) -> None:
        """Cut the visit under the cursor, to move it with `p` at the new time (only a
        booked one can move)."""
        visit, desk = self._visit_under_cursor(), self.desk
        if visit is not None:
            self.in_thread(
                lambda: visit_to_move(desk.store, visit),
                self._remember_cut,
                description="Reading the visit",
            )

    def _remember_cut(self, found: VisitToMove) -> None:
        self.cut = found
        paste = keys_said(self.screen, "{{calendar.paste}}")  # a name may hold braces
        self.say(f"Cut the {found.type_code} of {found.was}: go to the new time and press {paste}.")

    def paste(self) -> None:
        """Move the cut visit to the time under the cursor: why, hold, read-back, moved."""
        cell, cut, spot = self.grid.cell_under_cursor(), self.cut, self.grid.time_under_cursor()
        if cut is None or cell is None or cell.kind != "open" or spot is None:
            said = (
                "Cut a visit ({{calendar.cut}}), then paste it ({{calendar.paste}}) on open time."
            )
            self.say(keys_said(self.screen, said), warning=True)
            return
        place, start = spot

        def reason_chosen(reason: str | None) -> None:
            if reason is not None:
                moving = replace(cut, reason=reason)
                here = Here(
                    cut.patient_id, place.provider_id, place.site_code, start, cut.type_code
                )
                self.hold(here, moving)

        question = f"Move the visit of {cut.was} to {visit_time(start)}. Why is it moving?"
        self.ask(ReasonPicker(question, "goes on to the read-back"), reason_chosen)


def owed_at_check_in(desk: Desk, visit: int) -> PaymentDue | None:
    """What the patient checked in owes (None when nothing is, or the user does not take
    payments: the check-in stands either way)."""
    try:
        due = payment_due(desk.store, signed_in(desk), appointment_id=visit,
                          now=desk.clock.now(), settings=desk.settings)  # fmt: skip
    except NotAllowed:
        return None
    return due if due.owes() else None
