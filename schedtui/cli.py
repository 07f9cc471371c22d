"""`schedtui ...`: the TUI and the headless commands. Thin: parse, call core, print.

Exit codes: 0 success, 2 bad input (one line on stderr), 1 an unexpected fault.
"""

from __future__ import annotations

import json
import sys
import traceback
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Annotated, Any

import typer
from platformdirs import user_log_path

from schedtui import __version__
from schedtui.core.clock import Clock, FrozenClock, SystemClock
from schedtui.core.errors import USER_ERRORS, BadInput
from schedtui.core.stores import OpenedStore, open_sandbox, open_store, store_target
from schedtui.data.seed import MAX_PATIENTS, seed_store
from schedtui.settings import APP_NAME, Settings, config_file_path, load_settings

app = typer.Typer(
    name=APP_NAME,
    help="schedtui: a keyboard-first scheduling workstation for clinic call centers.",
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
db_app = typer.Typer(help="Look after the store's schema.", add_completion=False)
config_app = typer.Typer(help="Show the effective settings.", add_completion=False)
app.add_typer(db_app, name="db")
app.add_typer(config_app, name="config")

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="Store: SQLite file path or postgresql:// URL (env SCHEDTUI_DB)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]


@dataclass
class Invocation:
    """What the top-level options said, handed to every subcommand."""

    db: str | None
    sandbox: bool
    clock: Clock


def _version(value: bool) -> None:
    if value:
        typer.echo(f"schedtui {__version__}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def main_callback(
    ctx: typer.Context,
    db: DbOption = None,
    sandbox: Annotated[
        bool, typer.Option("--sandbox", help="Practise on a separate store of synthetic patients.")
    ] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Start the TUI on the default store (created and upgraded on first run)."""
    ctx.obj = Invocation(db=db, sandbox=sandbox, clock=SystemClock())
    if ctx.invoked_subcommand is None:
        _run_tui(ctx.obj)


def _settings() -> Settings:
    return load_settings()


def _opened(invocation: Invocation, db: str | None = None) -> OpenedStore:
    settings = _settings()
    db = db or invocation.db
    if invocation.sandbox:
        store_target(settings, db=db, sandbox=True)  # refuses --db with --sandbox
        return open_sandbox(settings, invocation.clock, on_seed=_announce_sandbox)
    target = store_target(settings, db=db, sandbox=False)
    opened = open_store(target, now=invocation.clock.now())
    _report_upgrade(opened)
    return opened


def _announce_sandbox() -> None:
    typer.echo("Creating the sandbox clinic (synthetic patients), first use only...", err=True)


def _report_upgrade(opened: OpenedStore) -> None:
    result = opened.upgrade
    if result.changed and result.from_revision is not None:
        copy = f"; the old store was copied to {result.backup_path}" if result.backup_path else ""
        typer.echo(
            f"Upgraded the store from schema {result.from_revision} to {result.to_revision}{copy}.",
            err=True,
        )


def _run_tui(invocation: Invocation) -> None:
    from schedtui.app import create_app

    settings = _settings()
    opened = _opened(invocation)
    create_app(settings, opened.store, invocation.clock, sandbox=invocation.sandbox).run()


@app.command()
def init(ctx: typer.Context, db: DbOption = None) -> None:
    """Create the store (or bring an existing one up to date) and say where it is."""
    opened = _opened(ctx.obj, db)
    verb = "Created" if opened.created else "Opened"
    typer.echo(
        f"{verb} the store at {opened.store.describe()} (schema {opened.upgrade.to_revision})."
    )


@db_app.command("upgrade")
def db_upgrade(ctx: typer.Context, db: DbOption = None) -> None:
    """Upgrade the store's schema to this version of schedtui."""
    opened = _opened(ctx.obj, db)
    result = opened.upgrade
    if result.changed:
        typer.echo(f"The store at {opened.store.describe()} is now at schema {result.to_revision}.")
    else:
        typer.echo(
            f"The store at {opened.store.describe()} is already at schema {result.to_revision}."
        )


@app.command()
def seed(
    ctx: typer.Context,
    patients: Annotated[
        int, typer.Option(help="How many synthetic patients (schedules fill from ~1,000).")
    ] = 2000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed: same seed, same clinic.")] = 1,
    today: Annotated[
        str | None, typer.Option(help="Anchor the clinic on this date (YYYY-MM-DD), not today.")
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Fill an empty store with a synthetic multi-site clinic (no real patient data)."""
    if not 1 <= patients <= MAX_PATIENTS:
        raise BadInput(f"--patients must be between 1 and {MAX_PATIENTS:,}, not {patients}.")
    invocation: Invocation = ctx.obj
    if today is not None:
        invocation.clock = FrozenClock(
            datetime.combine(_parse_date(today, "--today"), time(14), UTC)
        )
    opened = _opened(invocation, db)
    summary = seed_store(opened.store, patients=patients, seed=seed, now=invocation.clock.now())
    facts = {
        "store": opened.store.describe(),
        "patients": summary.patients,
        "providers": summary.providers,
        "sites": summary.sites,
        "appointments": summary.appointments,
        "future_fill_rate": round(summary.future_fill_rate, 3),
        "seconds": round(summary.seconds, 2),
    }
    if as_json:
        typer.echo(json.dumps(facts))
        return
    typer.echo(
        f"Seeded {opened.store.describe()}: {summary.patients:,} patients, {summary.providers} "
        f"providers at {summary.sites} sites, {summary.appointments:,} appointments "
        f"(next 8 weeks {summary.future_fill_rate:.0%} booked) in {summary.seconds:.1f} s."
    )


def _parse_date(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadInput(f"{option} '{text}' is not a date like 2026-03-04.") from None


@config_app.command("show")
def config_show(as_json: JsonOption = False) -> None:
    """Print the effective settings and where each can be changed (no secrets)."""
    settings = _settings()
    values = settings.model_dump()
    for key in ("db", "sandbox_db"):
        if values[key] and "://" in values[key]:
            values[key] = _hide_password(values[key])
    if as_json:
        typer.echo(json.dumps({"config_file": str(config_file_path()), "settings": values}))
        return
    path = config_file_path()
    typer.echo(f"# config file: {path}{'' if path.is_file() else ' (not present)'}")
    typer.echo(f"# store: {values['db'] or settings.store_target()}")
    for name, field in Settings.model_fields.items():
        typer.echo(f"{name} = {json.dumps(values[name])}  # {field.description}")


def _hide_password(url: str) -> str:
    from sqlalchemy import make_url

    return make_url(url).render_as_string(hide_password=True)


def _fail(message: str, code: int) -> int:
    typer.echo(f"schedtui: {message}", err=True)
    if "--json" in sys.argv:
        typer.echo(json.dumps({"error": message}))
    return code


def _log_fault(exc: BaseException) -> str:
    try:
        folder = user_log_path(APP_NAME)
        folder.mkdir(parents=True, exist_ok=True)
        log = folder / "faults.log"
        with log.open("a", encoding="utf-8") as handle:
            handle.write(f"--- {datetime.now(UTC).isoformat()}\n")
            handle.write("".join(traceback.format_exception(exc)))
        return f" (details in {log})"
    except OSError:
        return ""


def run(argv: list[str] | None = None) -> int:
    """Run the CLI; return the exit code instead of exiting."""
    command = typer.main.get_command(app)
    try:
        result: Any = command.main(args=argv, prog_name=APP_NAME, standalone_mode=False)
    except typer.TyperException as exc:
        # Typer's (vendored click) usage errors: a bad option, a missing argument...
        ctx = getattr(exc, "ctx", None)
        hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
        return _fail(f"{exc.format_message()}{hint}", getattr(exc, "exit_code", 2))
    except (typer.Abort, KeyboardInterrupt):
        return _fail("interrupted.", 130)
    except USER_ERRORS as exc:
        return _fail(str(exc), 2)
    except Exception as exc:
        return _fail(f"unexpected fault: {type(exc).__name__}: {exc}{_log_fault(exc)}", 1)
    return result if isinstance(result, int) else 0


def main() -> None:
    """Console script entry point."""
    sys.exit(run())
