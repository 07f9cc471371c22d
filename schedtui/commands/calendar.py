"""`schedtui day`: the calendar grid of a day as text or JSON, for supervisors' scripts."""

from __future__ import annotations

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
from schedtui.core.day_grid import DayGrid, view_grid
from schedtui.core.spoken_dates import spoken_day
from schedtui.core.text import printable
from schedtui.core.today import clinic_today

WIDTH = 18
MARKS = {"open": "·", "off": " "}


def register(app: typer.Typer) -> None:
    """Add `day` to the top-level command."""
    app.command("day")(day)


def day(
    ctx: typer.Context,
    when: Annotated[
        str, typer.Option("--date", help="The day: 2026-12-03, 'dec 3', 'next tue', '+2w'.")
    ] = "today",
    site: Annotated[str | None, typer.Option("--site", help="Site code.")] = None,
    specialty: Annotated[str | None, typer.Option(help="Specialty code.")] = None,
    zoom: Annotated[int, typer.Option(help="Minutes a row: 5, 10, 15 or 30.")] = 15,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """A day's calendar: providers side by side, time running down (an audited view)."""
    invocation: Invocation = ctx.obj
    opened = opened_store(invocation, db)
    actor = command_actor(opened, invocation)
    today = clinic_today(invocation.clock, settings().zone)
    grid = view_grid(
        opened.store,
        actor,
        spoken_day(when, today),
        now=invocation.clock.now(),
        record=True,
        zoom=zoom,
        site_code=site,
        specialty_code=specialty,
    )
    if as_json:
        print_json(grid.to_json())
        return
    for line in grid_lines(grid):
        typer.echo(printable(line))


def grid_lines(grid: DayGrid) -> list[str]:
    """The grid as fixed-width text: a header of providers, then a line a row."""
    if not grid.columns:
        return [f"{grid.day:%A %d %B %Y}: nobody works that day."]
    head = "      " + "".join(f"{c.name[: WIDTH - 1]:<{WIDTH}}" for c in grid.columns)
    lines = [f"{grid.day:%A %d %B %Y} ({grid.zoom}-minute rows; · open)", head.rstrip()]
    for row, at in enumerate(grid.rows):
        cells = []
        for column in range(len(grid.columns)):
            cell = grid.cell(row, column)
            text = cell.text if cell.first else "│"
            text = MARKS.get(cell.kind, text) or text
            cells.append(f"{(('!' if cell.overbooked else '') + text)[: WIDTH - 1]:<{WIDTH}}")
        lines.append(f"{at:%H:%M} " + "".join(cells).rstrip())
    return lines
