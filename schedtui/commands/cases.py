"""`schedtui escalations add|list|resolve` and `schedtui complaints
add|list|escalate|resolve`: a caller's urgent concern handed to a team, and complaints."""

from __future__ import annotations

from typing import Annotated

import typer

from schedtui.commands.common import DbOption, JsonOption, command_desk, print_json, say, settings
from schedtui.core.patients.cases import (
    EMERGENCY_SCRIPT,
    case_list_viewed,
    complaint_rows,
    escalate_complaint,
    open_escalations,
    raise_escalation,
    record_complaint,
    red_flags,
    resolve_complaint,
    resolve_escalation,
)
from schedtui.core.support.formats import clinic_moment_text
from schedtui.core.support.text import printable

escalations = typer.Typer(help="Escalations: a caller's concern for a nurse.", add_completion=False)
complaints = typer.Typer(help="Complaints: recorded, escalated, resolved.", add_completion=False)
PatientOption = Annotated[str, typer.Option("--patient", help="The patient's MRN.")]
IdArg = Annotated[int, typer.Argument(help="Its id (the list shows it).")]
Resolution = Annotated[str, typer.Option("--resolution", help="What was done.")]


def register(cli: typer.Typer) -> None:
    """Add `escalations` and `complaints` to the CLI."""
    cli.add_typer(escalations, name="escalations")
    cli.add_typer(complaints, name="complaints")


@escalations.command("add")
def add_escalation(
    ctx: typer.Context,
    reported: Annotated[str, typer.Argument(help="What the caller reports.")],
    patient: PatientOption,
    priority: Annotated[str, typer.Option(help="emergent, urgent or routine.")] = "urgent",
    team: Annotated[str, typer.Option(help="The team it goes to.")] = "nursing",
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Hand the caller's concern to a team, to answer within its priority's time
    (emergent 15 minutes, urgent 1 hour, routine 24 hours). Audited."""
    flags = red_flags(reported)
    if flags and priority != "emergent":
        say(f"Emergency words ({', '.join(flags)}): {EMERGENCY_SCRIPT}", err=True)
    desk = command_desk(ctx, db)
    made = raise_escalation(desk.store, desk.actor, patient, reported, priority=priority,
                            team=team, now=desk.clock.now())  # fmt: skip
    if as_json:
        print_json({"id": made})
    else:
        say(f"Escalation {made} raised ({priority}, {team.strip().lower() or 'nursing'}).")


@escalations.command("list")
def list_escalations(
    ctx: typer.Context,
    team: Annotated[str, typer.Option(help="Only this team's.")] = "",
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Escalations waiting, the one to answer soonest first (an audited view)."""
    desk = command_desk(ctx, db)
    now = desk.clock.now()
    with desk.store.read() as session:
        rows = open_escalations(session, team=team)
    case_list_viewed(desk.store, desk.actor, "escalation", rows, now=now)
    if as_json:
        print_json([row.to_json() for row in rows])
        return
    if not rows:
        say("No escalations waiting.")
    zone = settings().zone
    for row in rows:
        by = clinic_moment_text(row.answer_by, zone) if row.answer_by else "-"
        late = "  LATE" if row.answer_by and row.answer_by < now else ""
        say(printable(f"{row.id:>5} {row.priority:<9} {row.team:<10} {row.patient_mrn:<10} "
                      f"by {by}{late}  {row.what[:60]}"))  # fmt: skip


@escalations.command("resolve")
def resolve_escalation_(
    ctx: typer.Context, escalation: IdArg, resolution: Resolution, db: DbOption = None
) -> None:
    """The team answered: what was done (audited)."""
    desk = command_desk(ctx, db)
    resolve_escalation(desk.store, desk.actor, escalation, resolution, now=desk.clock.now())
    say(f"Escalation {escalation} resolved.")


@complaints.command("add")
def add_complaint(
    ctx: typer.Context,
    description: Annotated[str, typer.Argument(help="What the patient complains of.")],
    patient: PatientOption,
    category: Annotated[
        str,
        typer.Option(help="availability, wait-time, communication, staff, billing or other."),
    ] = "other",
    appointment: Annotated[
        int | None, typer.Option("--appointment", help="The visit it is about.")
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record a complaint (audited)."""
    desk = command_desk(ctx, db)
    made = record_complaint(desk.store, desk.actor, patient, description, category=category,
                            now=desk.clock.now(), appointment_id=appointment)  # fmt: skip
    if as_json:
        print_json({"id": made})
    else:
        say(f"Complaint {made} recorded.")


@complaints.command("list")
def list_complaints(
    ctx: typer.Context,
    every: Annotated[bool, typer.Option("--all", help="Resolved ones too, newest first.")] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Complaints still open, the oldest first (an audited view)."""
    desk = command_desk(ctx, db)
    with desk.store.read() as session:
        rows = complaint_rows(session, open_only=not every)
    case_list_viewed(desk.store, desk.actor, "complaint", rows, now=desk.clock.now())
    if as_json:
        print_json([row.to_json() for row in rows])
        return
    if not rows:
        say("No open complaints." if not every else "No complaints.")
    zone = settings().zone
    for row in rows:
        up = "  (management)" if row.escalated else ""
        when = clinic_moment_text(row.opened_at, zone)
        say(printable(f"{row.id:>5} {row.status:<11} {row.category:<13} {row.patient_mrn:<10} "
                      f"{when}{up}  {row.what[:50]}"))  # fmt: skip


@complaints.command("escalate")
def escalate_(ctx: typer.Context, complaint: IdArg, db: DbOption = None) -> None:
    """Hand a complaint to management (audited)."""
    desk = command_desk(ctx, db)
    escalate_complaint(desk.store, desk.actor, complaint, now=desk.clock.now())
    say(f"Complaint {complaint} went to management.")


@complaints.command("resolve")
def resolve_complaint_(
    ctx: typer.Context, complaint: IdArg, resolution: Resolution, db: DbOption = None
) -> None:
    """What was done about it (supervisors; audited)."""
    desk = command_desk(ctx, db)
    resolve_complaint(desk.store, desk.actor, complaint, resolution, now=desk.clock.now())
    say(f"Complaint {complaint} resolved.")
