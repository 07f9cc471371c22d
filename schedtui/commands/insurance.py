"""`schedtui payers list|add|network|rule|fee`, `coverage show|add`, `auth list|update`."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from schedtui.commands.common import (
    DbOption,
    JsonOption,
    command_desk,
    opened_store,
    parse_day,
    print_json,
    record_view,
    say,
    settings,
)
from schedtui.core.insurance import records as insurance
from schedtui.core.insurance.checklist import Proposal, checklist, estimate, latest_eligibility
from schedtui.core.insurance.records import AuthorizationChange, CoverageInput
from schedtui.core.schedule import directory
from schedtui.core.security import audit
from schedtui.core.security.access import Permission
from schedtui.core.security.guard import require
from schedtui.core.views.today import clinic_today

payers_app = typer.Typer(help="The payer directory.", add_completion=False)
coverage_app = typer.Typer(
    help="Patients' coverages and the insurance checklist.", add_completion=False
)
auth_app = typer.Typer(help="The prior-authorization worklist.", add_completion=False)


@payers_app.command("list")
def payers(ctx: typer.Context, db: DbOption = None, as_json: JsonOption = False) -> None:
    """List payers with their X12 ids."""
    with opened_store(ctx.obj, db).store.read() as session:
        rows = insurance.payers(session)
    if as_json:
        print_json([row.to_json() for row in rows])
        return
    for row in rows:
        say(f"{row.x12_payer_id:<10} {row.name}")


@payers_app.command("add")
def payer_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Option(help="The payer's name.")],
    x12: Annotated[str, typer.Option("--x12", help="X12 payer id (NM109 of 2100A).")],
    phone: Annotated[str, typer.Option(help="Provider services phone.")] = "",
    db: DbOption = None,
) -> None:
    """Add a payer (supervisors)."""
    desk = command_desk(ctx, db)
    payer_id = insurance.add_payer(
        desk.store,
        desk.actor,
        name=name,
        x12_payer_id=x12,
        phone=phone,
        now=desk.clock.now(),
    )
    say(payer_id)


@payers_app.command("edit")
def payer_edit(
    ctx: typer.Context,
    x12: Annotated[str, typer.Argument(help="The payer's X12 id now.")],
    name: Annotated[str | None, typer.Option(help="Its name.")] = None,
    new_x12: Annotated[str | None, typer.Option("--x12", help="A new X12 payer id.")] = None,
    phone: Annotated[str | None, typer.Option(help="Provider services phone ('' none).")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Change a payer's name, X12 id or phone (supervisors; audited, on the feed)."""
    from schedtui.core.schedule.payer_setup import PayerFields, edit_payer

    desk = command_desk(ctx, db)
    done = edit_payer(desk.store, desk.actor, x12, PayerFields(name, new_x12, phone),
                      now=desk.clock.now(), region=settings().region)  # fmt: skip
    if as_json:
        print_json({"changed": done})
    else:
        say(f"Payer {x12}: changed {', '.join(done)}." if done else
            f"Payer {x12}: nothing to change (each option given already says so).")  # fmt: skip


def _payer_switch(active: bool) -> None:
    words = "Bring a payer back (supervisors)." if active else (
        "Take a payer out of use: no new coverage names it; those on file keep it "
        "(supervisors)."
    )  # fmt: skip

    @payers_app.command("activate" if active else "deactivate", help=words)
    def switch(
        ctx: typer.Context,
        x12: Annotated[str, typer.Argument(help="The payer's X12 id.")],
        db: DbOption = None,
        as_json: JsonOption = False,
    ) -> None:
        from schedtui.core.schedule.payer_setup import set_payer_active

        desk = command_desk(ctx, db)
        done = set_payer_active(desk.store, desk.actor, x12, active, now=desk.clock.now())
        if as_json:
            print_json({"active": active, "changed": done})
        else:
            say(f"Payer {x12} is {'active' if active else 'out of use'}.")


