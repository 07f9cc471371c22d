"""Offering open time on the calendar to the waitlist (W): who fits the time under the
cursor, most urgent and longest waiting first; Enter books the one chosen, and the later
visit they were waiting to move up from is cancelled, all in one step."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from schedtui.core.schedule.booking_checks import OpenItemsNeedReason
from schedtui.core.schedule.calendar_booking import WaitlistOffer, waitlist_offers
from schedtui.core.schedule.waitlist import OpenTime, book_from_waitlist
from schedtui.core.support.formats import visit_time
from schedtui.core.views.day_grid import Column
from schedtui.desk import signed_in
from schedtui.screens.ask_line import AskLine
from schedtui.screens.calendar_part import CalendarPart
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


class WaitlistOffers(CalendarPart):
    """The waitlist on the calendar."""

    def offer(self) -> None:
        """Offer the open time under the cursor to the waitlist: who fits, through core (an
        audited look: it shows patients' names)."""
        found, desk = self.grid.open_run_under_cursor(), self.desk
        if found is None:
            self.say("Put the cursor on open time to offer it to the waitlist.", warning=True)
            return
        place, span = found

        def read() -> tuple[OpenTime, list[WaitlistOffer]]:
            return waitlist_offers(
                desk.store, signed_in(desk), place.provider_id, place.site_code, span,
                now=desk.clock.now(),
            )  # fmt: skip

        self.in_thread(
            read, lambda offers: self._offer(place, *offers), description="Reading the waitlist"
        )

    def _offer(self, place: Column, opened: OpenTime, offers: list[WaitlistOffer]) -> None:
        local = opened.start.astimezone(ZoneInfo(place.zone))
        when = f"{place.name} at {visit_time(local)}"
        if not offers:
            self.say(f"Nobody on the waitlist fits {when}.")
            return
        minutes = int((opened.end - opened.start).total_seconds() // 60)
        choices = {str(o.entry_id): offer_line(o) for o in offers}

        def chosen(key: str | None) -> None:
            if key is not None:
                self._book(int(key), opened)

        question = f"Offer {when} ({minutes} minutes open) to:"
        does = "books the one highlighted (a later visit they had is cancelled)"
        self.ask(ChoicePicker(question, choices, does, "offers it to nobody"), chosen)

    def _book(self, entry_id: int, opened: OpenTime, override_reason: str = "") -> None:
        """Through core: booked, the entry closed, the later visit cancelled, at once. Open
        insurance items ask why book anyway, then try again with the answer."""
        desk = self.desk

        def book() -> int | str:
            try:
                return book_from_waitlist(
                    desk.store, signed_in(desk), entry_id, opened, now=desk.clock.now(),
                    settings=desk.settings, override_reason=override_reason,
                )  # fmt: skip
            except OpenItemsNeedReason as refused:
                if override_reason.strip():
                    raise
                return str(refused)

        def done(booked: int | str) -> None:
            if isinstance(booked, str):
                self._ask_override(entry_id, opened, booked)
            else:
                self.changed(f"Booked from the waitlist: appointment {booked}.")

        self.in_thread(book, done, description="Booking", group="grid-change")

    def _ask_override(self, entry_id: int, opened: OpenTime, refusal: str) -> None:
        """The waitlist patient has open insurance items: say which, and ask why book."""

        def answered(reason: str | None) -> None:
            if reason is not None:
                self._book(entry_id, opened, reason.strip() or " ")

        self.ask(
            AskLine(_override_question(refusal), "self-pay, authorization requested, ..."), answered
        )
