"""The patient's chart, to keep it true (the panel's edit key): names, date of birth,
phones, e-mail, address, language and interpreter, how they prefer to be reached, the
emergency contact. Only what was changed is saved, checked as at registration; a wrong
field says so under it. Audited, before and after."""

from __future__ import annotations

from textual import work
from textual.binding import Binding
from textual.widgets import Input

from schedtui.core.patients.chart_edit import (
    FORM_FIELDS,
    ChartEdit,
    chart_form_values,
    edit_from_form,
    edit_patient,
)
from schedtui.core.views.today import clinic_today
from schedtui.desk import signed_in
from schedtui.screens.base import keys_said, keys_wait_for
from schedtui.screens.fields_modal import FieldsModal


class ChartForm(FieldsModal[bool]):
    """The chart's fields, filled from the store; Ctrl+S saves what changed, Esc leaves."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="chart.save"),
        Binding("escape", "cancel", "Cancel", id="chart.cancel"),
    ]
    FORM = "chart"
    FIELDS = FORM_FIELDS

    def __init__(self, patient_id: int, name: str) -> None:
        super().__init__(f"{name}: change what is wrong", {}, "Reading the chart...")
        self.patient_id = patient_id
        self.shown: dict[str, str] | None = None

    def on_mount(self) -> None:
        for field in self.query(Input):  # the values arrive after the focus: keep them whole
            field.select_on_focus = False
        self.query_one(f"#{self.FORM}-{FORM_FIELDS[0][0]}", Input).focus()
        keys_wait_for(self, self.read_chart())  # keys typed meanwhile wait for the values

    @work(thread=True, exit_on_error=False, description="Reading the chart")
    def read_chart(self) -> None:
        """The chart's values (an audited view), into the fields."""
        app = self.sched_app
        values = chart_form_values(app.store, signed_in(app), self.patient_id, now=app.clock.now())
        self.app.call_from_thread(self._fill, values)

    def _fill(self, values: dict[str, str]) -> None:
        self.shown = values
        for name, _ in FORM_FIELDS:
            self.query_one(f"#{self.FORM}-{name}", Input).value = values.get(name, "")
        self.say([keys_said(self, "{{chart.save}} saves what you changed (only that); "
                                  "{{chart.cancel}} leaves it as it was.")])  # fmt: skip

    def action_save(self) -> None:
        """Check what changed; save it (nothing changed: leave)."""
        if self.shown is None:
            return
        app = self.sched_app
        today = clinic_today(app.clock, app.settings.zone)
        shown = self.shown
        edit = self.read_fields(
            lambda typed: edit_from_form(shown, typed, today=today, region=app.settings.region)
        )
        if edit is None:
            return
        if not edit.given():
            self.notify("Nothing was changed.", markup=False)
            self.dismiss(False)
            return
        keys_wait_for(self, self.save(edit))

    @work(thread=True, exclusive=True, exit_on_error=False, description="Saving the chart")
    def save(self, edit: ChartEdit) -> None:
        """Through core: the checks again, the write, the audit row."""
        app = self.sched_app
        today = clinic_today(app.clock, app.settings.zone)
        edit_patient(app.store, signed_in(app), self.shown_mrn(), edit, now=app.clock.now(),
                     region=app.settings.region, today=today)  # fmt: skip
        self.app.call_from_thread(self.dismiss, True)

    def shown_mrn(self) -> str:
        """The MRN of the chart on the form."""
        assert self.shown is not None
        return self.shown["mrn"]
