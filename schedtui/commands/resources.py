"""`schedtui resources list|add|edit|activate|deactivate`: rooms, equipment and
interpreters, and the visit types each serves (core.schedule.resource_setup)."""

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
from schedtui.core.schedule import resource_setup as setup

app = typer.Typer(help="Rooms, equipment and interpreters.", add_completion=False)

Name = Annotated[str | None, typer.Option(help="What people call it (MRI 1, Room 4).")]
Site = Annotated[str | None, typer.Option(help="Site code or id ('' for none).")]
Language = Annotated[str | None, typer.Option(help="An interpreter's language, e.g. es.")]
Serves = Annotated[
    str | None, typer.Option(help="Visit type codes it serves, e.g. MRI,CT (replaces the list).")
]


@app.command("list")
def resource_list(ctx: typer.Context, db: DbOption = None, as_json: JsonOption = False) -> None:
    """Every resource, active first, with the visit types it serves."""
    rows = rows_read(ctx, db, setup.resources)
    if as_json:
        print_json([row.to_json() for row in rows])
        return
    for row in rows:
        state = "" if row.active else "  (inactive)"
        where = f" at {row.site}" if row.site else ""
        speaks = f" ({row.language})" if row.language else ""
        serves = ",".join(row.serves) or "-"
        say(f"{row.id:>3}  {row.kind:<11} {row.name}{speaks}{where}  serves {serves}{state}")


@app.command("add")
def resource_add(
    ctx: typer.Context,
    kind: Annotated[str, typer.Option(help="room, equipment or interpreter.")],
    name: Annotated[str, typer.Option(help="What people call it (MRI 1, Room 4).")],
    site: Site = None,
    language: Language = None,
    serves: Serves = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Add a room, piece of equipment or interpreter (supervisors)."""
    desk = command_desk(ctx, db)
    fields = setup.ResourceFields(name, site, language, serves)
    new_id = setup.add_resource(desk.store, desk.actor, kind, fields, now=desk.clock.now())
    if as_json:
        print_json({"id": new_id})
    else:
        say(f"Resource added: id {new_id}.")


@app.command("edit")
def resource_edit(
    ctx: typer.Context,
    resource: Annotated[int, typer.Argument(help="Resource id.")],
    name: Name = None,
    site: Site = None,
    language: Language = None,
    serves: Serves = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Change what is given of a resource (supervisors)."""
    desk = command_desk(ctx, db)
    fields = setup.ResourceFields(name, site, language, serves)
    changed = setup.edit_resource(desk.store, desk.actor, resource, fields, now=desk.clock.now())
    if as_json:
        print_json({"changed": changed})
    elif changed:
        say(f"Resource {resource}: changed {', '.join(changed)}.")
    else:
        say(f"Resource {resource}: nothing to change (each option given already says so).")


def _switch(active: bool) -> None:
    words = "Back in service" if active else "Out of service: never offered again"

    @app.command(
        "activate" if active else "deactivate",
        help=f"{words.split(':')[0]} (supervisors); visits that used it keep it.",
    )
    def switch(
        ctx: typer.Context,
        resource: Annotated[int, typer.Argument(help="Resource id.")],
        db: DbOption = None,
        as_json: JsonOption = False,
    ) -> None:
        desk = command_desk(ctx, db)
        setup.set_resource_active(desk.store, desk.actor, resource, active, now=desk.clock.now())
        if as_json:
            print_json({"active": active})
        else:
            say(f"Resource {resource}: {words.lower()}.")


_switch(False)
_switch(True)
