"""Keys land where the scheduler's own key sequence puts them, however far they type
ahead of a busy screen.

Textual sends each key to the widget focused when the key is read, and a key's effect
on focus comes later: a Tab or an F5 is handled only once it has passed through the
focused widget and its parents, `Widget.focus()` takes effect a turn after that, and a
new screen is focused once it has mounted. Under load, the letters typed in between
went to the field the scheduler had just left ("TomMiller").

`KeyGate` lets one key (or paste) through at a time. The next waits until the one before
has been handled all the way up to the app (a `KeyDone` marker follows it through the
same widgets), any focus it asked for has been set, the screen it showed has mounted,
and the work it started that decides what comes next (booking the held time, say: the
read-back closes when it is done) has finished and been shown. Waiting keys keep their
order. A marker lost with a closed screen is covered by a watchdog: a key waits at most
`GIVE_UP_SECONDS` for its own handling, `WORK_GIVE_UP_SECONDS` for such work.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from textual import events
from textual.app import App, ScreenStackError
from textual.message import Message
from textual.message_pump import MessagePump
from textual.screen import Screen
from textual.worker import Worker

if TYPE_CHECKING:
    from textual.timer import Timer

#: A key's handling is given up on after this long (a marker lost with a closed screen).
GIVE_UP_SECONDS = 1.0
#: Work a key started (a booking, a save) is waited for at most this long.
WORK_GIVE_UP_SECONDS = 30.0
#: How often the watchdog looks while a key is in flight.
WATCH_SECONDS = 0.05
#: A marker is sent round again while the widgets it passed still have messages the key
#: gave them (an Input's Submitted comes behind it), at most this many times.
MARKER_ROUNDS = 20

TypedEvent = events.Key | events.Paste


class KeyDone(Message):
    """Follows a key (or the messages of the work it started) through the widgets it was
    sent to: when the app gets it, they have been handled."""

    def __init__(self, ticket: int) -> None:
        super().__init__()
        self.ticket = ticket


class KeyGate:
    """One key in flight at a time; the keys typed meanwhile wait in order."""

    def __init__(self, app: App[Any], dispatch: Callable[[TypedEvent], Awaitable[None]]):
        self.app = app
        self.dispatch = dispatch
        self.waiting: deque[TypedEvent] = deque()
        self.in_flight: int | None = None
        #: The key in flight has been handled (its marker came back).
        self.handled = False
        #: Work the key in flight started, and the screen that started it.
        self.work: list[tuple[Worker[Any], Screen[Any]]] = []
        self.opened_at = 0.0
        self.tickets = 0
        #: Where the key in flight was sent, and how often its marker has gone round.
        self.target: MessagePump | None = None
        self.rounds = 0
        self.watchdog: Timer | None = None
        #: Keys wait, whatever is in flight (the store is opening behind the first frame).
        self.held = False

    def start(self) -> None:
        """Start the watchdog (paused until a key is in flight)."""
        self.watchdog = self.app.set_interval(WATCH_SECONDS, self.try_release, pause=True)

    async def typed(self, event: TypedEvent) -> None:
        """A key (or paste) from the terminal: through now, or after the ones before it."""
        if self.held or self.in_flight is not None or self.waiting:
            self.waiting.append(event)
            return
        await self._send(event)

    def hold(self) -> None:
        """Keep every key waiting, in order, until `resume`."""
        self.held = True

    async def resume(self) -> None:
        """Let the waiting keys through, one at a time as ever."""
        self.held = False
        if self.in_flight is None and self.waiting:
            await self._send(self.waiting.popleft())

    def wait_for(self, worker: Worker[Any], screen: Screen[Any]) -> None:
        """The key being handled started `worker`, whose outcome decides where the next
        keys go (a read-back that closes, a form that saves): they wait for it."""
        if self.in_flight is not None:
            self.work.append((worker, screen))

    async def _send(self, event: TypedEvent) -> None:
        self.tickets += 1
        ticket = self.in_flight = self.tickets
        self.handled, self.work, self.rounds = False, [], 0
        self.opened_at = time.monotonic()
        if self.watchdog is not None:
            self.watchdog.resume()
        target = self.app.focused or self.app.screen
        await self.dispatch(event)
        if event.is_forwarded:  # sent to `target`: the marker follows it the same way
            self.target = target
            target.post_message(KeyDone(ticket))
        else:  # handled by the app itself (a priority binding)
            self.target = None
            self.app.call_later(self.done, ticket)

    def done(self, ticket: int) -> None:
        """The marker of the key (or of its work) with `ticket` came back."""
        if ticket != self.in_flight:
            return
        target = self.target
        if target is not None and self.rounds < MARKER_ROUNDS and _still_busy(target):
            self.rounds += 1  # what the key gave them comes first: round again
            target.post_message(KeyDone(ticket))
            return
        self.handled = True
        self.try_release()

    def try_release(self) -> None:
        """Let the next key through once everything the last one set going is done."""
        if self.in_flight is None:
            if self.watchdog is not None:
                self.watchdog.pause()
            return
        waited = time.monotonic() - self.opened_at
        if waited >= (WORK_GIVE_UP_SECONDS if self.work else GIVE_UP_SECONDS):
            self.app.call_later(self._release, self.in_flight)
        elif self.handled and self._work_shown() and _screen_mounted(self.app):
            # a later turn: after any focus the key asked for has been set
            self.app.call_later(self._release, self.in_flight)

    def _work_shown(self) -> bool:
        """The work the key started has finished and what it posted has been handled."""
        if any(not worker.is_finished for worker, _ in self.work):
            return False
        for _, screen in self.work:
            if screen.is_attached and screen.is_running:
                # what the work posted to its screen comes before this marker
                self.handled, self.opened_at = False, time.monotonic()
                self.target, self.rounds = screen, 0
                screen.post_message(KeyDone(self.in_flight or 0))
        self.work = []
        return self.handled

    async def _release(self, ticket: int) -> None:
        if ticket != self.in_flight:
            return  # already released (the marker and the watchdog both came)
        self.in_flight = None
        if self.waiting and not self.held:
            await self._send(self.waiting.popleft())


def _screen_mounted(app: App[Any]) -> bool:
    """The screen shown is mounted (none is shown while the app ends or between modes)."""
    try:
        return app.screen.is_mounted
    except ScreenStackError:
        return False


def _still_busy(widget: MessagePump) -> bool:
    """Messages wait in `widget`'s queue or its parents' (up to the screen)."""
    node: MessagePump | None = widget
    while node is not None and not isinstance(node, App):
        if node.is_attached and not node._message_queue.empty():  # Textual is pinned
            return True
        node = node._parent
    return False
