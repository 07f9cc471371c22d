"""A form that adds something over booked visits only when asked twice (a block, a
closure): Ctrl+S checks the fields and tries; booked visits in the way are listed, and a
second Ctrl+S adds it anyway (their patients go on the waitlist to be called)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Static
from textual.worker import Worker

from schedtui.core.call_list import InTheWay
from schedtui.core.errors import FieldErrors
from schedtui.core.text import printable
from schedtui.screens.base import report_failure, typed_app
from schedtui.widgets.field_form import field_rows, show_errors, typed_values

if TYPE_CHECKING:
    from schedtui.app import SchedApp


def in_the_way_lines(visits: Iterable[InTheWay]) -> list[str]:
    """Each visit in the way: when (in its site's time), MRN, patient."""
    return [f"  {v.local_start:%a %m/%d %H:%M}  {v.mrn}  {v.patient}" for v in visits]


class ConfirmingForm(ModalScreen[int | None]):
    """Subclasses name the form (`FORM`, the id prefix), its `FIELDS`, read the typed
    values into a request and submit it through core."""

    DEFAULT_CSS = """
    ConfirmingForm { align: center middle; }
    ConfirmingForm .form-box { width: 72; max-width: 100%; height: auto; max-height: 90%;
                               border: thick $warning; background: $surface; padding: 0 2; }
    ConfirmingForm .error { color: $error; height: auto; }
    ConfirmingForm .in-the-way { color: $warning; height: auto; }
    ConfirmingForm Input { height: 1; border: none; padding: 0 1; background: $boost; }
    ConfirmingForm Input:focus { background: $primary 40%; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", "Add", id="form.save"),
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
    ]
    FORM: ClassVar[str] = "form"
    FIELDS: ClassVar[tuple[tuple[str, str], ...]] = ()
    #: What the list of visits in the way is headed with.
    IN_THE_WAY: ClassVar[str] = "Booked visits are in the way:"

    def __init__(self, title: str, prefill: dict[str, str]) -> None:
        super().__init__()
        self.title_text, self.prefill = title, prefill
        self.confirmed = False

    def compose(self) -> ComposeResult:
        with VerticalScroll(id=f"{self.FORM}-form", classes="form-box"):
            yield Static(printable(self.title_text), markup=False)
            warning = Static("", id=f"{self.FORM}-in-the-way", classes="in-the-way", markup=False)
            warning.display = False
            yield warning
            yield from field_rows(self.FORM, self.FIELDS, self.prefill)

    def on_mount(self) -> None:
        self.query_one(f"#{self.FORM}-{self.FIELDS[0][0]}", Input).focus()

    @property
    def sched_app(self) -> SchedApp:
        """The app, typed."""
        return typed_app(self)

    def request_from(self, typed: dict[str, str]) -> Any:
        """The request the fields describe (`FieldErrors` names every wrong one)."""
        raise NotImplementedError

    def submit(self, request: Any, confirm: bool) -> tuple[int | None, list[str]]:
        """Through core (in a thread): the new id, or None and the visits in the way."""
        raise NotImplementedError

    def action_save(self) -> None:
        """Check the fields; add it (a second time, over booked visits)."""
        typed = typed_values(self, self.FORM, (name for name, _ in self.FIELDS))
        try:
            request = self.request_from(typed)
        except FieldErrors as wrong:
            show_errors(self, self.FORM, wrong.errors)
            return
        self.add(request, self.confirmed)

    @work(thread=True, exclusive=True, exit_on_error=False, description="Adding")
    def add(self, request: Any, confirm: bool) -> None:
        """Submit off the event loop."""
        added, in_the_way = self.submit(request, confirm)
        self.app.call_from_thread(self._answered, added, in_the_way)

    def _answered(self, added: int | None, in_the_way: list[str]) -> None:
        if added is not None:
            self.dismiss(added)
            return
        self.confirmed = True
        lines = [
            self.IN_THE_WAY,
            *in_the_way,
            "Ctrl+S again adds it anyway; they go on the waitlist to be called. Esc leaves it.",
        ]
        warning = self.query_one(f"#{self.FORM}-in-the-way", Static)
        warning.update("\n".join(map(printable, lines)))
        warning.display = True

    @on(Worker.StateChanged)
    def _failed(self, event: Worker.StateChanged) -> None:
        report_failure(self, event)

    def action_cancel(self) -> None:
        """Add nothing."""
        self.dismiss(None)
