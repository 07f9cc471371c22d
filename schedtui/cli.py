"""`schedtui ...`: the TUI and the headless commands. Thin: parse, call core, print.

Exit codes: 0 success, 2 bad input (one line on stderr), 1 an unexpected fault.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from importlib import import_module
from typing import Annotated, Any

import typer
from sqlalchemy.exc import DataError

from schedtui import __version__
from schedtui.commands.common import DbOption, Invocation, settings, use_clock
from schedtui.core.security.private_files import shortened
from schedtui.core.support.clock import SystemClock
from schedtui.core.support.errors import USER_ERRORS, BadInput
from schedtui.core.support.faults import describe_fault
from schedtui.core.support.text import printable
from schedtui.launch import keep_files_from_other_accounts
from schedtui.settings import APP_NAME

#: The commands, in the order `--help` lists them: the module under schedtui.commands
#: that holds them, how it adds them (a sub-app's name, or its `register` function), and
#: the top-level names they take. A command's module is imported only when it runs.
COMMANDS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("store", "register", ("init", "seed", "backup", "restore", "db")),
    ("config", "app", ("config",)),
    ("users", "app", ("users",)),
    ("audit", "app", ("audit",)),
    ("directory", "sites_app", ("sites",)),
    ("directory", "providers_app", ("providers",)),
    ("directory", "types_app", ("types",)),
    ("directory", "specialties_app", ("specialties",)),
    ("resources", "app", ("resources",)),
    ("limits", "app", ("limits",)),
    ("scheduling", "register", ("slots", "access", "book")),
    ("calendar", "register", ("day", "blocks", "templates")),
    ("closures", "app", ("closures",)),
    ("provider_lists", "app", ("provider-lists",)),
    ("appointments", "app", ("appointments",)),
    ("waitlist", "app", ("waitlist",)),
    ("referrals", "app", ("referrals",)),
    ("recalls", "app", ("recalls",)),
    ("cases", "register", ("escalations", "complaints")),
    ("callbacks", "register", ("callbacks", "queue")),
    ("eligibility", "app", ("eligibility",)),
    ("insurance", "register", ("payers", "coverage", "auth")),
    ("payments", "app", ("payments",)),
    ("reports", "app", ("report",)),
    ("patients", "app", ("patients",)),
    ("importing", "app", ("import",)),
    ("notes", "app", ("notes",)),
    ("messages", "app", ("messages",)),
)


def _new_app() -> typer.Typer:
    return typer.Typer(
        name=APP_NAME,
        help="schedtui: a keyboard-first scheduling workstation for clinic call centers.",
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
    )


def build_app(only: str | None = None) -> typer.Typer:
    """The CLI with every command, or with `only` that top-level command (and the TUI's
    own: the main callback and `call`), importing no other command's module."""
    built = _new_app()
    built.callback(invoke_without_command=True)(main_callback)
    built.command("call")(call)
    for module_name, how, names in COMMANDS:
        if only is not None and only not in names:
            continue
        module = import_module(f"schedtui.commands.{module_name}")
        if how == "register":
            register: Callable[[typer.Typer], None] = module.register
            register(built)
        else:
            built.add_typer(getattr(module, how), name=names[0])
    return built


#: What `command_named` answers for the TUI (and `call`): no command's module is needed.
THE_TUI = "call"


def command_named(argv: list[str]) -> str | None:
    """The top-level command `argv` runs, if it is one of COMMANDS; THE_TUI for the TUI and
    `call` (which need no command's module); None for `--help` or a mistyped name, which
    get every command."""
    args = iter(argv)
    for arg in args:
        if arg == "--db":
            next(args, None)
        elif not arg.startswith("-"):
            known = arg == THE_TUI or any(arg in names for _, _, names in COMMANDS)
            return arg if known else None
        elif arg == "--help":
            return None
    return THE_TUI


def __getattr__(name: str) -> Any:
    if name == "app":  # the whole CLI, for what lists every command
        return build_app()
    raise AttributeError(name)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"schedtui {__version__}")
        raise typer.Exit()


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
    use_clock(ctx.obj.clock)  # what "today" means to a day given in words
    if ctx.invoked_subcommand is None:
        _run_tui(ctx.obj)


def _run_tui(invocation: Invocation, caller_query: str = "") -> None:
    from schedtui.tui_start import start_tui

    start_tui(
        invocation.clock, db=invocation.db, sandbox=invocation.sandbox, caller_query=caller_query
    )


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
    arguments = sys.argv[1:] if argv is None else argv
    command = typer.main.get_command(build_app(command_named(arguments)))
    try:
        result: Any = command.main(args=argv, prog_name=APP_NAME, standalone_mode=False)
    except (Exception, KeyboardInterrupt) as exc:
        return failure_code(exc, argv)
    return result if isinstance(result, int) else 0


def failure_code(exc: BaseException, argv: list[str] | None = None) -> int:
    """Say what stopped a command (or the TUI's store from opening), on standard error
    (and as JSON after --json), and give the exit code for it."""
    if isinstance(exc, typer.TyperException):
        # Typer's (vendored click) usage errors: a bad option, a missing argument...
        ctx = getattr(exc, "ctx", None)
        hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
        return _fail(f"{exc.format_message()}{hint}", getattr(exc, "exit_code", 2), argv)
    if isinstance(exc, typer.Abort | KeyboardInterrupt):
        return _fail("interrupted.", 130)
    if isinstance(exc, USER_ERRORS):
        return _fail(str(exc), 2, argv)
    if isinstance(exc, OverflowError | DataError):
        return _fail(
            "a number given is too large for the store (ids stop at 9,223,372,036,854,775,807).",
            2,
            argv,
        )
    if isinstance(exc, ValueError) and "null byte" in str(exc):
        return _fail("a path given holds a NUL character; give a plain path.", 2, argv)
    if isinstance(exc, OSError) and exc.filename is not None:
        return _fail(f"{shortened(str(exc.filename))}: {exc.strerror}.", 2, argv)
    return _fail(f"unexpected fault: {describe_fault(exc)}", 1, argv)


def main() -> None:
    """Console script entry point."""
    sys.exit(run())
