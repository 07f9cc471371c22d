"""What a piece of the calendar's work sees: the screen it is wired into (the desk, notices,
modals, thread workers) and the grid widget (what is under the cursor). The screen holds
the pieces side by side (visits, the waitlist, the supervisor's setup) and hands each key
to one; a piece tells the screen the schedule changed with `ScheduleChanged`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from textual.message import Message
from textual.screen import Screen
from textual.worker import Worker

from schedtui.core.schedule.directory import specialty_names
from schedtui.core.schedule.provider_lists import provider_lists
from schedtui.core.views.today import site_codes
from schedtui.desk import Desk
from schedtui.screens.base import WorkScreen, in_thread
from schedtui.widgets.calendar_grid import CalendarGrid

Answer = TypeVar("Answer")
Result = TypeVar("Result")


class ScheduleChanged(Message):
    """A change made from the calendar (a booking, a status, a block...): read the grid
    again."""


class CalendarPart:
    """A piece of the calendar's work, wired into its screen."""

    def __init__(self, screen: WorkScreen[Any]) -> None:
        self.screen = screen

    @property
    def desk(self) -> Desk:
        """Who works here, on which store, at what time."""
        return self.screen.sched_app

    @property
    def grid(self) -> CalendarGrid:
        """The grid widget: the cursor and what is under it."""
        return self.screen.query_one(CalendarGrid)

    def say(self, text: str, *, warning: bool = False) -> None:
        """A notice (the text as it is: names may hold brackets)."""
        self.screen.notify(text, severity="warning" if warning else "information", markup=False)

    def ask(self, modal: Screen[Answer], then: Callable[[Answer | None], None]) -> None:
        """Open a modal; `then` gets its answer (None when dismissed with Esc)."""
        self.screen.app.push_screen(modal, then)

    def changed(self, said: str) -> None:
        """Say what was done, and have the grid read again."""
        self.say(said)
        self.screen.post_message(ScheduleChanged())

    def in_thread(
        self,
        work: Callable[[], Result],
        then: Callable[[Result], object],
        *,
        description: str,
        group: str = "default",
    ) -> Worker[None]:
        """`work` off the event loop; what it returns goes to `then` on it."""
        return in_thread(self.screen, work, then, description=description, group=group)


@dataclass(frozen=True)
class ClinicLists:
    """What the calendar offers to choose columns by: specialties (code → name), site
    codes, and the clinic's saved lists of providers (name → ids)."""

    specialties: dict[str, str] = field(default_factory=dict)
    sites: list[str] = field(default_factory=list)
    lists: dict[str, list[int]] = field(default_factory=dict)


def read_clinic_lists(desk: Desk) -> ClinicLists:
    """The clinic's lists, read (in a worker)."""
    with desk.store.read() as session:
        return ClinicLists(specialty_names(session), site_codes(session), provider_lists(session))


@dataclass
class ListsRead(Message):
    """The clinic's lists were read (at first, and after a list was saved)."""

    lists: ClinicLists
