"""Screening questions: per visit type, a short list asked when such a visit is booked (a
pre-op checklist, a medication check): yes or no, a line of text, or one of a few
choices; required or not. The answers are kept with the visit; a required question left
unanswered is an open item when the patient checks in. Supervisors set the questions up
(audited, on the change feed); a question answered for visits is never deleted, only
taken out of use."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, col, select

from schedtui.core.schedule.clinic_setup import changed, record_setup
from schedtui.core.security import audit
from schedtui.core.security.access import Actor, Permission
from schedtui.core.security.guard import guarded_write, require
from schedtui.core.support.errors import BadInput, FieldErrors
from schedtui.core.support.formats import visit_time
from schedtui.core.support.rows import JsonRow
from schedtui.core.support.text import text_problem
from schedtui.data import models as m
from schedtui.data.models.screening import QUESTION_KINDS
from schedtui.data.store import Store

PROMPT_LIMIT = 200
ANSWER_LIMIT = 400
#: How many questions a visit type may ask (a checklist, not a form).
MOST_QUESTIONS = 12
#: How yes and no may be typed.
YES_NO = {"y": "yes", "yes": "yes", "n": "no", "no": "no"}


@dataclass(frozen=True)
class Question(JsonRow):
    """A screening question as it is asked."""

    id: int
    type_code: str
    position: int
    prompt: str
    kind: str
    choices: tuple[str, ...]
    required: bool
    active: bool

    def label(self) -> str:
        """The question with how to answer it: 'Taking blood thinners? (yes or no,
        required)'."""
        how = {"yes-no": "yes or no", "text": "a few words"}.get(
            self.kind, "one of " + ", ".join(self.choices)
        )
        return f"{self.prompt} ({how}{', required' if self.required else ''})"

    def read(self, typed: str) -> str:
        """The answer as kept ("" when none was given); `BadInput` when it does not fit."""
        said = typed.strip()
        if not said:
            return ""
        if problem := text_problem(said, ANSWER_LIMIT):
            raise BadInput(problem)
        if self.kind == "yes-no":
            if said.lower() not in YES_NO:
                raise BadInput("answer yes or no")
            return YES_NO[said.lower()]
        if self.kind == "choice":
            return _one_of(said, self.choices)
        return said


def _one_of(said: str, choices: tuple[str, ...]) -> str:
    exact = [c for c in choices if c.lower() == said.lower()]
    meant = exact or [c for c in choices if c.lower().startswith(said.lower())]
    if len(meant) != 1:
        raise BadInput(f"answer one of {', '.join(choices)}")
    return meant[0]


def _question(row: m.ScreeningQuestion, type_code: str) -> Question:
    assert row.id is not None
    choices = tuple(c for c in row.choices.split("|") if c)
    return Question(row.id, type_code, row.position, row.prompt, row.kind, choices,
                    row.required, row.active)  # fmt: skip


def questions_for(session: Session, type_code: str, *, in_use: bool = True) -> list[Question]:
    """The visit type's questions in the order they are asked (those in use, or all)."""
    query = (
        select(m.ScreeningQuestion)
        .join(m.AppointmentType,
              col(m.AppointmentType.id) == col(m.ScreeningQuestion.appointment_type_id))
        .where(col(m.AppointmentType.code) == type_code.strip().upper())
        .order_by(col(m.ScreeningQuestion.position), col(m.ScreeningQuestion.id))
    )  # fmt: skip
    if in_use:
        query = query.where(col(m.ScreeningQuestion.active))
    return [_question(row, type_code.strip().upper()) for row in session.exec(query)]


def read_answers(questions: list[Question], typed: Mapping[int, str]) -> dict[int, str]:
    """The answers typed, checked: {question id: answer} of those given; `FieldErrors`
    (keyed by question id) names each that does not fit, or a question not asked."""
    asked = {q.id: q for q in questions}
    answers, errors = {}, {}
    for question_id, text in typed.items():
        question = asked.get(question_id)
        if question is None:
            errors[str(question_id)] = f"question {question_id} is not asked for this visit"
            continue
        try:
            if answer := question.read(text):
                answers[question_id] = answer
        except BadInput as wrong:
            errors[str(question_id)] = str(wrong)
    if errors:
        raise FieldErrors(errors)
    return answers


