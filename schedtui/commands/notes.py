"""`schedtui notes add`: file a call note from a script or a phone-system hook."""

from __future__ import annotations

from typing import Annotated

import typer

from schedtui.commands.common import (
    DbOption,
    JsonOption,
    command_desk,
    print_json,
    say,
)
from schedtui.core.patients.call_notes import add_note
from schedtui.core.schedule.directory import patient_id_for

app = typer.Typer(help="Call notes.", add_completion=False)


@app.command("add")
def add(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help="What the call was about.")],
    patient: Annotated[str, typer.Option("--patient", help="Patient MRN.")],
    appointment: Annotated[
        int | None, typer.Option("--appointment", help="The appointment it concerns.")
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """File a note, stamped with the time, your user and the patient (audited)."""
    desk = command_desk(ctx, db)
    with desk.store.read() as session:
        patient_id = patient_id_for(session, patient)
    note_id = add_note(
        desk.store,
        desk.actor,
        text,
        now=desk.clock.now(),
        patient_id=patient_id,
        appointment_id=appointment,
    )
    if as_json:
        print_json({"note_id": note_id, "patient": patient})
        return
    say(f"Note {note_id} filed for {patient}.")
