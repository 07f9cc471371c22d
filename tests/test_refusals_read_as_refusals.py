"""A refusal is not a fault: the scheduler is told plainly what was not done; "Something
went wrong" is kept for real faults. A last autosave that races the filing of the call
note is not an error either.

Regression tests for routine refusals titled "Something went wrong" and for "Note N is
not an open draft of yours" after Ctrl+S.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from textual.worker import WorkerState

from schedtui.core.patients.call_notes import NoteAlreadyFiled, finish_note, save_draft, start_note
from schedtui.core.support.errors import BadInput
from schedtui.data.store import Store
from schedtui.screens.base import report_failure
from tests.builders import NOW, Staff, add_staff, build_tiny_clinic


class _Screen:
    """Stands in for a screen: keeps what it was asked to notify."""

    def __init__(self) -> None:
        self.app = SimpleNamespace(NOTIFICATION_TIMEOUT=5.0)
        self.notices: list[dict[str, Any]] = []

    def notify(self, message: str, **how: Any) -> None:
        self.notices.append({"message": message, **how})


def _failed(error: BaseException) -> Any:
    worker = SimpleNamespace(error=error, description="Holding the time")
    return SimpleNamespace(state=WorkerState.ERROR, worker=worker)


def test_a_refusal_is_titled_as_one() -> None:
    screen = _Screen()
    report_failure(screen, _failed(BadInput("Cannot hold that time: already booked then.")))  # type: ignore[arg-type]
    [notice] = screen.notices
    assert notice["title"] == "Not done" and notice["severity"] == "warning"
    assert notice["message"] == "Cannot hold that time: already booked then."


def test_a_fault_is_still_called_one() -> None:
    screen = _Screen()
    report_failure(screen, _failed(RuntimeError("disk on fire")))  # type: ignore[arg-type]
    [notice] = screen.notices
    assert notice["title"] == "Something went wrong" and notice["severity"] == "error"
    assert "disk on fire" not in notice["message"]


@pytest.fixture
def staff(sqlite_store: Store) -> Staff:
    build_tiny_clinic(sqlite_store)
    return add_staff(sqlite_store)


def test_an_autosave_after_filing_is_told_apart(sqlite_store: Store, staff: Staff) -> None:
    note = start_note(sqlite_store, staff.scheduler, now=NOW)
    finish_note(sqlite_store, staff.scheduler, note, "Booked FU for Ann", now=NOW)
    with pytest.raises(NoteAlreadyFiled):
        save_draft(sqlite_store, staff.scheduler, note, "Booked FU for Ann", now=NOW)
    with pytest.raises(BadInput, match="not an open draft of yours"):
        save_draft(sqlite_store, staff.supervisor, note, "someone else's", now=NOW)
