"""Offering open time on the calendar to the waitlist (W): who fits the time under the
cursor, most urgent and longest waiting first; Enter books the one chosen, and the later
visit they were waiting to move up from is cancelled, all in one step."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from textual import work

from schedtui.core.schedule.booking import OpenItemsNeedReason
from schedtui.core.schedule.calendar_booking import WaitlistOffer, waitlist_offers
from schedtui.core.schedule.waitlist import OpenTime, book_from_waitlist
from schedtui.core.support.formats import visit_time
from schedtui.core.views.day_grid import Column
from schedtui.desk import signed_in
from schedtui.screens.ask_line import AskLine
from schedtui.screens.calendar_visits import CalendarVisits
from schedtui.screens.reasons import ChoicePicker


def _override_question(refusal: str) -> str:
    return f"{refusal}. Why book anyway (self-pay, authorization requested...)?"


def offer_line(offer: WaitlistOffer) -> str:
    """An offer as the picker lists it."""
    waited = f"waited {offer.waited_days} day{'s' if offer.waited_days != 1 else ''}"
    return (
        f"{offer.patient} · {offer.type_code} · priority {offer.priority} · {waited} · "
        + "; ".join(offer.why)
    )


class CalendarWaitlist(CalendarVisits):
    """The waitlist on the calendar."""

    def action_waitlist(self) -> None:
        """Offer the open time under the cursor to the waitlist."""
        cell, grid = self._under_cursor(), self.grid
        if cell is None or cell.kind != "open" or grid is None:
            self.notify(
                "Put the cursor on open time to offer it to the waitlist.", severity="warning"
            )
            return
        row, column = self.grid_view().cursor
        self.find_offers(grid.columns[column], grid.open_run(row, column))

    @work(thread=True, exit_on_error=False, description="Reading the waitlist")
    def find_offers(self, place: Column, span: tuple[datetime, datetime]) -> None:
        """Who fits, through core (an audited look: it shows patients' names)."""
        app = self.sched_app
        actor = signed_in(app)
        opened, offers = waitlist_offers(
            app.store, actor, place.provider_id, place.site_code, span, now=app.clock.now()
        )
        self.app.call_from_thread(self._offer, place, opened, offers)

    def _offer(self, place: Column, opened: OpenTime, offers: list[WaitlistOffer]) -> None:
        local = opened.start.astimezone(ZoneInfo(place.zone))
        when = f"{place.name} at {visit_time(local)}"
        if not offers:
            self.notify(f"Nobody on the waitlist fits {when}.", markup=False)
            return
        minutes = int((opened.end - opened.start).total_seconds() // 60)
        choices = {str(o.entry_id): offer_line(o) for o in offers}

        def chosen(key: str | None) -> None:
            if key is not None:
                self.book_offer(int(key), opened)

        question = f"Offer {when} ({minutes} minutes open) to:"
        does = "books the one highlighted (a later visit they had is cancelled)"
        self.app.push_screen(ChoicePicker(question, choices, does, "offers it to nobody"), chosen)

    @work(thread=True, group="grid-change", exit_on_error=False, description="Booking")
    def book_offer(self, entry_id: int, opened: OpenTime, override_reason: str = "") -> None:
        """Through core: booked, the entry closed, the later visit cancelled, at once. Open
        insurance items ask why book anyway, then try again with the answer."""
        app = self.sched_app
        actor = signed_in(app)
        try:
            booked = book_from_waitlist(
                app.store,
                actor,
                entry_id,
                opened,
                now=app.clock.now(),
                settings=app.settings,
                override_reason=override_reason,
            )
        except OpenItemsNeedReason as refused:
            if override_reason.strip():
                raise
            self.app.call_from_thread(self.ask_override, entry_id, opened, str(refused))
            return
        self.app.call_from_thread(self.notify, f"Booked from the waitlist: appointment {booked}.")
        self.app.call_from_thread(self.refresh_grid)

    def ask_override(self, entry_id: int, opened: OpenTime, refusal: str) -> None:
        """The waitlist patient has open insurance items: say which, and ask why book."""

        def answered(reason: str | None) -> None:
            if reason is not None:
                self.book_offer(entry_id, opened, reason.strip() or " ")

        ask = AskLine(_override_question(refusal), "self-pay, authorization requested, ...")
        self.app.push_screen(ask, answered)
