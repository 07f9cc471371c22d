"""The work queue: what is due for the desk now, most pressing first (call-backs, the
call list, referrals to book, authorization follow-ups). Enter works the item under
the cursor: a call on the call list shows its script and takes what came of it; any
other item calls the patient (opens them in the call workspace)."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Header, Static

from schedtui.core.messages.calls import record_call
from schedtui.core.views.work_queue import QueueItem, work_queue
from schedtui.desk import signed_in
from schedtui.screens.base import WorkScreen, keys_wait_for
from schedtui.screens.call_outcome import CallOutcome
from schedtui.widgets.queue_table import QueueTable
from schedtui.widgets.sandbox_banner import SandboxBanner
from schedtui.widgets.screen_footer import ScreenFooter


class WorkQueueScreen(WorkScreen[None]):
    """What is due now; Enter works the item under the cursor."""

    BINDINGS = [
        Binding("escape", "close", "Back", id="queue.close"),
        Binding("r", "reload", "Refresh", id="queue.reload"),
    ]

    @dataclass
    class Loaded(Message):
        """Items arrived from the worker."""

        items: list[QueueItem]

    def __init__(self) -> None:
        super().__init__()
        self.items: list[QueueItem] = []
        #: A call's box is open over the queue.
        self.asking = False

    def compose(self) -> ComposeResult:
        yield Header(icon="☰")
        if self.sched_app.sandbox:
            yield SandboxBanner()
        yield Static("Reading the work queue...", id="queue-status", markup=False)
        yield QueueTable(id="queue-rows")
        yield ScreenFooter()

    def on_screen_resume(self) -> None:
        """Read afresh each time the queue is shown (not when a call's box closes: the
        outcome's own read follows)."""
        if self.asking:
            self.asking = False
            return
        self.action_reload()

    def action_reload(self) -> None:
        """Read the queue again."""
        self.load()

    @work(thread=True, exclusive=True, group="queue", exit_on_error=False,
          description="Reading the work queue")  # fmt: skip
    def load(self) -> None:
        """Read off the event loop (an audited view)."""
        app = self.sched_app
        items = work_queue(app.store, signed_in(app), now=app.clock.now(), zone=app.settings.zone)
        self.post_message(self.Loaded(items))

    @on(Loaded)
    def show_items(self, message: Loaded) -> None:
        """The items, and how many of each kind."""
        self.items = message.items
        self.query_one(QueueTable).show(message.items, self.sched_app.settings.zone)
        kinds: dict[str, int] = {}
        for item in message.items:
            kinds[item.kind] = kinds.get(item.kind, 0) + 1
        counted = ", ".join(f"{count} {kind}" for kind, count in kinds.items())
        self.query_one("#queue-status", Static).update(
            f"Due now: {len(message.items)}" + (f" ({counted})" if counted else "")
            + ". Enter works the item: a call shows what to say; anything else calls "
            "the patient."
        )  # fmt: skip

    @on(QueueTable.RowSelected, "#queue-rows")
    def work_item(self, event: QueueTable.RowSelected) -> None:
        """A call: its script and outcome; anything else: call the patient."""
        if event.cursor_row >= len(self.items):
            return
        item = self.items[event.cursor_row]
        if item.kind == "call":
            self.asking = True
            self.app.push_screen(CallOutcome(item.script), lambda said: self._called(item, said))
        else:
            self.sched_app.call_about(item.patient_mrn)

    def _called(self, item: QueueItem, outcome: str | None) -> None:
        if outcome is not None:
            keys_wait_for(self, self.record(item.item_id, outcome))

    @work(thread=True, group="queue-call", exit_on_error=False,
          description="Recording the call")  # fmt: skip
    def record(self, message_id: int, outcome: str) -> None:
        """Keep what came of the call, then read the queue again."""
        app = self.sched_app
        became = record_call(app.store, signed_in(app), message_id, outcome,
                             now=app.clock.now(), settings=app.settings)  # fmt: skip
        self.app.call_from_thread(self.notify, f"Call {message_id}: {outcome}; {became}.",
                                  title="Call recorded", markup=False)  # fmt: skip
        self.load()

    def action_close(self) -> None:
        """Back to the previous screen."""
        self.sched_app.go_back()
