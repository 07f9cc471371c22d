"""Screening questions asked before a visit of a type (a pre-op checklist, a medication
check) and the answers kept with each visit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint

from schedtui.data.models.base import Field, SQLModel, one_of
from schedtui.data.types import UTCDateTime

#: yes-no (yes or no), text (a line), choice (one of `choices`).
QUESTION_KINDS = ("yes-no", "text", "choice")


class ScreeningQuestion(SQLModel, table=True):
    """A question asked when a visit of the type is booked, in `position` order; a
    required one left unanswered is an open item at check-in. Never deleted: a question
    answered for visits is taken out of use (`active`)."""

    __tablename__ = "screening_question"
    __table_args__ = (
        one_of("kind", QUESTION_KINDS),
        Index("ix_screening_question_type_position", "appointment_type_id", "position"),
    )
    id: int | None = Field(default=None, primary_key=True)
    appointment_type_id: int = Field(foreign_key="appointment_type.id")
    position: int
    prompt: str = Field(max_length=200)
    kind: str = Field(max_length=8)
    #: The choices of a "choice" question, separated by '|'.
    choices: str = Field(default="", max_length=400)
    required: bool = False
    active: bool = True


class ScreeningAnswer(SQLModel, table=True):
    """A visit's answer to a screening question (the latest given)."""

    __tablename__ = "screening_answer"
    __table_args__ = (
        UniqueConstraint("appointment_id", "question_id", name="uq_screening_answer_visit"),
    )
    id: int | None = Field(default=None, primary_key=True)
    appointment_id: int = Field(foreign_key="appointment.id", index=True)
    question_id: int = Field(foreign_key="screening_question.id")
    answer: str = Field(max_length=400)
    answered_at: datetime = Field(sa_type=UTCDateTime)
    answered_by_id: int | None = Field(default=None, foreign_key="app_user.id")