def keep_answers(
    session: Session, actor: Actor, appointment_id: int, answers: Mapping[int, str], now: datetime
) -> None:
    """Keep the visit's answers (each replacing an earlier one), audited by question (the
    answers themselves stay with the visit)."""
    if not answers:
        return
    kept = {
        row.question_id: row
        for row in session.exec(
            select(m.ScreeningAnswer).where(col(m.ScreeningAnswer.appointment_id) == appointment_id)
        )
    }
    for question_id, answer in answers.items():
        row = kept.get(question_id) or m.ScreeningAnswer(
            appointment_id=appointment_id, question_id=question_id, answer=answer, answered_at=now
        )
        row.answer, row.answered_at, row.answered_by_id = answer, now, actor.user_id
        session.add(row)
    visit = session.get(m.Appointment, appointment_id)
    audit.record(
        session, actor=actor, action="update", now=now, entity="appointment",
        entity_id=appointment_id, patient_id=visit.patient_id if visit else None,
        detail={"screening_answered": sorted(answers)},
    )  # fmt: skip


def answer_screening(
    store: Store, actor: Actor, appointment_id: int, typed: Mapping[int, str], *, now: datetime
) -> dict[int, str]:
    """Answer a booked visit's questions (later, from the panel or the command line)."""

    def work(session: Session) -> dict[int, str]:
        visit = session.get(m.Appointment, appointment_id)
        kind = session.get(m.AppointmentType, visit.appointment_type_id) if visit else None
        if visit is None or kind is None:
            raise BadInput(f"There is no appointment {appointment_id}.")
        answers = read_answers(questions_for(session, kind.code), typed)
        keep_answers(session, actor, appointment_id, answers, now)
        return answers

    return guarded_write(store, actor, Permission.BOOK, work, now=now, what="appointment")


def carry_answers(session: Session, old_id: int, new_id: int) -> None:
    """A visit moved to a new time keeps what was answered for it."""
    for row in session.exec(
        select(m.ScreeningAnswer).where(col(m.ScreeningAnswer.appointment_id) == old_id)
    ):
        session.add(m.ScreeningAnswer(
            appointment_id=new_id, question_id=row.question_id, answer=row.answer,
            answered_at=row.answered_at, answered_by_id=row.answered_by_id,
        ))  # fmt: skip


@dataclass(frozen=True)
class Answered(JsonRow):
    """A visit's question and its answer ("" when not answered yet)."""

    question_id: int
    prompt: str
    answer: str
    required: bool


def visit_screening(session: Session, appointment_id: int) -> list[Answered]:
    """The visit's questions (those in use, and any answered since taken out of use) with
    their answers, in the order they are asked."""
    visit = session.get(m.Appointment, appointment_id)
    kind = session.get(m.AppointmentType, visit.appointment_type_id) if visit else None
    if visit is None or kind is None:
        return []
    answers = {
        row.question_id: row.answer
        for row in session.exec(
            select(m.ScreeningAnswer).where(col(m.ScreeningAnswer.appointment_id) == appointment_id)
        )
    }
    return [
        Answered(q.id, q.prompt, answers.get(q.id, ""), q.required)
        for q in questions_for(session, kind.code, in_use=False)
        if q.active or q.id in answers
    ]


def unanswered_required(session: Session, appointment_id: int) -> list[str]:
    """The prompts of the visit's required questions not answered yet."""
    return [
        a.prompt for a in visit_screening(session, appointment_id) if a.required and not a.answer
    ]


@dataclass(frozen=True)
class QuestionFields:
    """What is said of a question; None: not given (kept as it is on an edit)."""

    prompt: str | None = None
    kind: str | None = None
    choices: str | None = None
    required: bool | None = None
    position: int | None = None


