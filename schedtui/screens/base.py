"""What every schedtui screen shares: one place where failed workers are reported."""

from __future__ import annotations

from typing import Any, TypeVar

from textual import on
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from schedtui.core.errors import USER_ERRORS
from schedtui.core.faults import describe_fault
from schedtui.desk import Desk


def failure_message(worker: Worker[object]) -> str:
    """What to tell the user about a failed worker: their own mistake plainly, else the task."""
    error = worker.error
    if isinstance(error, USER_ERRORS):
        return str(error)
    assert error is not None
    return f"{worker.description or 'A task'} failed: {describe_fault(error)}."


def report_failure(screen: Screen[Any], event: Worker.StateChanged) -> None:
    """Tell the user a worker failed: a refusal plainly ("Not done", what to do next),
    a fault as one ("Something went wrong", the kind of fault)."""
    if event.state == WorkerState.ERROR:
        refused = isinstance(event.worker.error, USER_ERRORS)
        screen.notify(
            failure_message(event.worker),
            title="Not done" if refused else "Something went wrong",
            severity="warning" if refused else "error",
            # a refusal stays twice as long as other notices: it says what to do next
            timeout=2 * screen.app.NOTIFICATION_TIMEOUT,
            markup=False,
        )


ResultType = TypeVar("ResultType")
WorkResult = TypeVar("WorkResult")


def keys_wait_for(screen: Screen[Any], worker: Worker[WorkResult]) -> Worker[WorkResult]:
    """The key being handled started `worker`, whose outcome decides where the next keys
    go (the read-back closing, a form saved, the open times listed): keys typed ahead
    wait for it."""
    typed_app(screen).keys.wait_for(worker, screen)
    return worker


def typed_app(screen: Screen[Any]) -> Desk:
    """The desk a screen works at: the app, seen through the `Desk` protocol (its settings,
    store, clock and signed-in actor)."""
    app = screen.app
    assert isinstance(app, Desk), f"{type(app).__name__} is not a schedtui desk"
    return app


class WorkScreen(Screen[ResultType]):
    """A screen of the schedtui app; its thread workers report failures as a notification."""

    @property
    def sched_app(self) -> Desk:
        """The desk, typed (its settings, store, clock and signed-in actor)."""
        return typed_app(self)

    @on(Worker.StateChanged)
    def _report_worker_failure(self, event: Worker.StateChanged) -> None:
        if event.state != WorkerState.ERROR:
            return
        self.work_failed(event.worker)
        report_failure(self, event)

    def work_failed(self, worker: Worker[object]) -> None:
        """Hook for screens to tidy up (stop a spinner) when a worker fails."""