for _active in (False, True):
    _payer_switch(_active)


@payers_app.command("network")
def payer_network(
    ctx: typer.Context,
    x12: Annotated[str, typer.Argument(help="X12 payer id.")],
    provider: Annotated[int, typer.Option("--provider", help="Provider id.")],
    out: Annotated[bool, typer.Option("--out", help="Out of network (default: in).")] = False,
    db: DbOption = None,
) -> None:
    """Record a provider's participation with a payer (supervisors)."""
    desk = command_desk(ctx, db)
    insurance.set_network(
        desk.store,
        desk.actor,
        x12_payer_id=x12,
        provider_id=provider,
        in_network=not out,
        now=desk.clock.now(),
    )
    say(f"Provider {provider} is {'out of' if out else 'in'} network with {x12}.")


@payers_app.command("rule")
def payer_rule(
    ctx: typer.Context,
    x12: Annotated[str, typer.Argument(help="X12 payer id.")],
    type_code: Annotated[str, typer.Option("--type", help="Appointment type code.")],
    prior_auth: Annotated[bool, typer.Option("--prior-auth", help="Needs prior auth.")] = False,
    referral: Annotated[bool, typer.Option("--referral", help="Needs a referral.")] = False,
    visit_limit: Annotated[int | None, typer.Option(help="Visits covered a year.")] = None,
    db: DbOption = None,
) -> None:
    """Add a payer rule for a visit type (supervisors)."""
    desk = command_desk(ctx, db)
    rule_id = insurance.add_rule(
        desk.store,
        desk.actor,
        x12_payer_id=x12,
        type_code=type_code,
        prior_auth=prior_auth,
        referral=referral,
        visit_limit=visit_limit,
        now=desk.clock.now(),
    )
    say(rule_id)


@payers_app.command("fee")
def payer_fee(
    ctx: typer.Context,
    x12: Annotated[str, typer.Argument(help="X12 payer id.")],
    cpt: Annotated[str, typer.Option("--cpt", help="CPT code, e.g. 99213.")],
    allowed: Annotated[str, typer.Option("--allowed", help="Allowed amount, e.g. 150.00.")],
    db: DbOption = None,
) -> None:
    """Set the payer's allowed amount for a CPT code: estimates use it (supervisors)."""
    desk = command_desk(ctx, db)
    insurance.set_fee(
        desk.store,
        desk.actor,
        x12_payer_id=x12,
        cpt_code=cpt,
        allowed=allowed,
        now=desk.clock.now(),
    )
    say(f"{x12} allows {allowed} for CPT {cpt.upper()}.")


