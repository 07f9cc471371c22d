"""`schedtui limits list|set|remove`: minimum notice and visits a day, per provider and
visit type (core.schedule.limit_setup)."""

from __future__ import annotations

from typing import Annotated

import typer

from schedtui.commands.common import (
    DbOption,
    JsonOption,
    command_desk,
    print_json,
    rows_read,
    say,
)
from schedtui.core.schedule import limit_setup as setup
from schedtui.core.support.errors import BadInput

app = typer.Typer(help="Booking limits: notice and visits a day.", add_completion=False)


@app.command("list")
def limit_list(ctx: typer.Context, db: DbOption = None, as_json: JsonOption = False) -> None:
    """Every booking limit (the most specific one applies)."""
    rows = rows_read(ctx, db, setup.limits)
    if as_json:
        print_json([row.to_json() for row in rows])
        return
    for row in rows:
        whose = f"provider {row.provider_id}" if row.provider_id else "every provider"
        kind = row.type_code or "every type"
        notice = (
            f"notice {row.min_notice_minutes} min" if row.min_notice_minutes is not None else ""
        )
        per_day = f"at most {row.max_per_day} a day" if row.max_per_day is not None else ""
        say(f"{row.id:>3}  {whose}, {kind}: {', '.join(p for p in (notice, per_day) if p)}")


@app.command("set")
def limit_set(
    ctx: typer.Context,
    provider: Annotated[
        int | None, typer.Option(help="Provider id (every one if left out).")
    ] = None,
    type_code: Annotated[
        str | None, typer.Option("--type", help="Visit type code (every one if left out).")
    ] = None,
    min_notice_hours: Annotated[int | None, typer.Option(help="Notice a booking needs.")] = None,
    min_notice_minutes: Annotated[int | None, typer.Option(help="The same, in minutes.")] = None,
    max_per_day: Annotated[int | None, typer.Option(help="Visits a day, at most.")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Set a booking limit (supervisors): the row for that provider and type."""
    if min_notice_hours is not None and min_notice_minutes is not None:
        raise BadInput("Give the notice once: --min-notice-hours or --min-notice-minutes.")
    notice = min_notice_hours * 60 if min_notice_hours is not None else min_notice_minutes
    desk = command_desk(ctx, db)
    fields = setup.LimitFields(provider, type_code, notice, max_per_day)
    limit_id = setup.set_limit(desk.store, desk.actor, fields, now=desk.clock.now())
    if as_json:
        print_json({"id": limit_id})
    else:
        say(f"Booking limit {limit_id} set.")


@app.command("remove")
def limit_remove(
    ctx: typer.Context,
    limit: Annotated[int, typer.Argument(help="Limit id (see 'limits list').")],
    db: DbOption = None,
) -> None:
    """Take a booking limit away (supervisors)."""
    desk = command_desk(ctx, db)
    setup.remove_limit(desk.store, desk.actor, limit, now=desk.clock.now())
    say(f"Booking limit {limit} removed.")
