"""`schedtui messages run|list|serve|replies|calls`: the outbox and patients' texts back from
the shell (cron, a systemd service)."""

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
from schedtui.commands.wording import app as wording_app
from schedtui.core.messages.handling import cancel_message, retry_message
from schedtui.core.messages.inbox import call_back_done, reply_rows
from schedtui.core.messages.listing import outbox_rows
from schedtui.core.messages.runner import PassReport, run_pass
from schedtui.core.security.access import Permission
from schedtui.core.security.guard import require
from schedtui.core.support.errors import BadInput
from schedtui.core.support.formats import clinic_moment_text
from schedtui.core.support.text import printable

#: How many rows a listing shows at most.
LimitOption = Annotated[int, typer.Option(min=1, max=10_000, help="Show at most this many.")]

app = typer.Typer(help="Patients' messages: the outbox and its runner.", add_completion=False)
app.add_typer(wording_app, name="wording")


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
    limit: LimitOption = 200,
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
        delivery = f"  {row.delivery}" if row.delivery else ""
        say(
            printable(
                f"{row.id:>6} {row.status:<9} {row.kind:<12} {row.channel:<5} {row.mrn:<10} "
                f"{when}  {row.to}{delivery}{error}"
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


@app.command("serve")
def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="The address to listen on.")] = "127.0.0.1",
    port: Annotated[
        int, typer.Option(min=0, max=65535, help="The port to listen on (0: any free one).")
    ] = 8080,
    db: DbOption = None,
) -> None:
    """Take patients' texts back and Twilio's delivery reports (supervisors): Twilio calls
    <twilio_webhook_url>/sms and /sms/status; unsigned calls are refused and audited."""
    from schedtui.core.messages.texting import INBOUND_PATH, STATUS_PATH, twilio_account
    from schedtui.core.messages.webhook import Hook
    from schedtui.core.messages.webhook import serve as serve_hook

    if ctx.obj.sandbox:
        raise BadInput("The sandbox never takes patients' texts (its patients are not real).")
    current = settings()
    _, token = twilio_account(current)
    desk = command_desk(ctx, db)
    require(desk.store, desk.actor, Permission.SEND_MESSAGES, now=desk.clock.now(), what="message")
    public = current.twilio_webhook_url or f"http://{host}:{port}"
    hook = Hook(desk.store, current, desk.clock.now, token, public)
    server = serve_hook(hook, host, port)
    say(
        f"Listening on {host}:{server.server_address[1]}: Twilio should post patients' texts "
        f"to {public.rstrip('/')}{INBOUND_PATH} and delivery reports to "
        f"{public.rstrip('/')}{STATUS_PATH}. Ctrl+C stops.",
        err=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        say("Stopped.", err=True)
    finally:
        server.server_close()


@app.command("replies")
def replies(
    ctx: typer.Context,
    waiting: Annotated[
        bool, typer.Option("--call-backs", help="Only patients waiting for a call back.")
    ] = False,
    limit: LimitOption = 200,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Patients' texts back, newest first (a view of patients' words: audited)."""
    desk = command_desk(ctx, db)
    now = desk.clock.now()
    require(desk.store, desk.actor, Permission.VIEW_PATIENTS, now=now, what="message")
    with desk.store.read() as session:
        rows = reply_rows(session, waiting=waiting, limit=limit)
    record_view(
        desk, now, "inbound-message", as_json=as_json,
        patients=list(dict.fromkeys(row.mrn for row in rows if row.mrn)),
    )  # fmt: skip
    if as_json:
        print_json([row.to_json() for row in rows])
        return
    if not rows:
        say("No patients waiting for a call back." if waiting else "No texts from patients.")
    zone = settings().zone
    for row in rows:
        when = clinic_moment_text(row.received_at, zone)
        done = "  called back" if row.handled_at else ""
        say(
            printable(
                f"{row.id:>6} {row.action:<9} {row.mrn or '-':<10} {when}  {row.sender}  "
                f"“{row.body[:60]}”{done}"
            )
        )


@app.command("called-back")
def called_back(
    ctx: typer.Context,
    reply_id: Annotated[int, typer.Argument(help="The reply's id (messages replies shows it).")],
    db: DbOption = None,
) -> None:
    """The patient who asked for a call back was called: take them off the list."""
    desk = command_desk(ctx, db)
    call_back_done(desk.store, desk.actor, reply_id, now=desk.clock.now())
    say(f"Reply {reply_id}: called back.")


@app.command("calls")
def calls(
    ctx: typer.Context,
    limit: LimitOption = 200,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """The call list: reminders and notices due for patients who take only calls, each
    with what to say (a view of patients' numbers: audited)."""
    from schedtui.core.messages.calls import calls_due

    desk = command_desk(ctx, db)
    now = desk.clock.now()
    require(desk.store, desk.actor, Permission.VIEW_PATIENTS, now=now, what="message")
    with desk.store.read() as session:
        rows = calls_due(session, now, limit=limit)
    record_view(
        desk, now, "call-list", as_json=as_json,
        patients=list(dict.fromkeys(row.patient_mrn for row in rows)),
    )  # fmt: skip
    if as_json:
        print_json([row.to_json() for row in rows])
        return
    if not rows:
        say("No calls due.")
    zone = settings().zone
    for row in rows:
        visit = clinic_moment_text(row.visit_at, zone) if row.visit_at else "-"
        tried = f"  tried {row.tries}, {row.last_outcome}" if row.tries else ""
        say(
            printable(
                f"{row.id:>6} {row.kind:<12} {row.patient_mrn:<10} {row.patient_name}  "
                f"{row.number}  visit {visit}{tried}"
            )
        )
        for line in row.script.splitlines():
            say(printable(f"         {line}"))


@app.command("call-outcome")
def call_outcome(
    ctx: typer.Context,
    message_id: Annotated[int, typer.Argument(help="The call's id (messages calls shows it).")],
    outcome: Annotated[
        str,
        typer.Option(
            "--outcome", help="reached, left-message, declined, no-answer or wrong-number."
        ),
    ],
    db: DbOption = None,
) -> None:
    """What came of a call on the call list (no answer: it comes back later)."""
    from schedtui.core.messages.calls import record_call

    desk = command_desk(ctx, db)
    became = record_call(
        desk.store, desk.actor, message_id, outcome, now=desk.clock.now(), settings=settings()
    )
    say(f"Call {message_id}: {outcome}; {became}.")


@app.command("preview")
def preview(
    ctx: typer.Context,
    kind: Annotated[
        list[str] | None,
        typer.Option("--kind", help="confirmation, reminder, change, cancellation, must-move."),
    ] = None,
    channel: Annotated[
        list[str] | None,
        typer.Option("--channel", help="email, sms or voice (e-mail and texts by default)."),
    ] = None,
    language: Annotated[str, typer.Option(help="en or es (a sample patient's).")] = "en",
    video: Annotated[bool, typer.Option("--video", help="A video visit (sample).")] = False,
    visit: Annotated[
        int | None, typer.Option("--visit", help="Say it for this appointment (audited).")
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """What patients' messages say: for a sample patient at the first site, or for a
    real visit."""
    from schedtui.core.messages.phrasebook import own_words
    from schedtui.core.messages.preview import (
        KINDS,
        SHOWN_CHANNELS,
        previews,
        sample_words,
        visit_preview_words,
    )

    if language not in ("en", "es"):
        raise BadInput(f"--language '{language}': messages are written in en or es.")
    desk = command_desk(ctx, db)
    now = desk.clock.now()
    current = settings()
    with desk.store.read() as session:
        if visit is None:
            mode = "telehealth" if video else "in-person"
            words = sample_words(session, current, language=language, mode=mode, now=now)
        else:
            require(desk.store, desk.actor, Permission.VIEW_PATIENTS, now=now, what="message")
            words = visit_preview_words(session, visit, current)
        own = own_words(session)
    if visit is not None:
        record_view(desk, now, "message-preview", as_json=as_json, appointment=visit)
    shown = previews(words, tuple(kind or KINDS), tuple(channel or SHOWN_CHANNELS), own)
    if as_json:
        print_json([vars(p) for p in shown])
        return
    for message in shown:
        say(
            f"--- {message.kind}, {message.channel}"
            + (f": {message.subject}" if message.subject else "")
        )
        for line in message.text.splitlines():
            say(printable(line))
