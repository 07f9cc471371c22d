"""`schedtui report kpis`: the supervisor's measures over a period, on screen, as JSON,
or to a CSV or Excel file (core.views.kpis; core.security.sheets writes the file)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from schedtui.commands.common import (
    CommandDesk,
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
from schedtui.core.views.kpis import DEFINITIONS, GROUPINGS, KpiRow, Period, kpis, period
from schedtui.core.views.visit_lists import (
    VISIT_COLUMNS,
    VisitLine,
    day_schedule,
    no_show_list,
)

app = typer.Typer(help="Reports: the clinic's measures (supervisors).", add_completion=False)

FileOption = Annotated[Path | None, typer.Option(help="Write the report to this file.")]
FromOption = Annotated[str, typer.Option("--from", help="The first day (2026-11-01, 'nov 1').")]
ToOption = Annotated[str, typer.Option("--to", help="The last day.")]
ForceOption = Annotated[bool, typer.Option("--force", help="Replace the file.")]
#: The columns of a report, in order (every KPI row's fields).
COLUMNS = tuple(KpiRow.__dataclass_fields__)


@app.command("kpis")
def report_kpis(
    ctx: typer.Context,
    first: FromOption,
    last: ToOption,
    by: Annotated[str | None, typer.Option(help=f"Group by {', '.join(GROUPINGS)}.")] = None,
    csv: FileOption = None,
    xlsx: FileOption = None,
    force: ForceOption = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """No-show, cancellation, fill and confirmation rates, lead time, overbooks, calls and
    first-call resolution, each defined; to a spreadsheet with --csv or --xlsx (an Excel
    file has a sheet per grouping and one of definitions). Audited."""
    when = _period(first, last)
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


def _visit_sheet(title: str, lines: list[VisitLine]) -> Sheet:
    return Sheet(title, VISIT_COLUMNS, [line.cells() for line in lines])


def _visit_list(
    desk: CommandDesk, lines: list[VisitLine], title: str, out: Path | None, force: bool,
    as_json: bool,
) -> None:  # fmt: skip
    """Show, print as JSON, or write the list; the patients on it audited (a view, or an
    export when it leaves the screen)."""
    patients = sorted({line.mrn for line in lines})
    if out is not None:
        written = write_sheets(out, [_visit_sheet(title, lines)], replace=force)
        record_view(desk, desk.clock.now(), "report", as_json=True, patients=patients,
                    report=title, file=str(written))  # fmt: skip
        say(f"Wrote {len(lines)} visits to {written}.")
        return
    record_view(desk, desk.clock.now(), "report", as_json=as_json, patients=patients,
                report=title)  # fmt: skip
    if as_json:
        print_json([line.to_json() for line in lines])
        return
    for line in lines:
        who = f"{line.mrn:<10} {line.patient[:24]:<24}"
        say(f"{line.day:%m/%d} {line.time:<12} {line.site:<5} {line.provider[:18]:<18} "
            f"{line.type:<7} {line.status:<10} {who} {line.why}")  # fmt: skip
    if not lines:
        say("No visits.")


@app.command("no-shows")
def report_no_shows(
    ctx: typer.Context,
    first: FromOption,
    last: ToOption,
    csv: FileOption = None,
    xlsx: FileOption = None,
    force: ForceOption = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """The no-shows of a period, with why when it was asked (supervisors; the patients
    on it audited, as an export when written or printed as JSON)."""
    when = _period(first, last)
    out = sheet_file(csv, xlsx, force=force)
    desk = command_desk(ctx, db)
    lines = no_show_list(desk.store, desk.actor, when, now=desk.clock.now())
    title = f"No-shows {when.first} to {when.last}"
    _visit_list(desk, lines, title, out, force, as_json)


@app.command("schedule")
def report_schedule(
    ctx: typer.Context,
    when: Annotated[str, typer.Option("--date", help="The day (2026-12-04, 'dec 4').")] = "today",
    site: Annotated[str | None, typer.Option(help="Site code or id (else every site).")] = None,
    csv: FileOption = None,
    xlsx: FileOption = None,
    force: ForceOption = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """A day's schedule: every visit by time, cancelled ones too (supervisors; the
    patients on it audited, as an export when written or printed as JSON)."""
    day = parse_day(when, "--date")
    assert day is not None
    out = sheet_file(csv, xlsx, force=force)
    desk = command_desk(ctx, db)
    lines = day_schedule(desk.store, desk.actor, day, site, now=desk.clock.now())
    _visit_list(desk, lines, f"Schedule {day} {site or 'all sites'}", out, force, as_json)


def _period(first: str, last: str) -> Period:
    start, end = parse_day(first, "--from"), parse_day(last, "--to")
    assert start is not None and end is not None
    return period(start, end, settings().zone)
