"""`types questions|question-add|question-edit|question-off|question-on` (supervisors set
a visit type's screening questions up) and `appointments screening ID [--answer ...]`
(a visit's answers, read or given): core.schedule.screening does the work."""

from __future__ import annotations

from typing import Annotated

import typer

from schedtui.commands.common import (
    DbOption,
    JsonOption,
    command_desk,
    print_json,
    record_view,
    say,
)
from schedtui.core.schedule import screening
from schedtui.core.support.errors import BadInput

QuestionId = Annotated[int, typer.Argument(help="Question id (see 'types questions CODE').")]
Prompt = Annotated[str | None, typer.Option(help="The question, as it is asked.")]
Kind = Annotated[str | None, typer.Option(help="yes-no, text or choice.")]
Choices = Annotated[str | None, typer.Option(help="A choice question's choices: 'a|b|c'.")]
Position = Annotated[int | None, typer.Option(help="Its place in the order asked (1 first).")]


def add_question_commands(app: typer.Typer) -> None:
    """The screening question commands, under `types`."""

    @app.command("questions")
    def questions(
        ctx: typer.Context,
        code: Annotated[str, typer.Argument(help="Visit type code.")],
        every: Annotated[bool, typer.Option("--all", help="Those out of use too.")] = False,
        db: DbOption = None,
        as_json: JsonOption = False,
    ) -> None:
        """A visit type's screening questions, in the order they are asked."""
        desk = command_desk(ctx, db)
        with desk.store.read() as session:
            rows = screening.questions_for(session, code, in_use=not every)
        if as_json:
            print_json([row.to_json() for row in rows])
            return
        for row in rows:
            off = "" if row.active else "  (out of use)"
            say(f"{row.id:>4}  {row.position:>2}. {row.label()}{off}")
        if not rows:
            say(f"{code.upper()} asks no screening questions.")

    @app.command("question-add")
    def question_add(
        ctx: typer.Context,
        code: Annotated[str, typer.Argument(help="Visit type code.")],
        prompt: Prompt = None,
        kind: Annotated[str, typer.Option(help="yes-no, text or choice.")] = "yes-no",
        choices: Choices = None,
        required: Annotated[bool, typer.Option(help="Open at check-in until answered.")] = False,
        position: Position = None,
        db: DbOption = None,
        as_json: JsonOption = False,
    ) -> None:
        """Ask a question when a visit of this type is booked (supervisors)."""
        fields = screening.QuestionFields(prompt, kind, choices, required, position)
        desk = command_desk(ctx, db)
        new_id = screening.add_question(desk.store, desk.actor, code, fields, now=desk.clock.now())
        if as_json:
            print_json({"id": new_id})
        else:
            say(f"Question {new_id} added to {code.upper()}.")

    @app.command("question-edit")
    def question_edit(
        ctx: typer.Context,
        question: QuestionId,
        prompt: Prompt = None,
        kind: Kind = None,
        choices: Choices = None,
        required: Annotated[bool | None, typer.Option("--required/--optional")] = None,
        position: Position = None,
        db: DbOption = None,
        as_json: JsonOption = False,
    ) -> None:
        """Change what is given of a question; answers given stay (supervisors)."""
        fields = screening.QuestionFields(prompt, kind, choices, required, position)
        desk = command_desk(ctx, db)
        done = screening.edit_question(desk.store, desk.actor, question, fields,
                                       now=desk.clock.now())  # fmt: skip
        _switched(done, f"Question {question}", "changed", as_json)

    for active in (False, True):
        _question_switch(app, active)


def _question_switch(app: typer.Typer, active: bool) -> None:
    words = "Ask it again (supervisors)." if active else (
        "Stop asking a question; the answers given stay with their visits (supervisors)."
    )  # fmt: skip

    @app.command("question-on" if active else "question-off", help=words)
    def switch(
        ctx: typer.Context, question: QuestionId, db: DbOption = None, as_json: JsonOption = False
    ) -> None:
        desk = command_desk(ctx, db)
        done = screening.set_question_in_use(desk.store, desk.actor, question, active,
                                             now=desk.clock.now())  # fmt: skip
        _switched(done, f"Question {question}", "asked" if active else "out of use", as_json)


def _switched(done: bool, what: str, state: str, as_json: bool) -> None:
    if as_json:
        print_json({"changed": done})
    else:
        say(f"{what} is {state}." if done else f"{what}: nothing to change.")


def add_screening_command(app: typer.Typer) -> None:
    """`appointments screening ID`."""

    @app.command("screening")
    def visit_screening(
        ctx: typer.Context,
        appointment_id: Annotated[int, typer.Argument(help="Appointment id.")],
        answer: Annotated[
            list[str] | None,
            typer.Option(help="QUESTION_ID=ANSWER (again for each), e.g. --answer 3=yes."),
        ] = None,
        db: DbOption = None,
        as_json: JsonOption = False,
    ) -> None:
        """A visit's screening questions and answers (audited), or give answers with
        --answer; a required one left unanswered is open at check-in."""
        typed = dict(answer_pair(text) for text in answer or [])
        desk = command_desk(ctx, db)
        now = desk.clock.now()
        if typed:
            kept = screening.answer_screening(desk.store, desk.actor, appointment_id, typed,
                                              now=now)  # fmt: skip
            say(f"Kept {len(kept)} answer(s) for appointment {appointment_id}.")
        with desk.store.read() as session:
            rows = screening.visit_screening(session, appointment_id)
            patient = screening.patient_of(session, appointment_id)
        record_view(desk, now, "appointment", as_json=as_json, patient_id=patient,
                    appointment_id=appointment_id, screening=True)  # fmt: skip
        if as_json:
            print_json([row.to_json() for row in rows])
            return
        for row in rows:
            said = row.answer or ("NOT ANSWERED (required)" if row.required else "-")
            say(f"{row.question_id:>4}  {row.prompt}: {said}")
        if not rows:
            say(f"Appointment {appointment_id}'s visit type asks no screening questions.")


def answer_pair(text: str) -> tuple[int, str]:
    """QUESTION_ID=ANSWER as typed after --answer."""
    number, sep, value = text.partition("=")
    if not sep or not number.strip().isdigit():
        raise BadInput(f"--answer '{text}': give QUESTION_ID=ANSWER, e.g. --answer 3=yes.")
    return int(number), value
