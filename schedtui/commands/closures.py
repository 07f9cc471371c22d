"""`schedtui closures list|add|remove`: site closures and holidays (supervisors)."""

from __future__ import annotations

from typing import Annotated

import typer

from schedtui.commands.calendar import report_in_the_way
from schedtui.commands.common import DbOption, JsonOption, command_desk, print_json, say, settings
from schedtui.core.schedule.closures import (
    add_closure,
    closure_from_form,
    closures,
    remove_closure,
)
from schedtui.core.support.spoken_dates import spoken_day
from schedtui.core.support.text import printable
from schedtui.core.views.today import clinic_today

app = typer.Typer(help="Site closures and holidays.", add_completion=False)


@app.command("list")
def closures_list(
    ctx: typer.Context,
    since: Annotated[
        str, typer.Option("--from", help="Closures ending on or after this day.")
    ] = "today",
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Closures and holidays still to come (or since a day)."""
    desk = command_desk(ctx, db)
    today = clinic_today(desk.clock, settings().zone)
    with desk.store.read() as session:
        rows = closures(session, spoken_day(since, today))
    if as_json:
        print_json([row.to_json() for row in rows])
        return
    if not rows:
        say("No closures.")
    for row in rows:
        days = row.first_day + ("" if row.last_day == row.first_day else f"..{row.last_day}")
        say(printable(f"{row.id:>4}  {days:<22} {row.site:<5} {row.kind:<8} {row.name}"))


@app.command("add")
def closures_add(
    ctx: typer.Context,
    first: Annotated[str, typer.Option("--from", help="First day closed: 2026-12-24, 'dec 24'.")],
    name: Annotated[str, typer.Option(help="What it is, e.g. 'Christmas Eve'.")],
    last: Annotated[str, typer.Option("--to", help="Last day closed (default: --from).")] = "",
    site: Annotated[str, typer.Option(help="Site code, or 'all' for every site.")] = "all",
    kind: Annotated[str, typer.Option(help="holiday or closure.")] = "holiday",
    confirm: Annotated[
        bool, typer.Option("--confirm", help="Close even over booked visits (they are listed).")
    ] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Close a site (or every site) for a day or several. Booked visits on those days are
    listed and nothing is added until --confirm (exit 3); then their patients go on the
    waitlist, first in line, to be called."""
    desk = command_desk(ctx, db)
    today = clinic_today(desk.clock, settings().zone)
    typed = {"site": site, "first": first, "last": last, "kind": kind, "name": name}
    request = closure_from_form(typed, today)
    result = add_closure(desk.store, desk.actor, request, now=desk.clock.now(), confirm=confirm)
    report_in_the_way(
        ("Closure", "closure_id", "visits_on_those_days"), result.closure_id,
        result.in_the_way, "visits are booked on those days", as_json=as_json,
    )  # fmt: skip


@app.command("remove")
def closures_remove(
    ctx: typer.Context,
    closure_id: Annotated[int, typer.Argument(help="Closure id (closures list).")],
    db: DbOption = None,
) -> None:
    """Open the site(s) again on those days."""
    desk = command_desk(ctx, db)
    remove_closure(desk.store, desk.actor, closure_id, now=desk.clock.now())
    say(f"Closure {closure_id} removed.")
