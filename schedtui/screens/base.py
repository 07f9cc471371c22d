"""What every schedtui screen shares: one place where failed workers are reported."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from textual import on
from textual.dom import DOMNode
from textual.screen import Screen
from textual.worker import Worker, WorkerState, get_current_worker

from schedtui.core.support.errors import USER_ERRORS
from schedtui.core.support.faults import describe_fault
from schedtui.desk import Desk
from schedtui.keymap import KeyNames


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


def key_names(node: DOMNode) -> KeyNames:
    """The keys as this user has them mapped (the defaults in an app that is not a
    schedtui desk, as in a widget's own test)."""
    return node.app.key_names if isinstance(node.app, Desk) else KeyNames()


def key_name(node: DOMNode, binding_id: str) -> str:
    """How the key of `binding_id` is written ("Ctrl+S"), as this user has it mapped."""
    return key_names(node)(binding_id)


def keys_said(node: DOMNode, text: str) -> str:
    """`text` with each `{{binding.id}}` in it written as this user's key ("Ctrl+S")."""
    return key_names(node).fill(text)


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


def in_thread(
    screen: Screen[Any],
    work: Callable[[], WorkResult],
    then: Callable[[WorkResult], object],
    *,
    description: str,
    group: str = "default",
    exclusive: bool = False,
) -> Worker[None]:
    """Run `work` (store reads and writes) in a thread worker of `screen`, and hand what it
    returns to `then` on the event loop (not when the worker was cancelled meanwhile). The
    worker never touches the screen itself: its failure is reported like any other."""

    def run() -> None:
        result = work()
        if not get_current_worker().is_cancelled:
            screen.app.call_from_thread(then, result)

    return screen.run_worker(
        run,
        thread=True,
        group=group,
        exclusive=exclusive,
        exit_on_error=False,
        description=description,
    )


def offer_hint(node: DOMNode, waitlist_note: str) -> str:
    """After a cancellation, the note of who on the waitlist fits the freed time, with the
    keys that offer it (nothing when nobody fits)."""
    if not waitlist_note:
        return ""
    offer = keys_said(node, ": {{calendar.waitlist}} on the calendar ({{app.calendar}}) offers it.")
    return waitlist_note + offer
