"""What the calendar's supervisor forms share (blocks, closures, templates): a box of
labelled fields with a note line, the fields read and checked where they are wrong, a
worker's refusal shown as a message, and Esc that changes nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Input, Static
from textual.worker import Worker

from schedtui.core.support.errors import FieldErrors
from schedtui.core.support.text import printable
from schedtui.screens.base import keys_said, report_failure, typed_app
from schedtui.widgets.field_form import field_rows, show_errors, typed_values

if TYPE_CHECKING:
    from schedtui.desk import Desk

ResultType = TypeVar("ResultType")


class FieldsModal(ModalScreen[ResultType]):
    """Subclasses name the form (`FORM`, the id prefix) and its `FIELDS`; the note line
    `#FORM-NOTE` sits above the fields or below them."""

    FORM: ClassVar[str] = "form"
    FIELDS: ClassVar[tuple[tuple[str, str], ...]] = ()
    #: The note line's id after the prefix, and whether it sits above the fields.
    NOTE: ClassVar[str] = "note"
    NOTE_ON_TOP: ClassVar[bool] = True

    def __init__(self, title: str, prefill: dict[str, str], note: str = "") -> None:
        super().__init__()
        self.title_text, self.prefill, self.note_text = title, prefill, note

    def compose(self) -> ComposeResult:
        with VerticalScroll(id=f"{self.FORM}-form", classes="form-box"):
            yield Static(printable(self.title_text), markup=False)
            note = Static(
                keys_said(self, self.note_text),
                id=f"{self.FORM}-{self.NOTE}",
                classes="form-note",
                markup=False,
            )
            note.display = bool(self.note_text)
            yield from self._around(note)

    def _around(self, note: Static) -> Iterator[Widget]:
        fields = field_rows(self.FORM, self.fields, self.prefill)
        if self.NOTE_ON_TOP:
            yield note
        yield from fields
        if not self.NOTE_ON_TOP:
            yield note

    def on_mount(self) -> None:
        self.query_one(f"#{self.FORM}-{self.first_field()}", Input).focus()

    def first_field(self) -> str:
        """The field the form opens on: the first, unless a form knows better."""
        return self.fields[0][0]

    @property
    def fields(self) -> tuple[tuple[str, str], ...]:
        """The form's fields, (name, label) each: `FIELDS`, unless a form asks its own."""
        return self.FIELDS

    @property
    def sched_app(self) -> Desk:
        """The desk, typed."""
        return typed_app(self)

    def read_fields(self, read: Callable[[dict[str, str]], Any]) -> Any | None:
        """What `read` makes of the typed fields; None (and each wrong field's message
        under it) when `read` raises `FieldErrors`."""
        typed = typed_values(self, self.FORM, (name for name, _ in self.fields))
        try:
            return read(typed)
        except FieldErrors as wrong:
            show_errors(self, self.FORM, wrong.errors)
            return None

    def say(self, lines: list[str]) -> None:
        """Show `lines` in the note line."""
        note = self.query_one(f"#{self.FORM}-{self.NOTE}", Static)
        note.update("\n".join(map(printable, lines)))
        note.display = True

    @on(Worker.StateChanged)
    def _failed(self, event: Worker.StateChanged) -> None:
        report_failure(self, event)

    def action_cancel(self) -> None:
        """Change nothing."""
        self.dismiss(None)
