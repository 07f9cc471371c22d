"""`schedtui provider-lists show|save|delete`: the clinic's saved lists of providers for
the calendar (its f key and `schedtui day --list NAME`)."""

from __future__ import annotations

from typing import Annotated

import typer

from schedtui.commands.common import DbOption, JsonOption, command_desk, print_json, say
from schedtui.core.schedule.provider_lists import (
    delete_provider_list,
    provider_lists,
    save_provider_list,
)
from schedtui.core.support.text import printable

app = typer.Typer(help="Saved lists of providers for the calendar.", add_completion=False)


@app.command("show")
def lists_show(ctx: typer.Context, db: DbOption = None, as_json: JsonOption = False) -> None:
    """Every saved list: its name and providers' ids, in order."""
    desk = command_desk(ctx, db)
    with desk.store.read() as session:
        lists = provider_lists(session)
    if as_json:
        print_json(lists)
        return
    if not lists:
        say("No saved lists.")
    for name, ids in lists.items():
        say(printable(f"{name}: {', '.join(map(str, ids))}"))


@app.command("save")
def lists_save(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The list's name, e.g. 'cardiology team'.")],
    provider: Annotated[list[int], typer.Option("--provider", help="Provider id (repeat).")],
    db: DbOption = None,
) -> None:
    """Save (or replace) a list, in the order given (supervisors; audited)."""
    desk = command_desk(ctx, db)
    saved = save_provider_list(desk.store, desk.actor, name, provider, now=desk.clock.now())
    say(printable(f"Saved '{' '.join(name.split())}': {', '.join(map(str, saved))}."))


@app.command("delete")
def lists_delete(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The list's name.")],
    db: DbOption = None,
) -> None:
    """Delete a list (the providers stay as they are)."""
    desk = command_desk(ctx, db)
    delete_provider_list(desk.store, desk.actor, name, now=desk.clock.now())
    say(printable(f"Deleted '{name}'."))
