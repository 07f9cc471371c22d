"""A booked visit's screening questions, asked or changed (on a visit of the calendar or
the workspace's visits, and at check-in when a required one is unanswered): the answers
are checked where they are typed and kept with the visit (audited); Esc keeps nothing."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from textual import work
from textual.binding import Binding

from schedtui.core.schedule.screening import (
    Question,
    ScreeningSheet,
    answer_screening,
    read_answers,
)
from schedtui.core.support.errors import FieldErrors
from schedtui.desk import signed_in
from schedtui.screens.base import keys_wait_for
from schedtui.screens.fields_modal import FieldsModal


def field_name(question_id: int) -> str:
    """A question's field in a form."""
    return f"q{question_id}"


def question_fields(questions: Iterable[Question]) -> tuple[tuple[str, str], ...]:
    """A form field per question, in the order they are asked."""
    return tuple((field_name(q.id), q.label()) for q in questions)


def answers_from(questions: Sequence[Question], typed: dict[str, str]) -> dict[int, str]:
    """The typed answers, checked (`FieldErrors` keyed by field name)."""
    by_id = {q.id: typed.get(field_name(q.id), "") for q in questions}
    try:
        return read_answers(list(questions), by_id)
    except FieldErrors as wrong:
        raise FieldErrors({f"q{key}": text for key, text in wrong.errors.items()}) from None


class ScreeningForm(FieldsModal[bool]):
    """One field per question, filled with what was answered; Ctrl+S keeps the answers."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="screening.save"),
        Binding("escape", "cancel", "Cancel", id="screening.cancel"),
    ]
    FORM = "screening"

    def __init__(self, sheet: ScreeningSheet, note: str = "") -> None:
        hint = (
            "{{screening.save}} keeps the answers; {{screening.cancel}} leaves them as they were."
        )
        prefill = {field_name(q): answer for q, answer in sheet.answers.items()}
        super().__init__(f"Screening for the visit {sheet.visit}", prefill,
                         f"{note} {hint}".strip())  # fmt: skip
        self.sheet = sheet

    @property
    def fields(self) -> tuple[tuple[str, str], ...]:
        """A field per question, in the order they are asked."""
        return question_fields(self.sheet.questions)

    def action_save(self) -> None:
        """Check every answer; keep them when they fit."""
        answers = self.read_fields(lambda typed: answers_from(self.sheet.questions, typed))
        if answers is not None:
            keys_wait_for(self, self.keep(answers))

    @work(thread=True, exclusive=True, exit_on_error=False, description="Keeping the answers")
    def keep(self, answers: dict[int, str]) -> None:
        """Through core (checked again, audited)."""
        app = self.sched_app
        answer_screening(app.store, signed_in(app), self.sheet.appointment_id, answers,
                         now=app.clock.now())  # fmt: skip
        self.app.call_from_thread(self.dismiss, True)


def unanswered_note(sheet: ScreeningSheet) -> str:
    """Said above the form at check-in: how many required questions are still open."""
    open_ones = len(sheet.unanswered_required())
    return f"Open at check-in: {open_ones} required question(s) not answered." if open_ones else ""
