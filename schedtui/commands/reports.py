"""`schedtui report kpis`: the supervisor's measures over a period, on screen, as JSON,
or to a CSV or Excel file (core.views.kpis; core.security.sheets writes the file)."""

from __future__ import annotations

from pathlib import Path
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
    sheet_file,
)
from schedtui.core.security.sheets import Sheet, write_sheets
from schedtui.core.support.errors import BadInput
from schedtui.core.views.kpis import DEFINITIONS, GROUPINGS, KpiRow, kpis, period

app = typer.Typer(help="Reports: the clinic's measures (supervisors).", add_completion=False)

FileOption = Annotated[Path | None, typer.Option(help="Write the report to this file.")]
#: The columns of a report, in order (every KPI row's fields).
COLUMNS = tuple(KpiRow.__dataclass_fields__)


@app.command("kpis")
def report_kpis(
    ctx: typer.Context,
    first: Annotated[str, typer.Option("--from", help="The first day (2026-11-01, 'nov 1').")],
    last: Annotated[str, typer.Option("--to", help="The last day.")],
    by: Annotated[str | None, typer.Option(help=f"Group by {', '.join(GROUPINGS)}.")] = None,
    csv: FileOption = None,
    xlsx: FileOption = None,
    force: Annotated[bool, typer.Option("--force", help="Replace the file.")] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """No-show, cancellation, fill and confirmation rates, lead time, overbooks, calls and
    first-call resolution, each defined; to a spreadsheet with --csv or --xlsx (an Excel
    file has a sheet per grouping and one of definitions). Audited."""
    start, end = parse_day(first, "--from"), parse_day(last, "--to")
    assert start is not None and end is not None
    when = period(start, end, settings().zone)
    if by is not None and by not in GROUPINGS:
        raise BadInput(f"--by '{by}': group by {', '.join(GROUPINGS)}.")
    out = sheet_file(csv, xlsx, force=force)  # refused before anything is read
    desk = command_desk(ctx, db)
    now = desk.clock.now()
    groupings = [by] if by is not None or xlsx is None else [None, *GROUPINGS]
    tables = {grouping: kpis(desk.store, desk.actor, when, grouping, now=now)
              for grouping in groupings}  # fmt: skip
    if out is not None:
        sheets = [_sheet(grouping or "clinic", rows) for grouping, rows in tables.items()]
        written = write_sheets(out, [*sheets, _definitions()], replace=force)
        record_view(desk, now, "report", as_json=True, file=str(written), report="kpis")
        say(f"Wrote the measures of {when.first} to {when.last} to {written}.")
        return
    rows = tables[by]
    if as_json:
        groups = [row.to_json() for row in rows]
        print_json({"from": str(when.first), "to": str(when.last), "by": by or "clinic",
                    "definitions": DEFINITIONS, "groups": groups})  # fmt: skip
        return
    _print(rows)


def _sheet(title: str, rows: list[KpiRow]) -> Sheet:
    return Sheet(title, COLUMNS, [tuple(getattr(row, name) for name in COLUMNS) for row in rows])


def _definitions() -> Sheet:
    return Sheet("definitions", ("figure", "means"), list(DEFINITIONS.items()))


def _rate(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def _print(rows: list[KpiRow]) -> None:
    say(f"{'group':<22} {'visits':>7} {'no-show':>8} {'cancel':>7} {'late':>6} {'fill':>6} "
        f"{'lead d':>7} {'FCR':>6}")  # fmt: skip
    for row in rows:
        lead = "-" if row.lead_time_days is None else f"{row.lead_time_days:.1f}"
        fcr = _rate(row.first_call_resolution)
        say(f"{row.group[:22]:<22} {row.appointments:>7} {_rate(row.no_show_rate):>8} "
            f"{_rate(row.cancellation_rate):>7} {_rate(row.late_cancellation_rate):>6} "
            f"{_rate(row.fill_rate):>6} {lead:>7} {fcr:>6}")  # fmt: skip
    if not rows:
        say("No visits and no calls in that period.")
