"""`schedtui day` (the calendar grid of a day as text or JSON, for supervisors' scripts)
`schedtui blocks add` and `schedtui templates show|set`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import time
from typing import Annotated

import typer

from schedtui.commands.common import (
    DbOption,
    JsonOption,
    command_desk,
    opened_store,
    parse_day,
    parse_moment,
    print_json,
    say,
    settings,
)
from schedtui.core.schedule import directory
from schedtui.core.schedule.blocks import BlockRequest, add_block, home_zone, templates
from schedtui.core.schedule.call_list import InTheWay
from schedtui.core.schedule.provider_lists import provider_lists
from schedtui.core.schedule.template_form import change_from_form
from schedtui.core.schedule.templates import (
    PREVIEW_WEEKS,
    Preview,
    TemplateChange,
    add_template,
    change_template,
)
from schedtui.core.support.errors import BadInput
from schedtui.core.support.formats import day_heading
from schedtui.core.support.spoken_dates import spoken_day
from schedtui.core.support.text import printable
from schedtui.core.views.day_grid import DayGrid, row_label
from schedtui.core.views.grid_views import GridView, read_view, saved_list
from schedtui.core.views.today import clinic_today

WIDTH = 18
MARKS = {"open": "·", "off": " "}


def register(app: typer.Typer) -> None:
    """Add `day` and `blocks` to the top-level command."""
    app.command("day")(day)
    app.add_typer(blocks_app, name="blocks")
    app.add_typer(templates_app, name="templates")


def day(
    ctx: typer.Context,
    when: Annotated[
        str, typer.Option("--date", help="The day: 2026-12-03, 'dec 3', 'next tue', '+2w'.")
    ] = "today",
    site: Annotated[str | None, typer.Option("--site", help="Site code (BOS) or id.")] = None,
    specialty: Annotated[str | None, typer.Option(help="Specialty code.")] = None,
    saved: Annotated[
        str | None, typer.Option("--list", help="A saved list of providers (provider-lists show).")
    ] = None,
    provider: Annotated[
        list[int] | None, typer.Option("--provider", help="Provider id (repeat for several).")
    ] = None,
    week: Annotated[
        bool, typer.Option("--week", help="The week (Monday on) of the providers chosen.")
    ] = False,
    zoom: Annotated[int, typer.Option(help="Minutes a row: 5, 10, 15 or 30.")] = 15,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """A day's calendar: providers side by side, time running down (an audited view)."""
    desk = command_desk(ctx, db)
    today = clinic_today(desk.clock, settings().zone)
    chosen = tuple(provider or ())
    with desk.store.read() as session:
        if saved is not None:
            chosen += saved_list(provider_lists(session), saved)
        site = directory.site_code_for(session, site) if site is not None else None
    view = GridView(
        spoken_day(when, today), zoom, site, specialty, tuple(dict.fromkeys(chosen)), week
    )
    grid = read_view(desk.store, desk.actor, view, now=desk.clock.now(), record=True)
    if as_json:
        print_json(grid.to_json())
        return
    for line in grid_lines(grid):
        say(printable(line))


def grid_lines(grid: DayGrid) -> list[str]:
    """The grid as fixed-width text: a header of providers, then a line a row."""
    if not grid.columns:
        return [f"{day_heading(grid.day)}: nobody works that day."]
    head = "      " + "".join(f"{c.name[: WIDTH - 1]:<{WIDTH}}" for c in grid.columns)
    when = f"Week of {grid.day:%a %d %B %Y}" if grid.columns[0].day else day_heading(grid.day)
    lines = [f"{when} ({grid.zoom}-minute rows; · open)", head.rstrip()]
    for row, at in enumerate(grid.rows):
        cells = []
        for column in range(len(grid.columns)):
            cell = grid.cell(row, column)
            text = cell.text if cell.first else "│"
            text = MARKS.get(cell.kind, text) or text
            cells.append(f"{(('!' if cell.overbooked else '') + text)[: WIDTH - 1]:<{WIDTH}}")
        lines.append(f"{row_label(at):<6}" + "".join(cells).rstrip())
    return lines


blocks_app = typer.Typer(help="Blocked time on providers' schedules.", add_completion=False)


