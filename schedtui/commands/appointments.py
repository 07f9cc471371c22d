"""`schedtui appointments list|cancel|reschedule|status|reasons`."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer

from schedtui.commands.common import (
    DbOption,
    JsonOption,
    command_desk,
    parse_day,
    parse_moment,
    print_json,
    say,
    settings,
)
from schedtui.commands.screening import add_screening_command
from schedtui.core.schedule import appointment_changes as changes
from schedtui.core.schedule import directory
from schedtui.core.schedule.booking_checks import OpenItemsNeedReason
from schedtui.core.schedule.screening import unanswered_required
from schedtui.core.security import audit
from schedtui.core.security.access import Permission
from schedtui.core.security.guard import require
from schedtui.core.support.errors import BadInput
from schedtui.core.support.formats import moment_text
from schedtui.data.codes import CANCELLATION_REASONS

app = typer.Typer(
    help="Appointments: list, cancel, reschedule, change status.", add_completion=False
)
IdArg = Annotated[int, typer.Argument(help="Appointment id.")]


@app.command("list")
def list_(
    ctx: typer.Context,
    patient: Annotated[str | None, typer.Option("--patient", help="Patient MRN.")] = None,
    provider: Annotated[int | None, typer.Option("--provider", help="Provider id.")] = None,
    day: Annotated[str | None, typer.Option("--date", help="Day, YYYY-MM-DD.")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Appointments by start time (a view of patient data: audited)."""
    desk = command_desk(ctx, db)
    now = desk.clock.now()
    require(desk.store, desk.actor, Permission.VIEW_PATIENTS, now=now, what="appointments")
    query = directory.AppointmentQuery(patient, provider, parse_day(day, "--date"))
    with desk.store.read() as session:
        rows = directory.appointments(session, query)
    audit.append(
        desk.store,
        actor=desk.actor,
        action="export" if as_json else "view",
        now=now,
        entity="appointments",
        detail={"patient": patient, "provider": provider, "date": day, "rows": len(rows)},
    )
    if as_json:
        print_json([row.to_json() for row in rows])
        return
    for row in rows:
        reason = f" ({row.cancellation_reason})" if row.cancellation_reason else ""
        local = moment_text(datetime.fromisoformat(row.local_start))
        say(
            f"{row.id:>7}  {local}  {row.site:<5} {row.provider:<22} "
            f"{row.patient_mrn:<10} {row.type_code:<7} {row.status}{reason}"
        )


@app.command("cancel")
def cancel(
    ctx: typer.Context,
    appointment_id: IdArg,
    reason: Annotated[str, typer.Option(help="FHIR cancellation reason code, e.g. pat-fb.")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Cancel with a reason code; says when it is a late cancellation."""
    desk = command_desk(ctx, db)
    late = changes.cancel(
        desk.store,
        desk.actor,
        appointment_id,
        reason,
        now=desk.clock.now(),
        settings=settings(),
    )
    if as_json:
        print_json(
            {"id": appointment_id, "status": "cancelled", "reason": reason, "late_cancel": late}
        )
        return
    say(f"Cancelled {appointment_id}" + (" (late cancellation)." if late else "."))


@app.command("reschedule")
def reschedule(
    ctx: typer.Context,
    appointment_id: IdArg,
    start: Annotated[str, typer.Option(help="New start, ISO 8601.")],
    provider: Annotated[int | None, typer.Option("--provider", help="New provider id.")] = None,
    site: Annotated[str | None, typer.Option("--site", help="New site: code (BOS) or id.")] = None,
    reason: Annotated[str, typer.Option(help="Reason code for cancelling the old time.")] = "pat",
    override_reason: Annotated[
        str,
        typer.Option(
            help="Why move despite open insurance items (required when there are any; "
            "kept in the audit)."
        ),
    ] = "",
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Move an appointment: the new time is booked and the old cancelled, together.
    Open insurance items need --override-reason, as a new booking does."""
    desk = command_desk(ctx, db)
    with desk.store.read() as session:
        site_id, zone = changes.move_place(session, appointment_id, provider, site)
    try:
        moved = changes.reschedule(
            desk.store,
            desk.actor,
            appointment_id,
            parse_moment(start, "--start", zone),
            now=desk.clock.now(),
            settings=settings(),
            provider_id=provider,
            site_id=site_id,
            reason=reason,
            override_reason=override_reason,
        )
    except OpenItemsNeedReason as wrong:
        raise BadInput(f"{wrong}. Move anyway with --override-reason TEXT.") from None
    if as_json:
        print_json(
            {
                "id": moved.new_id,
                "previous_appointment_id": appointment_id,
                "late_cancel": moved.late_cancel,
            }
        )
    else:
        say(moved.new_id)


@app.command("status")
def status(
    ctx: typer.Context,
    appointment_id: IdArg,
    new_status: Annotated[str, typer.Argument(help="FHIR status, e.g. arrived, noshow.")],
    reason: Annotated[
        str,
        typer.Option(
            help="Why the patient did not come (noshow): forgot, transport, illness, cost, "
            "work, weather, other."
        ),
    ] = "",
    db: DbOption = None,
) -> None:
    """Move an appointment to another status (booked -> arrived -> checked-in -> fulfilled...).
    A no-show already marked may be given its --reason later."""
    desk = command_desk(ctx, db)
    changes.change_status(
        desk.store,
        desk.actor,
        appointment_id,
        new_status,
        now=desk.clock.now(),
        no_show_reason=reason.strip().lower(),
    )
    why = f" ({reason.strip().lower()})" if reason.strip() else ""
    say(f"Appointment {appointment_id} is now {new_status}{why}.")
    if new_status == "checked-in":
        with desk.store.read() as session:
            still_open = unanswered_required(session, appointment_id)
        for prompt in still_open:
            say(f"Open: the screening question '{prompt}' is not answered "
                f"(schedtui appointments screening {appointment_id} --answer ID=...).")  # fmt: skip


add_screening_command(app)


@app.command("reasons")
def reasons(as_json: JsonOption = False) -> None:
    """The FHIR cancellation reason codes, in plain words."""
    if as_json:
        print_json([{"code": code, "meaning": text} for code, text in CANCELLATION_REASONS.items()])
        return
    for code, text in CANCELLATION_REASONS.items():
        say(f"{code:<10} {text}")
