"""The outbox for supervisors: every message, failures and dead letters first; send one
again or withdraw one not yet sent (both audited, before and after)."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Header, Static

from schedtui.core.messages.handling import cancel_message, retry_message
from schedtui.core.messages.listing import MessageRow, outbox_view
from schedtui.desk import signed_in
from schedtui.screens.base import WorkScreen, keys_said, keys_wait_for
from schedtui.widgets.outbox_table import TROUBLE, OutboxTable
from schedtui.widgets.sandbox_banner import SandboxBanner
from schedtui.widgets.screen_footer import ScreenFooter


class OutboxScreen(WorkScreen[None]):
    """The outbox; `s` sends the message under the cursor again, `x` withdraws it."""

    BINDINGS = [
        Binding("escape", "close", "Back", id="outbox.close"),
        Binding("s", "send_again", "Send again", id="outbox.retry"),
        Binding("x", "withdraw", "Withdraw", id="outbox.withdraw"),
        Binding("r", "reload", "Refresh", id="outbox.reload"),
    ]

    @dataclass
    class Loaded(Message):
        """Messages arrived from the worker."""

        messages: list[MessageRow]

    def __init__(self) -> None:
        super().__init__()
        self.messages: list[MessageRow] = []

    def compose(self) -> ComposeResult:
        yield Header(icon="☰")
        if self.sched_app.sandbox:
            yield SandboxBanner()
        yield Static("Reading the outbox...", id="outbox-status", markup=False)
        yield OutboxTable(id="outbox-rows")
        yield ScreenFooter()

    def on_mount(self) -> None:
        self.action_reload()

    def action_reload(self) -> None:
        """Read the outbox again."""
        self.load()

    @work(thread=True, exclusive=True, group="outbox", exit_on_error=False,
          description="Reading the outbox")  # fmt: skip
    def load(self) -> None:
        """Read off the event loop (an audited view)."""
        app = self.sched_app
        self.post_message(self.Loaded(outbox_view(app.store, signed_in(app), now=app.clock.now())))

    @on(Loaded)
    def show_messages(self, message: Loaded) -> None:
        """The messages, and how many need a hand."""
        self.messages = message.messages
        self.query_one(OutboxTable).show(message.messages, self.sched_app.settings.zone)
        trouble = sum(row.status in TROUBLE for row in message.messages)
        self.query_one("#outbox-status", Static).update(
            keys_said(
                self,
                f"Messages: {len(message.messages)}, {trouble} failed or given up (first). "
                "{{outbox.retry}} sends one again, {{outbox.withdraw}} withdraws one not yet "
                "sent.",
            )
        )

    def _under_cursor(self) -> MessageRow | None:
        row = self.query_one(OutboxTable).cursor_row
        return self.messages[row] if 0 <= row < len(self.messages) else None

    def action_send_again(self) -> None:
        """Queue the message under the cursor again, due now."""
        if (row := self._under_cursor()) is not None:
            keys_wait_for(self, self.change(row.id, again=True))

    def action_withdraw(self) -> None:
        """Withdraw the message under the cursor."""
        if (row := self._under_cursor()) is not None:
            keys_wait_for(self, self.change(row.id, again=False))

    @work(thread=True, group="outbox-change", exit_on_error=False,
          description="Changing the message")  # fmt: skip
    def change(self, message_id: int, *, again: bool) -> None:
        """Send again or withdraw (the core checks the permission and the status)."""
        app = self.sched_app
        act = retry_message if again else cancel_message
        act(app.store, signed_in(app), message_id, now=app.clock.now())
        said = "queued to be sent again" if again else "withdrawn"
        self.app.call_from_thread(self.notify, f"Message {message_id}: {said}.",
                                  title="Outbox", markup=False)  # fmt: skip
        self.load()

    def action_close(self) -> None:
        """Back to the previous screen."""
        self.sched_app.go_back()