@blocks_app.command("add")
def block_add(
    ctx: typer.Context,
    provider: Annotated[int, typer.Option("--provider", help="Provider id.")],
    start: Annotated[str, typer.Option("--start", help="ISO time; without a zone, the site's.")],
    end: Annotated[str, typer.Option("--end", help="ISO time the (first) block ends.")],
    kind: Annotated[str, typer.Option(help="admin, lunch, vacation, on-call or meeting.")],
    reason: Annotated[str, typer.Option(help="What it is for.")] = "",
    rrule: Annotated[
        str | None, typer.Option(help="Repeat it: an RRULE, e.g. FREQ=WEEKLY;BYDAY=MO.")
    ] = None,
    until: Annotated[str | None, typer.Option(help="Last day it repeats, YYYY-MM-DD.")] = None,
    confirm: Annotated[
        bool, typer.Option("--confirm", help="Add it even over booked visits (they are listed).")
    ] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Block a provider's time. Booked visits under it are listed, and nothing is added
    until --confirm (exit 3): call those patients to move them."""
    desk = command_desk(ctx, db)
    with desk.store.read() as session:
        zone = str(home_zone(session, provider))
    request = BlockRequest(
        provider,
        parse_moment(start, "--start", zone),
        parse_moment(end, "--end", zone),
        kind,
        reason,
        rrule,
        parse_day(until, "--until"),
    )
    result = add_block(desk.store, desk.actor, request, now=desk.clock.now(), confirm=confirm)
    report_in_the_way(
        ("Block", "block_id", "visits_under_it"), result.block_id, result.in_the_way,
        "booked visits lie under this block", as_json=as_json,
    )  # fmt: skip


def report_in_the_way(
    names: tuple[str, str, str],
    added: int | None,
    visits: Sequence[InTheWay],
    why_not: str,
    *,
    as_json: bool,
) -> None:
    """What a block or closure did: added (and the patients to call), or not added and
    why, exit 3. `names`: what it is, its id's JSON key, the visits' JSON key."""
    what, id_key, visits_key = names
    if as_json:
        listed = [
            {"appointment_id": v.appointment_id, "mrn": v.mrn, "start": v.local_start.isoformat()}
            for v in visits
        ]
        print_json({id_key: added, visits_key: listed})
    else:
        _say_in_the_way(f"{what} {added}", added, visits, why_not)
    if added is None:
        raise typer.Exit(3)


def _say_in_the_way(what: str, added: int | None, visits: Iterable[InTheWay], why_not: str) -> None:
    """Added (and the patients to call), or not added yet and why (on stderr)."""
    lines = [
        printable(f"  {v.when}  {v.mrn}  {v.patient}  (appointment {v.appointment_id})")
        for v in visits
    ]
    if added is None:
        say(f"Not added: {why_not}:", err=True)
        for line in lines:
            say(line, err=True)
        say("Move them first, or add it anyway with --confirm.", err=True)
        return
    say(f"{what} added.")
    if lines:
        say("Call these patients to move their visits (they are on the waitlist):")
        for line in lines:
            say(line)


templates_app = typer.Typer(help="Providers' recurring availability.", add_completion=False)


@templates_app.command("show")
def templates_show(
    ctx: typer.Context,
    provider: Annotated[int | None, typer.Option("--provider", help="Provider id.")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Each template: provider, site, days (RRULE), hours in the site's time, dates, the
    visit types it takes and the overbookings it allows an hour."""
    with opened_store(ctx.obj, db).store.read() as session:
        rows = templates(session, provider)
    if as_json:
        print_json([row.to_json() for row in rows])
        return
    if not rows:
        say("No templates.")
    for row in rows:
        until = row.effective_to or "on"
        say(
            printable(
                f"{row.id:>4}  {row.provider:<24} {row.site:<5} {row.rrule:<32} "
                f"{row.opens}-{row.closes}  {row.effective_from}..{until}  "
                f"{row.visit_mode:<10} takes {', '.join(row.types)}; "
                f"overbook {row.overbook_per_hour}/h"
            )
        )


def _clock_time(text: str | None, option: str) -> time | None:
    if text is None:
        return None
    try:
        return time.fromisoformat(text.strip())
    except ValueError:
        raise BadInput(f"{option} '{text}' is not a time like 08:30.") from None


@templates_app.command("set")
def templates_set(
    ctx: typer.Context,
    template_id: Annotated[int, typer.Argument(help="Template id (templates show).")],
    rrule: Annotated[str | None, typer.Option(help="Days: an RRULE.")] = None,
    days: Annotated[str | None, typer.Option(help="Weekly days, e.g. MO,WE,FR.")] = None,
    start: Annotated[str | None, typer.Option("--from", help="Opens at HH:MM (site time).")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Closes at HH:MM (site time).")] = None,
    effective_from: Annotated[str | None, typer.Option(help="Takes effect, YYYY-MM-DD.")] = None,
    effective_to: Annotated[str | None, typer.Option(help="Stops after, YYYY-MM-DD.")] = None,
    overbook: Annotated[int | None, typer.Option(help="Overbookings allowed an hour.")] = None,
    save: Annotated[bool, typer.Option("--save", help="Apply it (else: preview only).")] = False,
    confirm: Annotated[
        bool, typer.Option("--confirm", help="Apply it even though it strands booked visits.")
    ] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Preview a template change over the next weeks (open hours before and after, booked
    visits it would strand); --save applies it. Stranding visits needs --confirm (exit 3
    without it); their patients then go on the waitlist, first in line, to be called."""
    desk = command_desk(ctx, db)
    if days and rrule:
        raise BadInput("Give --days or --rrule, not both.")
    change = TemplateChange(
        rrule or (f"FREQ=WEEKLY;BYDAY={days.upper()}" if days else None),
        _clock_time(start, "--from"),
        _clock_time(end, "--to"),
        parse_day(effective_from, "--effective-from"),
        parse_day(effective_to, "--effective-to"),
        overbook,
    )
    preview = change_template(
        desk.store, desk.actor, template_id, change,
        now=desk.clock.now(), today=clinic_today(desk.clock, settings().zone),
        save=save, confirm=confirm,
    )  # fmt: skip
    if as_json:
        print_json(preview.__dict__)
    else:
        _say_preview(preview, save)
    if save and not preview.saved:
        raise typer.Exit(3)


@templates_app.command("add")
def templates_add(
    ctx: typer.Context,
    provider: Annotated[int, typer.Option("--provider", help="Provider id.")],
    site: Annotated[str, typer.Option(help="Site code (BOS) or id.")],
    days: Annotated[str, typer.Option(help="'mon wed fri', 'weekdays' or an RRULE.")],
    start: Annotated[str, typer.Option("--from", help="Opens at HH:MM (site time).")],
    end: Annotated[str, typer.Option("--to", help="Closes at HH:MM (site time).")],
    every: Annotated[int, typer.Option(help="Every how many weeks (2: every other week).")] = 1,
    types: Annotated[str, typer.Option(help="Visit types it takes, e.g. 'FU NEW' (all).")] = "",
    overbook: Annotated[int, typer.Option(help="Overbookings allowed an hour.")] = 0,
    effective_from: Annotated[str, typer.Option(help="Takes effect (a date).")] = "today",
    effective_to: Annotated[str, typer.Option(help="Stops after (a date; none).")] = "",
    save: Annotated[bool, typer.Option("--save", help="Add it (else: preview only).")] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """A new template for a provider: preview the weeks it opens; --save adds it."""
    desk = command_desk(ctx, db)
    today = clinic_today(desk.clock, settings().zone)
    with desk.store.read() as session:
        site = directory.site_code_for(session, site)
    typed = {
        "days": days, "every": str(every), "opens": start, "closes": end, "site": site,
        "types": types, "overbook": str(overbook), "effective_from": effective_from,
        "effective_to": effective_to,
    }  # fmt: skip
    change = change_from_form(typed, today)
    preview = add_template(
        desk.store, desk.actor, provider, change, now=desk.clock.now(), today=today, save=save
    )
    if as_json:
        print_json(preview.__dict__)
    else:
        _say_preview(preview, save)


def _say_preview(preview: Preview, save: bool) -> None:
    say(
        f"Next {PREVIEW_WEEKS} weeks: {preview.hours_before:.1f} open hours now, "
        f"{preview.hours_after:.1f} after the change."
    )
    say("First days after: " + ("; ".join(preview.days_after) or "none"))
    if preview.stranded:
        say(f"{len(preview.stranded)} booked visits would fall outside it:")
        for appointment_id, mrn, when in preview.stranded:
            say(printable(f"  {when}  {mrn}  (appointment {appointment_id})"))
    if preview.saved:
        put = (
            " Their patients are on the waitlist, first in line, to be called."
            if preview.stranded
            else ""
        )
        say(f"Saved (template {preview.template_id})." + put)
    elif save:
        say("Not saved: move those visits first, or save with --confirm.", err=True)
    else:
        say("Preview only: add --save to apply it.")