def _checked(fields: QuestionFields, *, kind_now: str) -> dict[str, object]:
    given: dict[str, object] = {}
    if fields.prompt is not None:
        prompt = fields.prompt.strip()
        if not prompt or (problem := text_problem(prompt, PROMPT_LIMIT)):
            raise BadInput(f"The question: {'is empty' if not prompt else problem}.")
        given["prompt"] = prompt
    kind = kind_now if fields.kind is None else fields.kind.strip().lower()
    if kind not in QUESTION_KINDS:
        raise BadInput(f"The kind '{fields.kind}' is not one of {', '.join(QUESTION_KINDS)}.")
    given["kind"] = kind
    if fields.choices is not None:
        given["choices"] = _choices(fields.choices)
    if fields.required is not None:
        given["required"] = fields.required
    if fields.position is not None:
        if not 1 <= fields.position <= MOST_QUESTIONS:
            raise BadInput(
                f"The position must be 1 to {MOST_QUESTIONS}; {fields.position} was given."
            )
        given["position"] = fields.position
    return given


def _choices(text: str) -> str:
    choices = [c.strip() for c in text.split("|") if c.strip()]
    for choice in choices:
        if problem := text_problem(choice, 60):
            raise BadInput(f"The choice '{choice[:60]}': {problem}.")
    if len({c.lower() for c in choices}) != len(choices):
        raise BadInput("The choices name one choice twice.")
    joined = "|".join(choices)
    if len(joined) > 400:
        raise BadInput("The choices are longer than 400 characters in all.")
    return joined


def _choices_fit(values: dict[str, object], row: m.ScreeningQuestion | None) -> None:
    kind = values.get("kind", row.kind if row else "")
    choices = str(values.get("choices", row.choices if row else ""))
    if kind == "choice" and len([c for c in choices.split("|") if c]) < 2:
        raise BadInput("A choice question needs at least two choices (--choices 'a|b').")
    if kind != "choice" and choices:
        raise BadInput(f"Only a choice question has choices; this one is {kind}.")


def add_question(
    store: Store, actor: Actor, type_code: str, fields: QuestionFields, *, now: datetime
) -> int:
    """Add a question to a visit type (at the end, or at `position`); its id."""
    values = _checked(fields, kind_now="yes-no")
    if "prompt" not in values:
        raise BadInput("Say the question (--prompt).")
    _choices_fit(values, None)

    def work(session: Session) -> int:
        kind = _visit_type(session, type_code)
        assert kind.id is not None
        asked = session.exec(
            select(func.count())
            .select_from(m.ScreeningQuestion)
            .where(col(m.ScreeningQuestion.appointment_type_id) == kind.id)
            .where(col(m.ScreeningQuestion.active))
        ).one()
        if asked >= MOST_QUESTIONS:
            raise BadInput(f"{kind.code} asks {MOST_QUESTIONS} questions already; take one "
                           "out of use first.")  # fmt: skip
        row = m.ScreeningQuestion(appointment_type_id=kind.id, position=asked + 1, prompt="",
                                  kind="yes-no")  # fmt: skip
        after = changed(row, values)[1]
        session.add(row)
        session.flush()
        assert row.id is not None
        _renumber(session, kind.id, row, fields.position)
        record_setup(session, actor, now, "screening_question", row.id, ({}, after), created=True)
        return row.id

    return guarded_write(store, actor, Permission.MANAGE_CLINIC, work, now=now, what="setup")


def edit_question(
    store: Store, actor: Actor, question_id: int, fields: QuestionFields, *, now: datetime
) -> bool:
    """Change what is given of a question; whether anything changed."""

    def work(session: Session) -> bool:
        row = _row(session, question_id)
        values = _checked(fields, kind_now=row.kind)
        _choices_fit(values, row)
        change = changed(row, values)
        if change[1]:
            session.add(row)
            _renumber(session, row.appointment_type_id, row, fields.position)
            record_setup(session, actor, now, "screening_question", question_id, change)
        return bool(change[1])

    return guarded_write(store, actor, Permission.MANAGE_CLINIC, work, now=now, what="setup")


