"""`schedtui init`, `db upgrade`, `seed`, `backup` and `restore`."""

from __future__ import annotations

from datetime import UTC, datetime, time
from pathlib import Path
from typing import Annotated

import typer

from schedtui.commands.common import (
    DbOption,
    Invocation,
    JsonOption,
    command_actor,
    command_desk,
    opened_store,
    parse_day,
    print_json,
    say,
)
from schedtui.core.security import audit
from schedtui.core.security.access import Actor, Permission
from schedtui.core.security.guard import require
from schedtui.core.security.users import needs_first_admin
from schedtui.core.support.clock import FrozenClock
from schedtui.core.support.errors import BadInput
from schedtui.core.upkeep.backup import backup_store, plan_restore, restore_store
from schedtui.core.upkeep.stores import OpenedStore

db_app = typer.Typer(help="Look after the store's schema.", add_completion=False)


def init(
    ctx: typer.Context,
    db: DbOption = None,
    encrypt: Annotated[
        bool, typer.Option("--encrypt", help="Create a new SQLCipher store; key in the keychain.")
    ] = False,
) -> None:
    """Create the store (or bring an existing one up to date) and say where it is."""
    invocation: Invocation = ctx.obj
    if encrypt and invocation.sandbox:
        raise BadInput("The sandbox holds only synthetic patients; it is never encrypted.")
    opened = opened_store(invocation, db, encrypt=encrypt, create=True)
    verb = "Created" if opened.created else "Opened"
    how = " encrypted" if opened.store.encrypted else ""
    say(
        f"{verb} the{how} store at {opened.store.describe()} (schema {opened.upgrade.to_revision})."
    )


@db_app.command("upgrade")
def db_upgrade(ctx: typer.Context, db: DbOption = None) -> None:
    """Upgrade the store's schema to this version of schedtui."""
    opened = opened_store(ctx.obj, db)
    result, where = opened.upgrade, opened.store.describe()
    state = "now" if result.changed else "already"
    say(f"The store at {where} is {state} at schema {result.to_revision}.")


def seed(
    ctx: typer.Context,
    patients: Annotated[
        int, typer.Option(help="How many synthetic patients (schedules fill from ~1,000).")
    ] = 2000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed: same seed, same clinic.")] = 1,
    providers: Annotated[
        int, typer.Option(min=1, max=200, help="Providers (12 by default; more for load tests).")
    ] = 12,
    today: Annotated[
        str | None, typer.Option(help="Anchor the clinic on this date (YYYY-MM-DD), not today.")
    ] = None,
    not_real: Annotated[
        bool,
        typer.Option(
            "--not-a-real-clinic",
            help="Seed a store that has no admin yet: say it is a demo or test store.",
        ),
    ] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Fill an empty store with a synthetic multi-site clinic (no real patient data).
    An admin seeds a clinic store; a store with no admin yet only with
    --not-a-real-clinic. Audited."""
    from schedtui.core.patients.lookup.store_keys import catch_up
    from schedtui.data.seed import MAX_PATIENTS, seed_store  # Faker loads only when seeding

    if not 1 <= patients <= MAX_PATIENTS:
        raise BadInput(f"--patients must be between 1 and {MAX_PATIENTS:,}, not {patients}.")
    invocation: Invocation = ctx.obj
    anchor = parse_day(today, "--today")
    if anchor is not None:
        invocation.clock = FrozenClock(datetime.combine(anchor, time(14), UTC))
    opened = opened_store(invocation, db)
    actor = _seeding_actor(opened, invocation, not_real=not_real)
    summary = seed_store(
        opened.store, patients=patients, seed=seed, now=invocation.clock.now(), providers=providers
    )
    catch_up(
        opened.store, invocation.clock.now()
    )  # the lookup's keys, so a first search reads only a few patients
    audit.append(
        opened.store,
        actor=actor,
        username=None if actor else "(no admin yet)",
        action="create",
        now=invocation.clock.now(),
        entity="store",
        detail={"seeded": {"patients": summary.patients, "seed": seed, "providers": providers}},
    )
    if as_json:
        print_json(
            {
                "store": opened.store.describe(),
                "patients": summary.patients,
                "providers": summary.providers,
                "sites": summary.sites,
                "appointments": summary.appointments,
                "future_fill_rate": round(summary.future_fill_rate, 3),
                "seconds": round(summary.seconds, 2),
            }
        )
        return
    say(
        f"Seeded {opened.store.describe()}: {summary.patients:,} patients, {summary.providers} "
        f"providers at {summary.sites} sites, {summary.appointments:,} appointments "
        f"(next 8 weeks {summary.future_fill_rate:.0%} booked) in {summary.seconds:.1f} s."
    )


def backup(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="The new backup file.")],
    db: DbOption = None,
) -> None:
    """Copy the store to PATH while others keep working (admins; audited)."""
    desk = command_desk(ctx, db)
    facts = backup_store(desk.store, desk.actor, path, now=desk.clock.now())
    say(
        f"Backed up {desk.store.describe()} to {facts.path} "
        f"({facts.size_bytes / 1e6:.1f} MB, schema {facts.revision}, checked intact)."
    )


def restore(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="A backup made with 'schedtui backup'.")],
    confirm: Annotated[
        bool, typer.Option("--confirm", help="Replace the store (else: say what would change).")
    ] = False,
    db: DbOption = None,
) -> None:
    """Replace the store with a checked backup; the current store is copied aside first.
    Without --confirm it only says what would change (exit 3)."""
    desk = command_desk(ctx, db)
    kind = "sandbox" if desk.sandbox else "clinic"
    now = desk.clock.now()
    if not confirm:
        plan = plan_restore(desk.store, desk.actor, path, kind=kind, now=now)
        say(f"Restoring {plan.backup.path} into {desk.store.describe()} would change:")
        for line in plan.lines():
            say(f"  {line}")
        say("Nothing changed yet: add --confirm to restore.", err=True)
        raise typer.Exit(3)
    facts = restore_store(desk.store, desk.actor, path, kind=kind, now=now)
    for line in facts.plan.lines():
        say(f"  {line}")
    say(
        f"Restored {desk.store.describe()} from {facts.restored_from}; the store as it "
        f"was is kept at {facts.previous_copy}."
    )


def _seeding_actor(opened: OpenedStore, invocation: Invocation, *, not_real: bool) -> Actor | None:
    """Who seeds: the store's admin (signed in by OS account), or nobody yet on a store
    with no admin when the user said it is not a real clinic."""
    with opened.store.read() as session:
        first_run = needs_first_admin(session)
    if first_run:
        if not not_real:
            raise BadInput(
                f"{opened.store.describe()} has no admin yet. Seeding fills it with a synthetic "
                "clinic: add --not-a-real-clinic if this is a demo or test store."
            )
        return None
    actor = command_actor(opened, invocation)
    require(opened.store, actor, Permission.SEED_STORE, now=invocation.clock.now(), what="store")
    return actor


def register(app: typer.Typer) -> None:
    """Add these commands to the main app."""
    app.command()(init)
    app.command()(seed)
    app.command()(backup)
    app.command()(restore)
    app.add_typer(db_app, name="db")
