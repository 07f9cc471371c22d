"""What every schedtui screen shares: one place where failed workers are reported."""

from __future__ import annotations

from textual import on
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from schedtui.core.errors import USER_ERRORS
from schedtui.core.faults import describe_fault


def failure_message(worker: Worker[object]) -> str:
    """What to tell the user about a failed worker: their own mistake plainly, else the task."""
    error = worker.error
    if isinstance(error, USER_ERRORS):
        return str(error)
    assert error is not None
    return f"{worker.description or 'A task'} failed: {describe_fault(error)}."


class WorkScreen(Screen[None]):
    """A screen whose thread workers report their failures as a notification."""

    @on(Worker.StateChanged)
    def _report_worker_failure(self, event: Worker.StateChanged) -> None:
        if event.state != WorkerState.ERROR:
            return
        self.work_failed(event.worker)
        self.notify(
            failure_message(event.worker),
            title="Something went wrong",
            severity="error",
            timeout=10,
            markup=False,
        )

    def work_failed(self, worker: Worker[object]) -> None:
        """Hook for screens to tidy up (stop a spinner) when a worker fails."""
