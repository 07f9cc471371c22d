"""`schedtui referrals add|list|contact|update|close`: referrals and orders as a worklist."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from schedtui.commands.common import (
    DbOption,
    JsonOption,
    command_desk,
    parse_day,
    print_json,
    record_view,
    say,
    settings,
)
from schedtui.core.schedule.referrals import (
    ReferralRequest,
    ReferralRow,
    add_referral,
    close_referral,
    is_overdue,
    record_contact,
    referral_rows,
    update_referral,
)
from schedtui.core.security.access import Permission
from schedtui.core.security.guard import require
from schedtui.core.support.text import printable
from schedtui.core.views.today import clinic_today

app = typer.Typer(help="Referrals and orders: who must be booked, by when.", add_completion=False)

IdArg = Annotated[int, typer.Argument(help="The referral's id (referrals list shows it).")]
UrgencyOption = Annotated[str | None, typer.Option(help="urgent, soon or routine.")]


@app.command("add")
def add(
    ctx: typer.Context,
    patient: Annotated[str, typer.Option("--patient", help="Patient MRN.")],
    type_code: Annotated[str, typer.Option("--type", help="The visit type wanted (code).")],
    due: Annotated[
        str | None, typer.Option(help="Book by this day (default: from the urgency).")
    ] = None,
    urgency: Annotated[str, typer.Option(help="urgent, soon or routine.")] = "routine",
    referred_by: Annotated[str, typer.Option("--from", help="The referring provider.")] = "",
    npi: Annotated[str, typer.Option(help="The referring provider's NPI.")] = "",
    reason: Annotated[str, typer.Option(help="Why the patient is referred.")] = "",
    number: Annotated[str, typer.Option(help="The referral's own number.")] = "",
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record a referral or order; print its id and book-by day."""
    desk = command_desk(ctx, db)
    now, today = desk.clock.now(), clinic_today(desk.clock, settings().zone)
    request = ReferralRequest(patient, type_code, urgency, parse_day(due, "--due"),
                              referred_by, npi, reason, number)  # fmt: skip
    referral_id = add_referral(desk.store, desk.actor, request, today=today, now=now,
                               settings=settings())  # fmt: skip
    with desk.store.read() as session:
        [row] = [r for r in referral_rows(session, today=today, mrn=patient) if r.id == referral_id]
    if as_json:
        print_json(row.to_json())
        return
    say(f"Referral {referral_id}: {row.type_code}, {row.urgency}, book by {row.due:%a %Y-%m-%d}.")


@app.command("list")
def list_(
    ctx: typer.Context,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only those past due.")] = False,
    status: Annotated[
        str | None,
        typer.Option(
            help="new, contacted, scheduled, completed, closed or expired "
            "(default: new and contacted, still to book)."
        ),
    ] = None,
    patient: Annotated[str | None, typer.Option("--patient", help="Patient MRN.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000, help="Show at most this many.")] = 200,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """The referrals still to book, the soonest due first (an audited view)."""
    desk = command_desk(ctx, db)
    now, today = desk.clock.now(), clinic_today(desk.clock, settings().zone)
    require(desk.store, desk.actor, Permission.VIEW_PATIENTS, now=now, what="referral")
    with desk.store.read() as session:
        rows = referral_rows(session, today=today, overdue=overdue, status=status, mrn=patient,
                             limit=limit)  # fmt: skip
    record_view(desk, now, "referral", as_json=as_json,
                patients=list(dict.fromkeys(r.patient_mrn for r in rows)))  # fmt: skip
    if as_json:
        print_json([row.to_json() for row in rows])
        return
    if not rows:
        say("No referrals overdue." if overdue else "No referrals to book.")
    for row in rows:
        say(printable(_line(row, today)))


def _line(row: ReferralRow, today: date) -> str:
    late = is_overdue(row, today)
    tried = f"  tried {row.contacts}x ({row.last_outcome})" if row.contacts else ""
    due = f"{row.due:%Y-%m-%d}" if row.due else "-"
    return (
        f"{row.id:>6} {row.patient_mrn:<10} {row.patient_name[:24]:<24} {row.type_code:<7} "
        f"{row.urgency:<7} due {due} {row.status}{'  OVERDUE' if late else ''}{tried}"
    )


@app.command("contact")
def contact(
    ctx: typer.Context,
    referral_id: IdArg,
    outcome: Annotated[
        str,
        typer.Option(help="reached, no-answer, left-message, wrong-number or declined."),
    ],
    note: Annotated[str, typer.Option(help="What was said.")] = "",
    db: DbOption = None,
) -> None:
    """Record a call about the referral (three unanswered: the patient is written to)."""
    desk = command_desk(ctx, db)
    status = record_contact(desk.store, desk.actor, referral_id, outcome, note,
                            now=desk.clock.now())  # fmt: skip
    say(f"Referral {referral_id}: {outcome} recorded; it is {status}.")


@app.command("update")
def update(
    ctx: typer.Context,
    referral_id: IdArg,
    due: Annotated[str | None, typer.Option(help="Book by this day.")] = None,
    urgency: UrgencyOption = None,
    type_code: Annotated[str | None, typer.Option("--type", help="The visit type wanted.")] = None,
    db: DbOption = None,
) -> None:
    """Change when a referral is due, its urgency or the visit type wanted."""
    desk = command_desk(ctx, db)
    today = clinic_today(desk.clock, settings().zone)
    update_referral(desk.store, desk.actor, referral_id, now=desk.clock.now(), today=today,
                    due=parse_day(due, "--due"), urgency=urgency, type_code=type_code)  # fmt: skip
    say(f"Referral {referral_id} updated.")


@app.command("close")
def close(
    ctx: typer.Context,
    referral_id: IdArg,
    reason: Annotated[str, typer.Option(help="Why it will not be booked.")] = "",
    db: DbOption = None,
) -> None:
    """Close a referral that will not be booked, saying why."""
    desk = command_desk(ctx, db)
    close_referral(desk.store, desk.actor, referral_id, reason, now=desk.clock.now())
    say(f"Referral {referral_id} closed.")
