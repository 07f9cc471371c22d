"""Closing a site for a holiday from the calendar (H): the site (or all), the days, the
kind and its name. Visits booked on those days are listed first; a second Ctrl+S closes
anyway and puts their patients on the waitlist to be called."""

from __future__ import annotations

from datetime import date
from typing import Any

from schedtui.core.schedule.closures import CLOSURE_FIELDS, add_closure, closure_from_form
from schedtui.desk import signed_in
from schedtui.screens.confirming_form import ConfirmingForm, in_the_way_lines


class ClosureForm(ConfirmingForm):
    """The closure's fields; Ctrl+S adds it (through core, audited), Esc leaves."""

    FORM = "closure"
    FIELDS = CLOSURE_FIELDS
    IN_THE_WAY = "Visits are booked on those days:"

    def __init__(self, site_code: str, day: date, today: date) -> None:
        prefill = {"site": site_code, "first": day.isoformat(), "kind": "holiday"}
        super().__init__("Close a site (or every site) for a day or several", prefill)
        self.today = today

    def request_from(self, typed: dict[str, str]) -> Any:
        """The closure the fields describe."""
        return closure_from_form(typed, self.today)

    def submit(self, request: Any, confirm: bool) -> tuple[int | None, list[str]]:
        """Through core: permission, checks, the visits on those days, audit and event."""
        app = self.sched_app
        actor = signed_in(app)
        result = add_closure(app.store, actor, request, now=app.clock.now(), confirm=confirm)
        return result.closure_id, in_the_way_lines(result.in_the_way)
