"""`schedtui config show`."""

from __future__ import annotations

import json

import typer

from schedtui.commands.common import DbOption, JsonOption, print_json, say, settings
from schedtui.core.support.errors import BadInput
from schedtui.core.upkeep.stores import without_password
from schedtui.settings import Settings, config_file_path

app = typer.Typer(help="Show the effective settings.", add_completion=False)


@app.command("show")
def show(ctx: typer.Context, db: DbOption = None, as_json: JsonOption = False) -> None:
    """Print the effective settings and where each can be changed (no secrets)."""
    current = settings()
    invocation = ctx.obj
    sandbox = bool(invocation is not None and invocation.sandbox)
    named = db or (invocation.db if invocation is not None else None)
    if sandbox and named:
        raise BadInput("--sandbox always opens the sandbox store; leave out --db.")
    values = current.model_dump()
    for key in ("db", "sandbox_db"):
        if values[key] and "://" in values[key]:
            values[key] = without_password(values[key])
    path = config_file_path()
    # the store this invocation opens: --db, else the sandbox's with --sandbox, else the clinic's
    store = named or (
        current.sandbox_target() if sandbox else values["db"] or current.store_target()
    )
    if "://" in store:
        store = without_password(store)
    if as_json:
        print_json(
            {"config_file": str(path), "store": store, "sandbox": sandbox, "settings": values}
        )
        return
    say(f"# config file: {path}{'' if path.is_file() else ' (not present)'}")
    say(f"# store: {store}{' (the sandbox)' if sandbox else ''}")
    for name, field in Settings.model_fields.items():
        say(f"{name} = {json.dumps(values[name])}  # {field.description}")


@app.command("keys")
def keys(as_json: JsonOption = False) -> None:
    """List the keys the TUI answers to, by id, as the [keymap] setting has them."""
    from schedtui.keymap import KeyNames, check_keymap, remappable

    current = settings()
    check_keymap(current.keymap)
    names = KeyNames(current.keymap)
    rows = [
        {
            "id": binding_id,
            "key": names(binding_id),
            "moved": binding_id in current.keymap,
            "does": binding.description,
        }
        for binding_id, binding in sorted(remappable().items())
    ]
    if as_json:
        print_json(rows)
        return
    for row in rows:
        moved = "  (moved)" if row["moved"] else ""
        say(f"{row['id']:<28} {row['key']:<10} {row['does']}{moved}")
