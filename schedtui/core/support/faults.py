"""Unexpected faults: the traceback goes to a log file, never onto the screen."""

from __future__ import annotations

import os
import traceback
from datetime import UTC, datetime
from pathlib import Path

from platformdirs import user_log_path

from schedtui.settings import APP_NAME


def log_fault(exc: BaseException) -> Path | None:
    """Append where the fault happened to the fault log (owner only); return the log's path
    (None if unwritable). Only the kinds of fault and the code's lines are written, never
    a fault's message: messages carry values (SQL parameters, a row, typed text)."""
    try:
        folder = user_log_path(APP_NAME)
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        log = folder / "faults.log"
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW
        fd = os.open(log, flags, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as handle:
            handle.write(f"--- {datetime.now(UTC).isoformat()}\n")
            handle.write(where_it_failed(exc))
    except OSError:
        return None
    return log


def where_it_failed(exc: BaseException) -> str:
    """The fault's kind and stack (file, line, function, code), and those of the faults
    that led to it, with no message and no value."""
    parts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        frames = traceback.format_list(traceback.extract_tb(current.__traceback__))
        kind = f"{type(current).__module__}.{type(current).__qualname__}"
        parts.append("Traceback (most recent call last):\n" + "".join(frames) + kind + "\n")
        current = current.__cause__ or current.__context__
    return "\nwhich happened while handling, or because of:\n".join(reversed(parts))


def describe_fault(exc: BaseException) -> str:
    """One safe line about a fault: its kind, never the data it carried (SQL parameters...)."""
    log = log_fault(exc)
    where = f"; details in {log}" if log else ""
    return f"an unexpected {type(exc).__name__}{where}"