def _renumber(
    session: Session, type_id: int, moved: m.ScreeningQuestion, position: int | None
) -> None:
    """Number the type's questions in use 1, 2, 3... in the order they are asked, with
    `moved` at `position` (when given) and the others after it shifted."""
    rows = [
        row
        for row in session.exec(
            select(m.ScreeningQuestion)
            .where(col(m.ScreeningQuestion.appointment_type_id) == type_id)
            .where(col(m.ScreeningQuestion.active))
            .order_by(col(m.ScreeningQuestion.position), col(m.ScreeningQuestion.id))
        )
        if row.id != moved.id
    ]
    if moved.active:
        at = len(rows) if position is None else min(position, len(rows) + 1) - 1
        rows.insert(at, moved)
    for number, row in enumerate(rows, start=1):
        if row.position != number:
            row.position = number
            session.add(row)


def set_question_in_use(
    store: Store, actor: Actor, question_id: int, active: bool, *, now: datetime
) -> bool:
    """Take a question out of use (kept with the answers given) or back; whether it moved."""

    def work(session: Session) -> bool:
        row = _row(session, question_id)
        change = changed(row, {"active": active})
        if change[1]:
            session.add(row)
            _renumber(session, row.appointment_type_id, row, None)
            record_setup(session, actor, now, "screening_question", question_id, change)
        return bool(change[1])

    return guarded_write(store, actor, Permission.MANAGE_CLINIC, work, now=now, what="setup")


def _visit_type(session: Session, code: str) -> m.AppointmentType:
    kind = session.exec(
        select(m.AppointmentType).where(col(m.AppointmentType.code) == code.strip().upper())
    ).first()
    if kind is None:
        raise BadInput(f"There is no visit type '{code}'.")
    return kind


def _row(session: Session, question_id: int) -> m.ScreeningQuestion:
    row = session.get(m.ScreeningQuestion, question_id)
    if row is None:
        raise BadInput(f"There is no screening question {question_id}.")
    return row


@dataclass(frozen=True)
class ScreeningSheet:
    """A booked visit's questions as the form asks them, with what was answered."""

    appointment_id: int
    visit: str
    questions: tuple[Question, ...]
    answers: dict[int, str]

    def unanswered_required(self) -> list[str]:
        """The prompts of required questions with no answer yet."""
        return [q.prompt for q in self.questions if q.required and not self.answers.get(q.id)]


def screening_sheet(
    store: Store, actor: Actor, appointment_id: int, *, now: datetime
) -> ScreeningSheet:
    """The visit's questions and answers, to ask or to change (an audited view)."""
    require(store, actor, Permission.VIEW_PATIENTS, now=now, what="appointment")
    with store.write() as session:
        visit = session.get(m.Appointment, appointment_id)
        kind = session.get(m.AppointmentType, visit.appointment_type_id) if visit else None
        site = session.get(m.Site, visit.site_id) if visit else None
        if visit is None or kind is None or site is None:
            raise BadInput(f"There is no appointment {appointment_id}.")
        answers = {a.question_id: a.answer for a in visit_screening(session, appointment_id)
                   if a.answer}  # fmt: skip
        audit.record(
            session, actor=actor, action="view", now=now, entity="appointment",
            entity_id=appointment_id, patient_id=visit.patient_id, detail={"screening": True},
        )  # fmt: skip
        local = visit.start.astimezone(ZoneInfo(site.timezone))
        return ScreeningSheet(
            appointment_id, f"{visit_time(local)} {kind.code}",
            tuple(questions_for(session, kind.code)), answers,
        )  # fmt: skip


def patient_of(session: Session, appointment_id: int) -> int | None:
    """The visit's patient (None when there is no such visit)."""
    visit = session.get(m.Appointment, appointment_id)
    return visit.patient_id if visit is not None else None


def open_at_check_in(
    store: Store, actor: Actor, appointment_id: int, *, now: datetime
) -> ScreeningSheet | None:
    """The visit's questions to ask at check-in when a required one is unanswered (an
    audited view then); None, and nothing read of the patient, when none is."""
    with store.read() as session:
        still_open = unanswered_required(session, appointment_id)
    return screening_sheet(store, actor, appointment_id, now=now) if still_open else None
