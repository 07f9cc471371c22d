"""`schedtui patients find QUERY` and `patients show MRN`: the lookup and the panel, for scripts
and the phone system's screen pop."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

import typer

from schedtui.commands.common import (
    DbOption,
    Invocation,
    JsonOption,
    command_actor,
    opened_store,
    print_json,
    settings,
)
from schedtui.core import audit
from schedtui.core.access import Permission
from schedtui.core.directory import patient_id_for
from schedtui.core.guard import require
from schedtui.core.lookup.service import find_patients, refresh
from schedtui.core.money import dollars
from schedtui.core.patient_panel import patient_panel
from schedtui.core.text import printable
from schedtui.core.today import clinic_today

app = typer.Typer(help="Patients.", add_completion=False)


@app.command("find")
def find(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="Name fragments, DOB, phone digits or MRN.")],
    limit: Annotated[int, typer.Option(min=1, max=100)] = 20,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Find patients the way a caller identifies themselves (the search is audited)."""
    invocation: Invocation = ctx.obj
    opened = opened_store(invocation, db)
    actor = command_actor(opened, invocation)
    now = invocation.clock.now()
    require(opened.store, actor, Permission.VIEW_PATIENTS, now=now, what="patient")
    current = settings()
    with opened.store.read() as session:
        index = refresh(session, None)
        matches = find_patients(
            session,
            index,
            query,
            now=now,
            today=clinic_today(invocation.clock, current.zone),
            region=current.region,
            limit=limit,
        )
    audit.append(
        opened.store,
        actor=actor,
        action="view",
        now=now,
        entity="patient-search",
        detail={"query": query, "results": [m.mrn for m in matches]},
    )
    if as_json:
        print_json([match.to_json() for match in matches])
        return
    if not matches:
        typer.echo("No patient matches.")
    for match in matches:
        upcoming = f"next {match.next_appointment:%Y-%m-%d}" if match.next_appointment else ""
        typer.echo(
            printable(
                f"{match.mrn:<10} {match.name:<32} {match.dob:%m/%d/%Y} "
                f"({match.age:>3})  {match.phone:<15} {upcoming:<16} "
                f"{', '.join(match.alerts)}"
            )
        )


@app.command("show")
def show(
    ctx: typer.Context,
    mrn: Annotated[str, typer.Argument(help="Patient MRN.")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """The patient panel: details, coverage, visits, reliability (an audited view)."""
    invocation: Invocation = ctx.obj
    opened = opened_store(invocation, db)
    actor = command_actor(opened, invocation)
    with opened.store.read() as session:
        patient_id = patient_id_for(session, mrn)
    panel = patient_panel(opened.store, actor, patient_id, now=invocation.clock.now())
    if as_json:
        print_json(asdict(panel))
        return
    lines = [
        f"{panel.name}  {panel.mrn}  born {panel.dob:%m/%d/%Y} (age {panel.age})",
        f"phones: {', '.join(panel.phones) or 'none'}  e-mail: {panel.email or 'none'}",
        f"language: {panel.language}{', needs an interpreter' if panel.interpreter_needed else ''}",
        f"coverage: {len(panel.coverages)} on file; balance {dollars(panel.balance_cents)}",
        f"no-shows: {panel.no_shows}  late cancellations: {panel.late_cancels}",
        *(
            f"upcoming: {v.local_start:%Y-%m-%d %H:%M %Z} {v.type_code} {v.provider}"
            for v in panel.upcoming
        ),
    ]
    for line in lines:
        typer.echo(printable(line))
