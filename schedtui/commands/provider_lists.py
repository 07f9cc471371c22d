"""`schedtui provider-lists show|save|delete`: the clinic's saved lists of providers for
the calendar (its f key and `schedtui day --list NAME`)."""

from __future__ import annotations

from typing import Annotated

import typer

from schedtui.commands.common import DbOption, JsonOption, print_json, say, signed_in
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
    _invocation, opened, _actor = signed_in(ctx, db)
    with opened.store.read() as session:
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
    invocation, opened, actor = signed_in(ctx, db)
    saved = save_provider_list(opened.store, actor, name, provider, now=invocation.clock.now())
    say(printable(f"Saved '{' '.join(name.split())}': {', '.join(map(str, saved))}."))


@app.command("delete")
def lists_delete(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The list's name.")],
    db: DbOption = None,
) -> None:
    """Delete a list (the providers stay as they are)."""
    invocation, opened, actor = signed_in(ctx, db)
    delete_provider_list(opened.store, actor, name, now=invocation.clock.now())
    say(printable(f"Deleted '{name}'."))
