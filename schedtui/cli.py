"""`schedtui ...`: the TUI and the headless commands. Thin: parse, call core, print.

Exit codes: 0 success, 2 bad input (one line on stderr), 1 an unexpected fault.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Annotated, Any

import typer
from sqlalchemy.exc import DataError

from schedtui import __version__
from schedtui.commands import appointments as appointment_commands
from schedtui.commands import audit as audit_commands
from schedtui.commands import calendar as calendar_commands
from schedtui.commands import closures as closure_commands
from schedtui.commands import config as config_commands
from schedtui.commands import directory as directory_commands
from schedtui.commands import eligibility as eligibility_commands
from schedtui.commands import insurance as insurance_commands
from schedtui.commands import notes as note_commands
from schedtui.commands import patients as patient_commands
from schedtui.commands import provider_lists as list_commands
from schedtui.commands import scheduling as scheduling_commands
from schedtui.commands import store as store_commands
from schedtui.commands import users as users_commands
from schedtui.commands import waitlist as waitlist_commands
from schedtui.commands.common import DbOption, Invocation, opened_store, settings
from schedtui.core.clock import SystemClock
from schedtui.core.errors import USER_ERRORS, BadInput
from schedtui.core.faults import describe_fault
from schedtui.core.private_files import shortened
from schedtui.core.text import printable
from schedtui.settings import APP_NAME

app = typer.Typer(
    name=APP_NAME,
    help="schedtui: a keyboard-first scheduling workstation for clinic call centers.",
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
store_commands.register(app)
app.add_typer(config_commands.app, name="config")
app.add_typer(users_commands.app, name="users")
app.add_typer(audit_commands.app, name="audit")
app.add_typer(directory_commands.sites_app, name="sites")
app.add_typer(directory_commands.providers_app, name="providers")
app.add_typer(directory_commands.types_app, name="types")
scheduling_commands.register(app)
calendar_commands.register(app)
app.add_typer(closure_commands.app, name="closures")
app.add_typer(list_commands.app, name="provider-lists")
app.add_typer(appointment_commands.app, name="appointments")
app.add_typer(waitlist_commands.app, name="waitlist")
app.add_typer(eligibility_commands.app, name="eligibility")
insurance_commands.register(app)
app.add_typer(patient_commands.app, name="patients")
app.add_typer(note_commands.app, name="notes")


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


def _run_tui(invocation: Invocation, caller_query: str = "") -> None:
    from dataclasses import replace

    from schedtui.app import create_app
    from schedtui.core.session import start_session

    current = settings()
    # The first start on the default store creates it; a store named by --db, SCHEDTUI_DB
    # or the settings must exist (a typo is not a new clinic).
    opened = opened_store(invocation, create=invocation.db is None and current.db is None)
    start = start_session(opened.store, current, invocation.clock, sandbox=invocation.sandbox)
    start = replace(start, caller_query=caller_query)
    create_app(
        current, opened.store, invocation.clock, sandbox=invocation.sandbox, start=start
    ).run()


@app.command("call")
def call(
    ctx: typer.Context,
    caller: Annotated[
        str, typer.Option("--from", help="The caller's number, as the phone system gives it.")
    ],
) -> None:
    """Open the call workspace with the lookup filled with the caller's number (screen pop)."""
    _run_tui(ctx.obj, caller_digits(caller, settings().region))


def caller_digits(number: str, region: str) -> str:
    """The national digits of a caller's number, for the lookup; a clear error otherwise."""
    import phonenumbers

    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        raise BadInput(f"--from '{number}' is not a phone number.") from None
    if not phonenumbers.is_possible_number(parsed):
        raise BadInput(f"--from '{number}' is not a phone number.")
    return str(parsed.national_number)


def _fail(message: str, code: int, argv: list[str] | None = None) -> int:
    """One line on stderr (control characters and line breaks shown as symbols, so text
    from the store or the command line never moves the terminal), and with --json one
    JSON document on stdout."""
    line = printable(message)
    typer.echo(f"schedtui: {line}", err=True)
    if "--json" in (sys.argv if argv is None else argv):
        typer.echo(json.dumps({"error": line}))
    return code


def run(argv: list[str] | None = None) -> int:
    """Run the CLI; return the exit code instead of exiting."""
    keep_files_from_other_accounts()
    command = typer.main.get_command(app)
    try:
        result: Any = command.main(args=argv, prog_name=APP_NAME, standalone_mode=False)
    except typer.TyperException as exc:
        # Typer's (vendored click) usage errors: a bad option, a missing argument...
        ctx = getattr(exc, "ctx", None)
        hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
        return _fail(f"{exc.format_message()}{hint}", getattr(exc, "exit_code", 2), argv)
    except (typer.Abort, KeyboardInterrupt):
        return _fail("interrupted.", 130)
    except USER_ERRORS as exc:
        return _fail(str(exc), 2, argv)
    except (OverflowError, DataError):
        return _fail(
            "a number given is too large for the store (ids stop at 9,223,372,036,854,775,807).",
            2,
            argv,
        )
    except ValueError as exc:
        if "null byte" not in str(exc):
            return _fail(f"unexpected fault: {describe_fault(exc)}", 1, argv)
        return _fail("a path given holds a NUL character; give a plain path.", 2, argv)
    except OSError as exc:
        if exc.filename is None:
            return _fail(f"unexpected fault: {describe_fault(exc)}", 1, argv)
        return _fail(f"{shortened(str(exc.filename))}: {exc.strerror}.", 2, argv)
    except Exception as exc:
        return _fail(f"unexpected fault: {describe_fault(exc)}", 1, argv)
    return result if isinstance(result, int) else 0


def keep_files_from_other_accounts() -> None:
    """Nothing this process creates is readable or writable by other accounts (the
    user's own umask may take more away, never less)."""
    os.umask(os.umask(0) | 0o007)


def main() -> None:
    """Console script entry point."""
    sys.exit(run())