@coverage_app.command("show")
def show(
    ctx: typer.Context,
    mrn: Annotated[str, typer.Argument(help="Patient MRN.")],
    type_code: Annotated[str | None, typer.Option("--type", help="Proposed visit type.")] = None,
    provider: Annotated[
        int | None, typer.Option("--provider", help="Proposed provider id.")
    ] = None,
    day: Annotated[
        str | None, typer.Option("--date", help="Proposed date (default today).")
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Coverages, the latest eligibility answer and the checklist for a proposed visit."""
    desk = command_desk(ctx, db)
    now = desk.clock.now()
    require(desk.store, desk.actor, Permission.VIEW_PATIENTS, now=now, what="coverage")
    with desk.store.read() as session:
        patient_id = directory.patient_id_for(session, mrn)
        rows: list[dict[str, Any]] = [
            {
                "rank": c.rank,
                "payer": p.name,
                "x12_payer_id": p.x12_payer_id,
                "member_id": c.member_id,
                "group_id": c.group_id,
                "plan": c.plan_name,
                "effective_from": c.effective_from.isoformat(),
                "effective_to": c.effective_to.isoformat() if c.effective_to else None,
                "copay_cents": c.copay_cents,
                "last_verified_at": c.last_verified_at.isoformat() if c.last_verified_at else None,
                "eligibility": latest_eligibility(session, c.id or 0),
            }
            for c, p in insurance.coverages_with_payers(session, patient_id)
        ]
        lines = (
            checklist(
                session,
                Proposal(patient_id, type_code, provider, parse_day(day, "--date") or now.date()),
                now=now,
                settings=settings(),
            )
            if type_code
            else []
        )
    audit.append(
        desk.store,
        actor=desk.actor,
        action="view",
        now=now,
        entity="coverage",
        patient_id=patient_id,
    )
    if as_json:
        print_json(
            {
                "patient_mrn": mrn,
                "coverages": rows,
                "checklist": [line.to_json() for line in lines],
                "estimate": estimate(lines) if lines else None,
            }
        )
        return
    for row in rows:
        say(
            f"{row['rank']}. {row['payer']} {row['plan']}  member {row['member_id']}  "
            f"{row['effective_from']}..{row['effective_to'] or ''}"
        )
        say(f"   {_eligibility_line(row['eligibility'])}")
    for line in lines:
        say(f"  {line.mark} {line.topic}: {line.reason}")
    if lines:
        say(f"  {estimate(lines)}")


def _eligibility_line(latest: dict[str, Any] | None) -> str:
    if latest is None:
        return "eligibility: never asked (schedtui eligibility request MRN)"
    asked = f"trace {latest['trace_number']}, asked {latest['requested_at'][:10]}"
    if latest["responded_at"] is None:
        return f"eligibility: no answer yet ({asked})"
    return f"eligibility: {latest['status']} ({asked}, answered {latest['responded_at'][:10]})"


@coverage_app.command("add")
def add(
    ctx: typer.Context,
    patient: Annotated[str, typer.Option("--patient", help="Patient MRN.")],
    payer: Annotated[str, typer.Option("--payer", help="Payer X12 id (see payers list).")],
    member: Annotated[str, typer.Option("--member", help="Member id from the card.")],
    first: Annotated[
        str | None, typer.Option("--from", help="Effective from (default today).")
    ] = None,
    last: Annotated[str | None, typer.Option("--to", help="Effective to.")] = None,
    rank: Annotated[int, typer.Option(help="1 primary, 2 secondary.")] = 1,
    group: Annotated[str, typer.Option(help="Group number.")] = "",
    plan: Annotated[str, typer.Option(help="Plan name.")] = "",
    copay: Annotated[str | None, typer.Option(help="Office copay, e.g. 25.00.")] = None,
    relationship: Annotated[str, typer.Option(help="self, spouse, child or other.")] = "self",
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Enter a coverage from the patient's card; print its id."""
    desk = command_desk(ctx, db)
    now = desk.clock.now()
    with desk.store.read() as session:
        patient_id = directory.patient_id_for(session, patient)
    entry = CoverageInput(
        patient_id,
        payer,
        member,
        parse_day(first, "--from") or now.date(),
        parse_day(last, "--to"),
        rank,
        group,
        plan,
        relationship,
        copay=copay,
    )
    coverage_id = insurance.add_coverage(desk.store, desk.actor, entry, now=now)
    if as_json:
        print_json({"id": coverage_id, "patient_mrn": patient})
        return
    say(coverage_id)


@auth_app.command("list")
def auth_list(
    ctx: typer.Context,
    status: Annotated[str | None, typer.Option(help="Only this status.")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Services needing authorization, overdue follow-ups first (an audited view)."""
    desk = command_desk(ctx, db)
    now = desk.clock.now()
    require(desk.store, desk.actor, Permission.VIEW_PATIENTS, now=now, what="authorization")
    with desk.store.read() as session:
        rows = insurance.authorizations(
            session, today=clinic_today(desk.clock, settings().zone), status=status
        )
    record_view(
        desk,
        now,
        "authorizations",
        as_json=as_json,
        patients=[row.patient_mrn for row in rows],
        status=status,
    )
    if as_json:
        print_json([row.to_json() for row in rows])
        return
    for row in rows:
        flag = "OVERDUE " if row.overdue else ""
        say(
            f"{row.id:>5} {flag}{row.status:<9} {row.patient_mrn:<10} "
            f"{row.type_code or '':<7} {row.auth_number or '-':<12} "
            f"{row.valid_from or ''}..{row.valid_to or ''} "
            f"units {row.used_units}/{row.approved_units or '-'}"
        )


@auth_app.command("add")
def auth_add(
    ctx: typer.Context,
    patient: Annotated[str, typer.Option("--patient", help="The patient's MRN.")],
    cpt: Annotated[str, typer.Option("--cpt", help="The service's CPT code, e.g. 70553.")],
    type_code: Annotated[
        str, typer.Option("--type", help="The visit type it is for (links its visits).")
    ] = "",
    icd10: Annotated[
        list[str] | None, typer.Option("--icd10", help="A diagnosis code (again for more).")
    ] = None,
    units: Annotated[int | None, typer.Option(help="Units or visits asked for.")] = None,
    first: Annotated[str | None, typer.Option("--from", help="Wanted from.")] = None,
    last: Annotated[str | None, typer.Option("--to", help="Wanted to.")] = None,
    contact: Annotated[
        str, typer.Option(help="Whom the payer calls with clinical questions.")
    ] = "",
    follow_up: Annotated[str | None, typer.Option(help="When to chase it.")] = None,
    note: Annotated[str, typer.Option(help="A note, dated.")] = "",
    submitted: Annotated[
        bool, typer.Option("--submitted", help="Already sent to the payer.")
    ] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Start a prior-authorization request (the worklist shows it as needed, or
    submitted); audited."""
    from schedtui.core.insurance.auth_requests import AuthorizationRequest, start_authorization

    request = AuthorizationRequest(
        patient, cpt, type_code, tuple(icd10 or ()), units, parse_day(first, "--from"),
        parse_day(last, "--to"), contact, parse_day(follow_up, "--follow-up"), note, submitted,
    )  # fmt: skip
    desk = command_desk(ctx, db)
    today = clinic_today(desk.clock, settings().zone)
    made = start_authorization(desk.store, desk.actor, request, now=desk.clock.now(), today=today)
    if as_json:
        print_json({"id": made})
    else:
        say(f"Authorization {made} started ({'submitted' if submitted else 'needed'}).")


@auth_app.command("update")
def auth_update(
    ctx: typer.Context,
    auth_id: Annotated[int, typer.Argument(help="Authorization id.")],
    status: Annotated[
        str | None, typer.Option(help="needed, submitted, pending, approved...")
    ] = None,
    number: Annotated[str | None, typer.Option(help="Authorization number.")] = None,
    units: Annotated[int | None, typer.Option(help="Approved units/visits.")] = None,
    used: Annotated[int | None, typer.Option(help="Units used.")] = None,
    first: Annotated[str | None, typer.Option("--from", help="Valid from.")] = None,
    last: Annotated[str | None, typer.Option("--to", help="Valid to.")] = None,
    follow_up: Annotated[str | None, typer.Option(help="Follow-up date.")] = None,
    note: Annotated[str | None, typer.Option(help="A note, dated.")] = None,
    db: DbOption = None,
) -> None:
    """Record what the payer said about an authorization."""
    desk = command_desk(ctx, db)
    change = AuthorizationChange(
        status,
        number,
        units,
        used,
        parse_day(first, "--from"),
        parse_day(last, "--to"),
        parse_day(follow_up, "--follow-up"),
        note,
    )
    insurance.update_authorization(desk.store, desk.actor, auth_id, change, now=desk.clock.now())
    say(f"Authorization {auth_id} updated.")


def register(app: typer.Typer) -> None:
    """Add these commands to the main app."""
    app.add_typer(payers_app, name="payers")
    app.add_typer(coverage_app, name="coverage")
    app.add_typer(auth_app, name="auth")
