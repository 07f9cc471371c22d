"""`schedtui patients merge SURVIVOR MERGED` and `patients duplicates`: find likely
duplicate charts across the store, and merge one into another."""

from __future__ import annotations

from typing import Annotated

import typer

from schedtui.commands.common import DbOption, JsonOption, command_desk, print_json, say
from schedtui.core.patients.duplicates import likely_duplicates
from schedtui.core.patients.merge import merge_charts
from schedtui.core.support.formats import day_text
from schedtui.core.support.text import printable


def merge(
    ctx: typer.Context,
    survivor: Annotated[str, typer.Argument(help="The MRN of the chart that stays.")],
    merged: Annotated[str, typer.Argument(help="The MRN of the duplicate merged into it.")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Merge a duplicate chart into the one that stays (supervisors; audited): its visits,
    coverage, notes, referrals, waitlist entries and messages move; its MRN then finds
    the surviving chart."""
    desk = command_desk(ctx, db)
    done = merge_charts(desk.store, desk.actor, survivor, merged, now=desk.clock.now())
    if as_json:
        print_json({"survivor": done.survivor_mrn, "merged": done.merged_mrn, "moved": done.moved})
        return
    moved = ", ".join(f"{count} {table}" for table, count in done.moved.items()) or "nothing"
    say(printable(f"Merged {done.merged_mrn} into {done.survivor_mrn}; moved: {moved}."))


def duplicates(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option(min=1, max=10_000, help="Show at most this many.")] = 500,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Likely duplicate charts, the most alike first: the same date of birth and a
    similar name, or the same phone (an audited view)."""
    desk = command_desk(ctx, db)
    pairs = likely_duplicates(desk.store, desk.actor, now=desk.clock.now(), limit=limit)
    if as_json:
        print_json([pair.to_json() for pair in pairs])
        return
    if not pairs:
        say("No likely duplicates.")
    for pair in pairs:
        born = day_text(pair.dob) if pair.dob else "-"
        first = f"{pair.first_mrn:<10} {pair.first_name:<28}"
        second = f"{pair.second_mrn:<10} {pair.second_name:<28}"
        say(printable(f"{first} {second} {born}  {pair.reason} ({pair.likeness})"))
