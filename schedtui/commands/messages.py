"""`schedtui messages run|list`: the outbox from the shell (cron, a systemd service)."""

from __future__ import annotations

import os
import socket
import time
from typing import Annotated

import typer

from schedtui.commands.common import (
    CommandDesk,
    DbOption,
    JsonOption,
    command_desk,
    print_json,
    record_view,
    say,
    settings,
)
from schedtui.core.messages.handling import cancel_message, retry_message
from schedtui.core.messages.listing import outbox_rows
from schedtui.core.messages.runner import PassReport, run_pass
from schedtui.core.security.access import Permission
from schedtui.core.security.guard import require
from schedtui.core.support.errors import BadInput
from schedtui.core.support.formats import clinic_moment_text
from schedtui.core.support.text import printable

app = typer.Typer(help="Patients' messages: the outbox and its runner.", add_completion=False)


@app.command("run")
def run(
    ctx: typer.Context,
    loop: Annotated[bool, typer.Option("--loop", help="Keep running (a daemon).")] = False,
    every: Annotated[
        int, typer.Option("--every", min=5, max=3600, help="Seconds between passes (--loop).")
    ] = 60,
    db: DbOption = None,
) -> None:
    """Make the messages the schedule's changes call for and send what is due (supervisors;
    safe under cron: two runners never both send)."""
    if ctx.obj.sandbox:
        raise BadInput("The sandbox never sends messages (its patients are not real).")
    desk = command_desk(ctx, db)
    require(desk.store, desk.actor, Permission.SEND_MESSAGES, now=desk.clock.now(), what="message")
    holder = f"{socket.gethostname()}:{os.getpid()}"
    while True:
        report = run_pass(desk.store, clock=desk.clock.now, settings=settings(), holder=holder)
        say(_said(report), err=loop)
        if not loop:
            return
        time.sleep(every)


def _said(report: PassReport) -> str:
    if report.busy:
        return "Another runner is sending: nothing done."
    said = (
        f"Made {report.made}, sent {report.sent}, failed {report.failed} (to retry), "
        f"dead {report.dead}, withdrawn {report.withdrawn}."
    )
    if report.unreachable:
        said += f" Not sent this pass (they wait): {report.unreachable}"
    return said


@app.command("list")
def list_(
    ctx: typer.Context,
    patient: Annotated[str | None, typer.Option("--patient", help="Patient MRN.")] = None,
    status: Annotated[
        str | None, typer.Option(help="queued, sending, sent, failed, dead or cancelled.")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000)] = 200,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """The outbox, failures first (a view of patients' contact details: audited)."""
    desk = command_desk(ctx, db)
    now = desk.clock.now()
    require(desk.store, desk.actor, Permission.VIEW_PATIENTS, now=now, what="message")
    with desk.store.read() as session:
        rows = outbox_rows(session, mrn=patient, status=status, limit=limit)
    _record(desk, rows_mrns=[row.mrn for row in rows], as_json=as_json, patient=patient)
    if as_json:
        print_json([row.to_json() for row in rows])
        return
    if not rows:
        say("No messages.")
    zone = settings().zone
    for row in rows:
        when = clinic_moment_text(row.sent_at or row.scheduled_for, zone)
        error = f"  ({row.error})" if row.error else ""
        say(
            printable(
                f"{row.id:>6} {row.status:<9} {row.kind:<12} {row.channel:<5} {row.mrn:<10} "
                f"{when}  {row.to}{error}"
            )
        )


def _record(desk: CommandDesk, *, rows_mrns: list[str], as_json: bool, patient: str | None) -> None:
    record_view(
        desk,
        desk.clock.now(),
        "messages",
        as_json=as_json,
        patients=list(dict.fromkeys(rows_mrns)),
        asked_for=patient,
    )


IdArg = Annotated[int, typer.Argument(help="The message's id (messages list shows it).")]


@app.command("retry")
def retry(ctx: typer.Context, message_id: IdArg, db: DbOption = None) -> None:
    """Send a failed, given-up or withdrawn message again at the next pass (supervisors)."""
    desk = command_desk(ctx, db)
    retry_message(desk.store, desk.actor, message_id, now=desk.clock.now())
    say(f"Message {message_id} is queued again.")


@app.command("cancel")
def cancel(ctx: typer.Context, message_id: IdArg, db: DbOption = None) -> None:
    """Withdraw a message not yet sent (supervisors)."""
    desk = command_desk(ctx, db)
    cancel_message(desk.store, desk.actor, message_id, now=desk.clock.now())
    say(f"Message {message_id} is withdrawn.")
