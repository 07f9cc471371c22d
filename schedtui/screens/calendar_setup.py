"""What supervisors change on the calendar grid: block a provider's time (b), edit the
provider's template (e) and close a site for a holiday (H). Each goes through core
(permission, checks, audit, the event feed that redraws every open grid)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import work

from schedtui.core.schedule.blocks import templates
from schedtui.core.schedule.provider_lists import provider_lists, save_provider_list
from schedtui.core.security.access import Permission
from schedtui.core.security.guard import require
from schedtui.core.views.day_grid import Column
from schedtui.core.views.today import clinic_today
from schedtui.desk import signed_in
from schedtui.screens.ask_line import AskLine
from schedtui.screens.block_form import BlockForm
from schedtui.screens.calendar_waitlist import CalendarWaitlist
from schedtui.screens.closure_form import ClosureForm
from schedtui.screens.reasons import ChoicePicker
from schedtui.screens.template_form import TemplateForm, new_template_row


def template_choice(row: dict[str, Any]) -> str:
    """A template in one line: days, hours, site, dates."""
    until = row["effective_to"] or "on"
    return (
        f"{row['rrule'].removeprefix('FREQ=WEEKLY;BYDAY=')} {row['from']}-{row['to']} "
        f"at {row['site']} ({row['effective_from']} to {until})"
    )


class CalendarSetup(CalendarWaitlist):
    """Blocks, templates and closures from the grid."""

    @work(thread=True, exit_on_error=False, description="Checking your role")
    def supervising(self, what: str, then: Callable[[], object]) -> None:
        """Open a supervisor's form only for someone who may use it (a refusal is said
        at once, and audited, rather than after filling the form in)."""
        app = self.sched_app
        actor = signed_in(app)
        require(app.store, actor, Permission.EDIT_TEMPLATES, now=app.clock.now(), what=what)
        self.app.call_from_thread(then)

    def action_block(self) -> None:
        """Block the provider's time from the cell under the cursor."""
        spot = self._place()
        if spot is None:
            return
        place, start = spot

        def added(block_id: int | None) -> None:
            if block_id is not None:
                self.notify(f"Block {block_id} added.")
                self.refresh_grid()

        form = BlockForm(place.provider_id, place.name, start)
        self.supervising("block", lambda: self.app.push_screen(form, added))

    def action_edit_template(self) -> None:
        """Edit the template of the provider under the cursor (supervisors)."""
        spot = self._place()
        if spot is not None:
            self.read_templates(spot[0])

    @work(thread=True, exit_on_error=False, description="Reading the templates")
    def read_templates(self, place: Column) -> None:
        """The provider's templates, then the one to edit (or a new one)."""
        app = self.sched_app
        actor = signed_in(app)
        require(app.store, actor, Permission.EDIT_TEMPLATES, now=app.clock.now(), what="template")
        with self.sched_app.store.read() as session:
            rows = templates(session, place.provider_id)
        self.app.call_from_thread(self._choose_template, rows, place)

    def _choose_template(self, rows: list[dict[str, Any]], place: Column) -> None:
        app, name = self.sched_app, place.name
        fresh = new_template_row(
            place.provider_id, name, place.site_code, clinic_today(app.clock, app.settings.zone)
        )
        if not rows:
            self._edit(fresh)
            return
        by_id = {str(row["id"]): row for row in rows} | {"new": fresh}
        choices = {key: template_choice(row) for key, row in by_id.items()}
        choices["new"] = "A new template"

        def chosen(key: str | None) -> None:
            if key is not None:
                self._edit(by_id[key])

        question = f"Which of {name}'s templates?"
        self.app.push_screen(ChoicePicker(question, choices, "edits it", "leaves them"), chosen)

    def _edit(self, row: dict[str, Any]) -> None:
        app = self.sched_app
        today = clinic_today(app.clock, app.settings.zone)

        def saved(done: bool | None) -> None:
            if done:
                self.notify(
                    "Template saved." if row["id"] is None else f"Template {row['id']} saved."
                )
                self.refresh_grid()

        self.app.push_screen(TemplateForm(row, today), saved)

    def save_columns(self) -> None:
        """Save the providers shown as a list the whole clinic can choose (f)."""
        grid = self.grid
        if grid is None or not grid.columns:
            return
        ids = list(dict.fromkeys(c.provider_id for c in grid.columns))
        names = ", ".join(dict.fromkeys(c.name for c in grid.columns if not c.day)) or "shown"

        def named(name: str | None) -> None:
            if name is not None:
                self.save_list(name, ids)

        question = f"Save the {len(ids)} providers shown ({names}) as a list named:"
        ask = AskLine(question, "cardiology team, Tuesday walk-ins, ...")
        self.supervising("provider-list", lambda: self.app.push_screen(ask, named))

    @work(thread=True, exit_on_error=False, description="Saving the list")
    def save_list(self, name: str, ids: list[int]) -> None:
        """Through core (supervisors; audited); the lists are read again."""
        app = self.sched_app
        actor = signed_in(app)
        saved = save_provider_list(app.store, actor, name, ids, now=app.clock.now())
        with app.store.read() as session:
            self.lists = provider_lists(session)
        self.app.call_from_thread(
            self.notify, f"Saved the list '{name.strip()}' ({len(saved)} providers)."
        )

    def action_close_days(self) -> None:
        """Close the site under the cursor (or every site) from the day shown (supervisors)."""
        spot, grid = self._place(), self.grid
        if grid is None:
            return
        app = self.sched_app
        site = spot[0].site_code if spot else "all"
        day = spot[0].day or grid.day if spot else grid.day

        def added(closure_id: int | None) -> None:
            if closure_id is not None:
                self.notify(f"Closure {closure_id} added.")
                self.refresh_grid()

        today = clinic_today(app.clock, app.settings.zone)
        form = ClosureForm(site, day, today)
        self.supervising("closure", lambda: self.app.push_screen(form, added))
