"""What supervisors change on the calendar grid: block a provider's time (b), edit the
provider's template (e), close a site for a holiday (H) and save the columns shown as a
list. Each goes through core (permission, checks, audit, the event feed that redraws
every open grid)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from textual.screen import Screen

from schedtui.core.schedule.blocks import TemplateRow, templates
from schedtui.core.schedule.provider_lists import save_provider_list
from schedtui.core.security.access import Permission
from schedtui.core.security.guard import require
from schedtui.core.views.day_grid import Column, DayGrid
from schedtui.core.views.today import clinic_today
from schedtui.desk import signed_in
from schedtui.screens.ask_line import AskLine
from schedtui.screens.block_form import BlockForm
from schedtui.screens.calendar_part import CalendarPart, ListsRead, read_clinic_lists
from schedtui.screens.closure_form import ClosureForm
from schedtui.screens.reasons import ChoicePicker
from schedtui.screens.template_form import TemplateForm


def template_choice(row: TemplateRow) -> str:
    """A template in one line: days, hours, site, dates."""
    until = row.effective_to or "on"
    return (
        f"{row.rrule.removeprefix('FREQ=WEEKLY;BYDAY=')} {row.opens}-{row.closes} "
        f"at {row.site} ({row.effective_from} to {until})"
    )


class CalendarSetup(CalendarPart):
    """Blocks, templates, closures and saved lists from the grid."""

    def _supervising(self, what: str, form: Screen[Any], then: Callable[[Any], None]) -> None:
        """Open a supervisor's form only for someone who may use it (a refusal is said
        at once, and audited, rather than after filling the form in)."""
        desk = self.desk

        def allowed() -> None:
            require(desk.store, signed_in(desk), Permission.EDIT_TEMPLATES,
                    now=desk.clock.now(), what=what)  # fmt: skip

        self.in_thread(allowed, lambda _: self.ask(form, then), description="Checking your role")

    def block(self) -> None:
        """Block the provider's time from the cell under the cursor."""
        spot = self.grid.time_under_cursor()
        if spot is None:
            return
        place, start = spot

        def added(block_id: int | None) -> None:
            if block_id is not None:
                self.changed(f"Block {block_id} added.")

        self._supervising("block", BlockForm(place.provider_id, place.name, start), added)

    def edit_template(self) -> None:
        """Edit the template of the provider under the cursor (supervisors): their
        templates, then the one to edit (or a new one)."""
        spot, desk = self.grid.time_under_cursor(), self.desk
        if spot is None:
            return
        place = spot[0]

        def read() -> list[TemplateRow]:
            require(desk.store, signed_in(desk), Permission.EDIT_TEMPLATES,
                    now=desk.clock.now(), what="template")  # fmt: skip
            with desk.store.read() as session:
                return templates(session, place.provider_id)

        self.in_thread(
            read,
            lambda rows: self._choose_template(rows, place),
            description="Reading the templates",
        )

    def _today(self) -> date:
        return clinic_today(self.desk.clock, self.desk.settings.zone)

    def _choose_template(self, rows: list[TemplateRow], place: Column) -> None:
        fresh = TemplateRow.new(place.provider_id, place.name, place.site_code, self._today())
        if not rows:
            self._edit(fresh)
            return
        by_id = {str(row.id): row for row in rows} | {"new": fresh}
        choices = {key: template_choice(row) for key, row in by_id.items()}
        choices["new"] = "A new template"

        def chosen(key: str | None) -> None:
            if key is not None:
                self._edit(by_id[key])

        question = f"Which of {place.name}'s templates?"
        self.ask(ChoicePicker(question, choices, "edits it", "leaves them"), chosen)

    def _edit(self, row: TemplateRow) -> None:
        def saved(done: bool | None) -> None:
            if done:
                self.changed("Template saved." if row.id is None else f"Template {row.id} saved.")

        self.ask(TemplateForm(row, self._today()), saved)

    def save_columns(self, grid: DayGrid) -> None:
        """Save the providers shown as a list the whole clinic can choose (f)."""
        if not grid.columns:
            return
        ids = list(dict.fromkeys(c.provider_id for c in grid.columns))
        names = ", ".join(dict.fromkeys(c.name for c in grid.columns if not c.day)) or "shown"

        def named(name: str | None) -> None:
            if name is not None:
                self._save_list(name, ids)

        question = f"Save the {len(ids)} providers shown ({names}) as a list named:"
        ask = AskLine(question, "cardiology team, Tuesday walk-ins, ...")
        self._supervising("provider-list", ask, named)

    def _save_list(self, name: str, ids: list[int]) -> None:
        """Through core (supervisors; audited); the lists are read again."""
        desk = self.desk

        def save() -> int:
            saved = save_provider_list(desk.store, signed_in(desk), name, ids, now=desk.clock.now())
            self.screen.post_message(ListsRead(read_clinic_lists(desk)))
            return len(saved)

        self.in_thread(
            save,
            lambda count: self.say(f"Saved the list '{name.strip()}' ({count} providers)."),
            description="Saving the list",
        )

    def close_days(self, grid: DayGrid) -> None:
        """Close the site under the cursor (or every site) from the day shown (supervisors)."""
        spot = self.grid.time_under_cursor()
        site = spot[0].site_code if spot else "all"
        day = spot[0].day or grid.day if spot else grid.day

        def added(closure_id: int | None) -> None:
            if closure_id is not None:
                self.changed(f"Closure {closure_id} added.")

        self._supervising("closure", ClosureForm(site, day, self._today()), added)
