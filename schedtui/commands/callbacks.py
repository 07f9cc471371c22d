"""`schedtui callbacks add|list|done` and `schedtui queue`: call-backs, and the one work
queue of what is due."""

from __future__ import annotations

from typing import Annotated

import typer

from schedtui.commands.common import (
    DbOption,
    JsonOption,
    command_desk,
    parse_moment,
    print_json,
    record_view,
    say,
    settings,
)
from schedtui.core.patients.call_backs import ask_call_back, call_back_done, open_call_backs
from schedtui.core.security.access import Permission
from schedtui.core.security.guard import require
from schedtui.core.support.formats import clinic_moment_text
from schedtui.core.support.text import printable
from schedtui.core.views.work_queue import work_queue

app = typer.Typer(
    help="Call-backs: call this patient back at or after a time.", add_completion=False
)


@app.command("add")
def add(
    ctx: typer.Context,
    patient: Annotated[str, typer.Option("--patient", help="Patient MRN.")],
    about: Annotated[str, typer.Option(help="What to call back about.")],
    at: Annotated[
        str | None, typer.Option(help="Call at or after this time (default: now).")
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Put a call-back on the list; print its id."""
    desk = command_desk(ctx, db)
    now = desk.clock.now()
    due = parse_moment(at, "--at", settings().timezone) if at else now
    made = ask_call_back(desk.store, desk.actor, patient, due, about, now=now)
    if as_json:
        print_json({"id": made, "patient_mrn": patient, "due_at": due})
        return
    say(f"Call-back {made}: {clinic_moment_text(due, settings().zone)}.")


@app.command("list")
def list_(
    ctx: typer.Context,
    due: Annotated[bool, typer.Option("--due", help="Only those due now.")] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Call-backs nobody has done, the longest due first (an audited view)."""
    desk = command_desk(ctx, db)
    now = desk.clock.now()
    require(desk.store, desk.actor, Permission.VIEW_PATIENTS, now=now, what="call-back")
    with desk.store.read() as session:
        rows = open_call_backs(session, due_by=now if due else None)
    record_view(desk, now, "call-back", as_json=as_json,
                patients=list(dict.fromkeys(r.patient_mrn for r in rows)))  # fmt: skip
    if as_json:
        print_json([row.to_json() for row in rows])
        return
    if not rows:
        say("No call-backs waiting.")
    zone = settings().zone
    for row in rows:
        when = clinic_moment_text(row.due_at, zone)
        say(printable(f"{row.id:>6} {when}  {row.patient_mrn:<10} {row.patient_name[:24]:<24} "
                      f"{row.about[:60]}"))  # fmt: skip


@app.command("done")
def done(
    ctx: typer.Context,
    call_back_id: Annotated[int, typer.Argument(help="The call-back's id.")],
    outcome: Annotated[str, typer.Option(help="What came of the call.")] = "",
    db: DbOption = None,
) -> None:
    """The patient was called: take the call-back off the list."""
    desk = command_desk(ctx, db)
    call_back_done(desk.store, desk.actor, call_back_id, outcome, now=desk.clock.now())
    say(f"Call-back {call_back_id} done.")


def register(cli: typer.Typer) -> None:
    """Add `callbacks` and `queue` to the CLI."""
    cli.add_typer(app, name="callbacks")
    cli.command("queue")(queue)


def queue(ctx: typer.Context, db: DbOption = None, as_json: JsonOption = False) -> None:
    """What is due now, most pressing first: call-backs, referrals to book, authorization
    follow-ups (an audited view)."""
    desk = command_desk(ctx, db)
    zone = settings().zone
    items = work_queue(desk.store, desk.actor, now=desk.clock.now(), zone=zone)
    if as_json:
        print_json([item.to_json() for item in items])
        return
    if not items:
        say("Nothing is due.")
    for item in items:
        when = clinic_moment_text(item.due, zone)
        say(printable(f"{item.kind:<13} {item.item_id:>6} {when}  {item.patient_mrn:<10} "
                      f"{item.urgency:<8} {item.what[:60]}"))  # fmt: skip
