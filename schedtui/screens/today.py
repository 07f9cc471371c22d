"""Today: the day's appointments across providers and sites, loaded in a thread worker."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import DataTable, Header, Static
from textual.worker import Worker

from schedtui.core.schedule.statuses import STATUS_DISPLAY
from schedtui.core.support.formats import day_heading
from schedtui.core.views.today import DaySchedule, clinic_today, view_day
from schedtui.desk import signed_in
from schedtui.screens.cards import CardScreen
from schedtui.widgets.appointment_card_view import AppointmentCardView
from schedtui.widgets.appointment_table import AppointmentTable
from schedtui.widgets.sandbox_banner import SandboxBanner
from schedtui.widgets.screen_footer import DAYS, ScreenFooter

#: Re-read the day this often (seconds), so the list stays current without a key.
REFRESH_SECONDS = 30.0
SUMMARY_ORDER = ("booked", "arrived", "checked-in", "fulfilled", "noshow", "cancelled")


class TodayScreen(CardScreen):
    """The day's appointments; `[` and `]` move a day, `s` picks a site. At 80 columns an
    open appointment takes the whole width (Esc goes back to the list)."""

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]

    BINDINGS = [
        Binding(
            "left_square_bracket", "previous_day", "Prev day", id="today.previous_day", group=DAYS
        ),
        Binding("right_square_bracket", "next_day", "Next day", id="today.next_day", group=DAYS),
        Binding("t", "today", "Today", id="today.today"),
        Binding("s", "next_site", "Site", id="today.site"),
        Binding("r", "refresh", "Refresh", id="today.refresh"),
        Binding("escape", "close_card", "Close details", id="today.close_card"),
    ]

    @dataclass
    class Loaded(Message):
        """A day's schedule arrived from the worker."""

        schedule: DaySchedule
        sites: list[str]
        #: The day and site this read wrote to the audit trail (None: a refresh).
        recorded: tuple[date, str | None] | None = None

    def __init__(self) -> None:
        super().__init__()
        self.day: date | None = None
        self.site: str | None = None
        self.sites: list[str] = []
        #: The day and site last written to the audit trail (refreshes are not re-recorded).
        self.recorded: tuple[date, str | None] | None = None

    def compose(self) -> ComposeResult:
        yield Header(icon="☰")
        if self.sched_app.sandbox:
            yield SandboxBanner()
        yield Static(id="day-bar")
        with Horizontal(id="today-body"):
            yield AppointmentTable(id="appointments")
            yield AppointmentCardView(id="card")
        yield ScreenFooter()

    def on_mount(self) -> None:
        self.day = clinic_today(self.sched_app.clock, self.sched_app.settings.zone)
        self.query_one(AppointmentTable).loading = True
        self.load()
        self.set_interval(REFRESH_SECONDS, self.load)
        self.follow_mask()

    @work(
        thread=True,
        exclusive=True,
        group="today",
        exit_on_error=False,
        description="Loading the day's appointments",
    )
    def load(self) -> None:
        """Read the day's schedule off the event loop and post it back."""
        app = self.sched_app
        day, site = self.day, self.site
        assert day is not None
        actor = signed_in(app)
        first_look = (day, site) != self.recorded
        schedule, sites = view_day(
            app.store, actor, day, site, now=app.clock.now(), record=first_look
        )
        self.post_message(self.Loaded(schedule, sites, (day, site) if first_look else None))

    @on(Loaded)
    def show_schedule(self, message: Loaded) -> None:
        """Put a loaded schedule on screen (ignoring one for a day no longer shown)."""
        self.sites = message.sites
        if message.recorded is not None:
            self.recorded = message.recorded
        schedule = message.schedule
        if schedule.day != self.day or schedule.site_code != self.site:
            return
        table = self.query_one(AppointmentTable)
        table.loading = False
        table.show(schedule.rows)
        self.query_one("#day-bar", Static).update(self._summary(schedule))

    @on(DataTable.RowSelected)
    def open_card(self, event: DataTable.RowSelected) -> None:
        """Enter on an appointment opens its details (a view of the patient's record)."""
        if event.row_key.value is not None:
            self.load_card(int(event.row_key.value))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Esc is in the footer while an appointment is open."""
        return self.has_class("-card-open") if action == "close_card" else True

    def action_close_card(self) -> None:
        """Close the side panel, back to the list."""
        self.close_card()
        self.query_one(AppointmentTable).focus()

    def work_failed(self, worker: Worker[object]) -> None:
        """Stop the spinner; the last good content stays on screen."""
        self.query_one(AppointmentTable).loading = False

    def _summary(self, schedule: DaySchedule) -> Text:
        where = f"site {schedule.site_code}" if schedule.site_code else "all sites"
        line = Text(day_heading(schedule.day), style="bold")
        line.append(f" · {where} · ")
        if not schedule.rows:
            line.append("no appointments")
            return line
        line.append(f"{len(schedule.rows)} appointments")
        for status in SUMMARY_ORDER:
            count = schedule.counts.get(status, 0)
            if count:
                symbol, label = STATUS_DISPLAY[status]
                line.append(f"  {symbol} {count} {label.lower()}")
        return line

    def _move_to(self, day: date) -> None:
        self.day = day
        self.query_one(AppointmentTable).loading = True
        self.load()

    def action_previous_day(self) -> None:
        """Show the day before."""
        assert self.day is not None
        self._move_to(self.day - timedelta(days=1))

    def action_next_day(self) -> None:
        """Show the day after."""
        assert self.day is not None
        self._move_to(self.day + timedelta(days=1))

    def action_today(self) -> None:
        """Back to today."""
        self._move_to(clinic_today(self.sched_app.clock, self.sched_app.settings.zone))

    def action_next_site(self) -> None:
        """Cycle through the sites, then back to all sites."""
        choices: list[str | None] = [None, *self.sites]
        index = choices.index(self.site) if self.site in choices else 0
        self.site = choices[(index + 1) % len(choices)]
        assert self.day is not None
        self._move_to(self.day)

    def action_refresh(self) -> None:
        """Read the day again."""
        self.load()
