"""Editing a provider's template from the calendar (e, supervisors): days, every other
week, hours, site, visit types, overbookings and dates; Ctrl+R previews the coming weeks
(open hours, the first days, visits it would leave outside); Ctrl+S saves. A change that
strands booked visits lists them, and a second Ctrl+S saves it and puts those patients on
the waitlist to be called."""

from __future__ import annotations

from datetime import date

from textual import work
from textual.binding import Binding

from schedtui.core.schedule.blocks import TemplateRow
from schedtui.core.schedule.template_form import TEMPLATE_FIELDS, change_from_form, form_values
from schedtui.core.schedule.templates import (
    PREVIEW_WEEKS,
    Preview,
    TemplateChange,
    add_template,
    change_template,
)
from schedtui.desk import signed_in
from schedtui.screens.base import keys_said
from schedtui.screens.fields_modal import FieldsModal


def preview_lines(preview: Preview) -> list[str]:
    """What a change does, as the form shows it."""
    lines = [
        f"Next {PREVIEW_WEEKS} weeks: {preview.hours_before:.1f} open hours now, "
        f"{preview.hours_after:.1f} after the change.",
        "First days after: " + ("; ".join(preview.days_after) or "none"),
    ]
    if preview.stranded:
        lines.append("Booked visits it would leave outside the template (patients to call):")
        lines += [
            f"  {when}  {mrn}  (appointment {visit})" for visit, mrn, when in preview.stranded
        ]
    return lines


class TemplateForm(FieldsModal[bool | None]):
    """The template's fields and what the change would do."""

    BINDINGS = [
        Binding("ctrl+r", "preview", "Preview", id="template.preview"),
        Binding("ctrl+s", "save", "Save", id="template.save"),
        Binding("escape", "cancel", "Cancel", id="template.cancel"),
    ]
    FORM = "template"
    FIELDS = TEMPLATE_FIELDS
    NOTE = "preview"
    NOTE_ON_TOP = False

    def __init__(self, row: TemplateRow, today: date) -> None:
        which = f"Template {row.id}" if row.id else "A new template"
        super().__init__(
            f"{which} of {row.provider}",
            form_values(row),
            "{{template.preview}} previews the coming weeks; {{template.save}} saves.",
        )
        self.row, self.today = row, today
        #: The change the scheduler was told strands visits: saving it again confirms.
        self.armed: TemplateChange | None = None

    def _change(self) -> TemplateChange | None:
        change: TemplateChange | None = self.read_fields(
            lambda typed: change_from_form(typed, self.today)
        )
        return change

    def action_preview(self) -> None:
        """What the change would do, saving nothing."""
        if (change := self._change()) is not None:
            self.run_change(change, save=False, confirm=False)

    def action_save(self) -> None:
        """Save it (a second time, over the visits it strands)."""
        if (change := self._change()) is not None:
            self.run_change(change, save=True, confirm=change == self.armed)

    @work(thread=True, exclusive=True, exit_on_error=False, description="Checking the change")
    def run_change(self, change: TemplateChange, save: bool, confirm: bool) -> None:
        """Through core: permission, checks, preview; saved with audit and event."""
        app = self.sched_app
        actor = signed_in(app)
        now, today = app.clock.now(), self.today
        if self.row.id is None:
            preview = add_template(
                app.store, actor, self.row.provider_id, change,
                now=now, today=today, save=save,
            )  # fmt: skip
        else:
            preview = change_template(
                app.store, actor, self.row.id, change,
                now=now, today=today, save=save, confirm=confirm,
            )  # fmt: skip
        self.app.call_from_thread(self._answered, change, preview, save)

    def _answered(self, change: TemplateChange, preview: Preview, save: bool) -> None:
        if preview.saved:
            self.dismiss(True)
            return
        lines = preview_lines(preview)
        if save and preview.stranded:
            self.armed = change
            lines.append(
                keys_said(
                    self,
                    "{{template.save}} again saves it anyway and puts them on the waitlist; "
                    "{{template.cancel}} leaves it.",
                )
            )
        self.say(lines)
        self.query_one("#template-preview").set_class(bool(preview.stranded), "stranding")
