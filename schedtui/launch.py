"""The `schedtui` console script: answers `--version` before importing anything heavy,
starts the TUI with its first frame drawn before the store's modules load, and hands
every command to the CLI (`schedtui.cli`)."""

from __future__ import annotations

import os
import sys

from schedtui import __version__


def main() -> None:
    """Console script entry point."""
    arguments = sys.argv[1:]
    if arguments == ["--version"]:
        print(f"schedtui {__version__}")
        sys.exit(0)
    tui = tui_options(arguments)
    if tui is not None:
        sys.exit(_run_tui(*tui))
    from schedtui.cli import run

    sys.exit(run())


def tui_options(arguments: list[str]) -> tuple[str | None, bool] | None:
    """(--db, --sandbox) when the arguments start the TUI and say nothing else (`schedtui`,
    `schedtui --sandbox`, `schedtui --db clinic.db`); None for anything else, which the
    CLI reads (and, when wrong, explains)."""
    db: str | None = None
    sandbox = False
    rest = iter(arguments)
    for argument in rest:
        if argument == "--sandbox" and not sandbox:
            sandbox = True
        elif argument == "--db" and db is None:
            db = next(rest, None)
            if db is None or db.startswith("-"):
                return None
        elif argument.startswith("--db=") and db is None:
            db = argument.removeprefix("--db=")
        else:
            return None
    return db, sandbox


def _run_tui(db: str | None, sandbox: bool) -> int:
    keep_files_from_other_accounts()
    from schedtui.core.support.clock import SystemClock
    from schedtui.tui_start import start_tui

    try:
        start_tui(SystemClock(), db=db, sandbox=sandbox)
    except (Exception, KeyboardInterrupt) as exc:
        from schedtui.cli import failure_code  # said as any command says it

        return failure_code(exc, sys.argv[1:])
    return 0


def keep_files_from_other_accounts() -> None:
    """Nothing this process creates is readable or writable by other accounts (the
    user's own umask may take more away, never less)."""
    os.umask(os.umask(0) | 0o007)
