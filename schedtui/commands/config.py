"""`schedtui config show`."""

from __future__ import annotations

import json

import typer
from sqlalchemy import make_url

from schedtui.commands.common import JsonOption, print_json, say, settings
from schedtui.settings import Settings, config_file_path

app = typer.Typer(help="Show the effective settings.", add_completion=False)


@app.command("show")
def show(as_json: JsonOption = False) -> None:
    """Print the effective settings and where each can be changed (no secrets)."""
    current = settings()
    values = current.model_dump()
    for key in ("db", "sandbox_db"):
        if values[key] and "://" in values[key]:
            values[key] = make_url(values[key]).render_as_string(hide_password=True)
    path = config_file_path()
    if as_json:
        print_json({"config_file": str(path), "settings": values})
        return
    say(f"# config file: {path}{'' if path.is_file() else ' (not present)'}")
    say(f"# store: {values['db'] or current.store_target()}")
    for name, field in Settings.model_fields.items():
        say(f"{name} = {json.dumps(values[name])}  # {field.description}")
