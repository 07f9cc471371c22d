"""Unexpected faults: the traceback goes to a log file, never onto the screen."""

from __future__ import annotations

import traceback
from datetime import UTC, datetime
from pathlib import Path

from platformdirs import user_log_path

from schedtui.settings import APP_NAME


def log_fault(exc: BaseException) -> Path | None:
    """Append the traceback to the fault log; return the log's path (None if unwritable)."""
    try:
        folder = user_log_path(APP_NAME)
        folder.mkdir(parents=True, exist_ok=True)
        log = folder / "faults.log"
        with log.open("a", encoding="utf-8") as handle:
            handle.write(f"--- {datetime.now(UTC).isoformat()}\n")
            handle.write("".join(traceback.format_exception(exc)))
    except OSError:
        return None
    return log


def describe_fault(exc: BaseException) -> str:
    """One safe line about a fault: its kind, never the data it carried (SQL parameters...)."""
    log = log_fault(exc)
    where = f"; details in {log}" if log else ""
    return f"an unexpected {type(exc).__name__}{where}"
