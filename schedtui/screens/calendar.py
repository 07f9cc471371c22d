"""The calendar grid (F10): providers side by side, time running down, always current.

Other schedulers' bookings, moves, cancellations and blocks show without a key pressed:
the screen looks at the store's event feed every second, and on PostgreSQL also the
moment a change is announced (LISTEN/NOTIFY).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Header, Static
from textual.worker import get_current_worker

from schedtui.core.support.errors import BadInput
from schedtui.core.support.formats import day_heading
from schedtui.core.support.spoken_dates import spoken_day
from schedtui.core.views.day_grid import WEEK_PROVIDERS, ZOOMS, DayGrid, now_rows
from schedtui.core.views.grid_views import (
    GridView,
    Spot,
    latest_change,
    provider_choices,
    read_view,
    record_look,
    saved_list,
)
from schedtui.core.views.today import clinic_today
from schedtui.data.change_feed import listen_for_changes
from schedtui.desk import signed_in
from schedtui.screens.base import in_thread, keys_said
from schedtui.screens.calendar_part import (
    ClinicLists,
    ListsRead,
    ScheduleChanged,
    read_clinic_lists,
)
from schedtui.screens.calendar_setup import CalendarSetup
from schedtui.screens.calendar_visits import VisitActions
from schedtui.screens.calendar_waitlist import WaitlistOffers
from schedtui.screens.cards import CardScreen
from schedtui.screens.go_to_day import GoToDay
from schedtui.screens.reasons import ChoicePicker
from schedtui.widgets.appointment_card_view import AppointmentCardView
from schedtui.widgets.calendar_grid import CalendarGrid
from schedtui.widgets.sandbox_banner import SandboxBanner
from schedtui.widgets.screen_footer import DAYS, WEEKS, ZOOM, ScreenFooter

#: How often the event feed is looked at (seconds): changes show within about this long.
WATCH_SECONDS = 1.0
#: How many days read ahead are kept (older ones are read again when wanted).
AHEAD_KEPT = 8


class CalendarScreen(CardScreen):
    """A day of the clinic, a column a provider: the grid widget owns the cursor and says
    what was chosen; the visit actions, the waitlist offers and the supervisor's setup are
    pieces the screen hands its keys to."""

    #: A narrow footer leaves these out (F1 Help lists them): moving about the calendar.
    FOOTER_SPARE = frozenset(
        {"calendar.today", "calendar.goto", "calendar.providers", "calendar.close"}
    )
    BINDINGS = [
        Binding("left_square_bracket", "day(-1)", "Prev day", id="calendar.prev", group=DAYS),
        Binding("right_square_bracket", "day(1)", "Next day", id="calendar.next", group=DAYS),
        # the same keys in the week view, named for what they do there
        Binding(
            "left_square_bracket",
            "week_step(-1)",
            "Prev week",
            id="calendar.prev_week",
            group=WEEKS,
        ),
        Binding(
            "right_square_bracket",
            "week_step(1)",
            "Next week",
            id="calendar.next_week",
            group=WEEKS,
        ),
        Binding("pageup", "day(-1)", "Prev day", show=False, id="calendar.pageup"),
        Binding("pagedown", "day(1)", "Next day", show=False, id="calendar.pagedown"),
        Binding("t", "today", "Today", id="calendar.today"),
        Binding("w", "week", "Week/day", id="calendar.week"),
        Binding("g", "go_to", "Go to day", id="calendar.goto"),
        Binding("s", "next_site", "Site", id="calendar.site"),
        Binding("f", "providers", "Providers", id="calendar.providers"),
        Binding("plus,equals_sign", "zoom(-1)", "Zoom in", id="calendar.zoom_in", group=ZOOM),
        Binding("minus", "zoom(1)", "Zoom out", id="calendar.zoom_out", group=ZOOM),
        Binding("h", "move(0,-1)", "Left", show=False, id="calendar.h"),
        Binding("l", "move(0,1)", "Right", show=False, id="calendar.l"),
        Binding("j", "move(1,0)", "Down", show=False, id="calendar.j"),
        Binding("k", "move(-1,0)", "Up", show=False, id="calendar.k"),
        Binding("a", "status('arrived')", "Arrived", id="calendar.arrived"),
        Binding("i", "status('checked-in')", "Checked in", id="calendar.checked_in"),
        Binding("n", "status('noshow')", "No-show", id="calendar.noshow"),
        Binding("c", "cancel_visit", "Cancel", id="calendar.cancel"),
        Binding("q", "screening", "Screening", id="calendar.screening", show=False),
        Binding("x", "cut", "Cut (move)", id="calendar.cut"),
        Binding("b", "block", "Block", id="calendar.block"),
        Binding("e", "edit_template", "Template", id="calendar.template"),
        Binding("H", "close_days", "Holiday", id="calendar.holiday"),
        Binding("p", "paste", "Paste here", id="calendar.paste"),
        Binding("o", "double_book", "Double-book", id="calendar.double_book"),
        Binding("W", "waitlist", "Waitlist", id="calendar.waitlist"),
        Binding("escape", "close", "Back", id="calendar.close"),
    ]

    @dataclass
    class Loaded(Message):
        """A grid arrived for `view`; `seen` is the event feed's position it reflects;
        `ahead` marks a day read ahead, kept for when the scheduler gets there."""

        view: GridView
        grid: DayGrid
        seen: int
        live: bool = False
        ahead: bool = False
        kept: bool = False  # shown from the days read ahead

    def __init__(self, spot: Spot | None = None) -> None:
        super().__init__()
        #: A provider's time to put the cursor on once its day is drawn ("show in calendar").
        self.spot = spot
        self.stop_listening = threading.Event()
        self.watching: Timer | None = None
        self.view: GridView | None = None
        self.seen = -1
        #: The providers chosen for the day view (kept while a week is shown), and what
        #: the choice is called in the title.
        self.chosen: tuple[int, ...] = ()
        self.chosen_name = ""
        self.week_name = ""
        #: Days read ahead (the one before and after), with the feed position they reflect.
        self.ahead: dict[GridView, tuple[DayGrid, int]] = {}
        #: What the columns can be chosen by (read once mounted).
        self.clinic = ClinicLists()
        self.visits = VisitActions(self)
        self.waitlist = WaitlistOffers(self)
        self.setup = CalendarSetup(self)

    @property
    def grid(self) -> DayGrid | None:
        """The grid shown (None until the first one is read)."""
        return self.grid_view().grid if self.is_mounted else None

    def grid_view(self) -> CalendarGrid:
        """The grid widget."""
        return self.query_one("#grid", CalendarGrid)

    def compose(self) -> ComposeResult:
        yield Header(icon="☰")
        if self.sched_app.sandbox:
            yield SandboxBanner()
        yield Static("", id="grid-title", markup=False)
        with Horizontal(id="grid-body"):
            yield CalendarGrid(id="grid")
            yield AppointmentCardView(id="grid-card")
        yield ScreenFooter()

    def on_mount(self) -> None:
        app = self.sched_app
        day = self.spot.day if self.spot else clinic_today(app.clock, app.settings.zone)
        self.show_view(GridView(day))
        in_thread(
            self,
            lambda: ListsRead(read_clinic_lists(app)),
            self.post_message,
            description="Reading the clinic's lists",
        )
        self.watching = self.set_interval(WATCH_SECONDS, self.watch_feed)
        if not app.store.is_sqlite:
            self.listen()
        self.follow_mask()
        self.grid_view().focus()

    def show_spot(self, spot: Spot) -> None:
        """Put the cursor on a provider's time (its day is read first when it is not the
        one shown)."""
        self.spot = spot
        if self.view is not None:  # mounted: else on_mount starts at the spot
            self.chosen, self.chosen_name = (), ""  # everyone working, so the provider shows
            self.show_view(GridView(spot.day, zoom=self.view.zoom))

    def on_screen_suspend(self) -> None:
        """Another mode is shown: stop looking at the feed (read again on return)."""
        if self.watching is not None:
            self.watching.pause()

    def on_screen_resume(self) -> None:
        if self.watching is not None:
            self.watching.resume()
            self.watch_feed()

    def show_view(self, view: GridView, record: bool = True) -> None:
        """Show another day, week or filter: at once when it was read ahead and nothing has
        changed since, and read again either way (an audited look, unless `record` is
        False: the same day and providers, only finer or coarser)."""
        if self.view is None or self.view.week != view.week:
            self.refresh_bindings()  # the footer says day or week
        self.view = view
        ready = self.ahead.get(view)
        if ready is not None and ready[1] == self.seen:
            self.show_grid(self.Loaded(view, ready[0], ready[1], kept=True))
        self.load(view, record=record)

    @work(thread=True, exclusive=True, group="grid", exit_on_error=False, description="Reading")
    def load(self, view: GridView, record: bool, live: bool = False) -> None:
        """Read the grid off the event loop (a new day or filter is an audited look)."""
        app = self.sched_app
        actor = signed_in(app)
        seen, now = self._feed_position(), app.clock.now()
        grid = read_view(app.store, actor, view, now=now, record=False)
        self.post_message(self.Loaded(view, grid, seen, live))
        if record:  # audited once drawn: writing the trail does not hold up the screen
            record_look(app.store, actor, view, grid, now=now)

    @work(thread=True, exclusive=True, group="ahead", exit_on_error=False, description="Ahead")
    def read_ahead(self, view: GridView, seen: int) -> None:
        """Read the day (or week) after and before, for `]` and `[` to show at once."""
        app = self.sched_app
        actor = signed_in(app)
        for step in (1, -1):
            near = view.moved(step)
            grid = read_view(app.store, actor, near, now=app.clock.now(), record=False)
            self.post_message(self.Loaded(near, grid, seen, ahead=True))

    def _feed_position(self) -> int:
        return latest_change(self.sched_app.store)

    @work(thread=True, exclusive=True, group="feed", exit_on_error=False, description="Watching")
    def watch_feed(self) -> None:
        """Read the grid again when anyone has changed the schedule since it was read (not
        while another screen is shown: it is read on return)."""
        if not self.is_current:
            return
        if self.seen >= 0 and self.view is not None and self._feed_position() != self.seen:
            self.app.call_from_thread(self.load, self.view, False, True)

    @work(thread=True, group="listen", exit_on_error=False, description="Listening")
    def listen(self) -> None:
        """On PostgreSQL, look at the feed the moment another scheduler changes it."""
        worker = get_current_worker()
        listen_for_changes(
            self.sched_app.store.url,
            lambda: self.app.call_from_thread(self.watch_feed),
            lambda: self.stop_listening.is_set() or worker.is_cancelled,
        )

    def on_unmount(self) -> None:
        self.stop_listening.set()

    def refresh_grid(self) -> None:
        """Read the grid again after a change made here (not an audited look)."""
        if self.view is not None:
            self.load(self.view, False)

    @on(Loaded)
    def show_grid(self, message: Loaded) -> None:
        """Draw the grid, keeping the cursor where it was (a day read ahead is kept)."""
        if message.ahead:
            kept = [(v, k) for v, k in self.ahead.items() if k[1] == message.seen]
            self.ahead = dict(kept[-AHEAD_KEPT:]) | {message.view: (message.grid, message.seen)}
            return
        if message.view != self.view:
            return  # the scheduler has moved on
        before = self.grid_view().cell_under_cursor()
        self.seen = message.seen
        grid, now = message.grid, self.sched_app.clock.now()
        self.grid_view().show(grid, self._now_row(grid), now_rows(grid, now))
        if self.spot is not None and (cell := self.spot.cell(message.grid)) is not None:
            self.spot = None
            self.grid_view().move_cursor(*cell)
        self._title()
        after = self.grid_view().cell_under_cursor()
        taken = (
            before is not None
            and after is not None
            and (before.kind, after.kind)
            == (
                "open",
                "visit",
            )
        )
        if message.live and taken:
            self.notify("The time under the cursor was just booked by someone else.")
        if not message.kept:
            self.read_ahead(message.view, message.seen)

    def _now_row(self, grid: DayGrid) -> int | None:
        app = self.sched_app
        now = app.clock.now().astimezone(app.settings.zone)
        if now.date() != grid.day or (self.view is not None and self.view.week):
            return None
        wall = (now.hour, now.minute)
        before = [i for i, at in enumerate(grid.rows) if (at.hour, at.minute) <= wall]
        if not before:
            return None
        row = grid.rows[before[-1]]
        ends = row.hour * 60 + row.minute + grid.zoom
        return before[-1] if now.hour * 60 + now.minute < ends else None  # past the day's end

    def _title(self) -> None:
        grid, view = self.grid, self.view
        if grid is None or view is None:
            return
        where = f"site {view.site}" if view.site else "all sites"
        if self.chosen_name:
            where += f" · {self.chosen_name}"
        count = len(grid.columns)
        who = f"{count} provider{'s' if count != 1 else ''}" if count else "nobody works this day"
        when = f"{day_heading(grid.day)} · {where} · {who}"
        if view.week:
            names = sorted({c.name for c in grid.columns}) if len(view.providers) == 1 else []
            whose = names[0] if names else f"{len(view.providers)} providers"
            when = f"Week of {grid.day:%a %d %B %Y} · {self.week_name or whose}"
        self.query_one("#grid-title", Static).update(
            f"{when} · {grid.zoom}-minute rows · "
            "● booked → arrived ✓ seen ✗ no-show · open ░ block ! overbooked"
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """`[` and `]` say "day" on a day and "week" on a week."""
        week = self.view is not None and self.view.week
        if action == "day":
            return not week
        if action == "week_step":
            return week
        return True

    def action_week_step(self, step: int) -> None:
        """The week before or after (in the week view)."""
        self.action_day(step)

    def action_day(self, step: int) -> None:
        """The day (in the week view, the week) before or after."""
        if self.view is not None:
            self.show_view(self.view.moved(step))

    def action_week(self) -> None:
        """The week of the providers chosen (a list or specialty of a few), else of the
        provider under the cursor; or back to the day."""
        view = self.view
        if view is None or self.grid is None:
            return
        if view.week:
            self.week_name = ""
            self.show_view(replace(view, week=False, providers=self.chosen))
            return
        few = self.grid.columns if len(self.grid.columns) <= WEEK_PROVIDERS else []
        if not self.chosen_name or not few:
            few = [self.grid.columns[self.grid_view().cursor[1]]] if self.grid.columns else []
        if not few:
            self.notify(
                keys_said(
                    self, "Nobody works this day: choose a provider first ({{calendar.providers}})."
                ),
                severity="warning",
            )
            return
        self.week_name = few[0].name if len(few) == 1 else self.chosen_name
        ids = tuple(dict.fromkeys(c.provider_id for c in few))
        self.show_view(replace(view, week=True, providers=ids))

    def action_today(self) -> None:
        """Back to today."""
        app = self.sched_app
        if self.view is not None:
            self.show_view(replace(self.view, day=clinic_today(app.clock, app.settings.zone)))

    def action_go_to(self) -> None:
        """Go to a day typed the way people say it."""

        def chosen(typed: str | None) -> None:
            if not typed or self.view is None:
                return
            app = self.sched_app
            try:
                day = spoken_day(typed, clinic_today(app.clock, app.settings.zone))
            except BadInput as wrong:
                self.notify(str(wrong), severity="warning", markup=False)
                return
            self.show_view(replace(self.view, day=day))

        self.app.push_screen(GoToDay(), chosen)

    def action_next_site(self) -> None:
        """Each site in turn, then all sites."""
        if self.view is None:
            return
        choices: list[str | None] = [None, *self.clinic.sites]
        site = choices[(choices.index(self.view.site) + 1) % len(choices)]
        self.show_view(replace(self.view, site=site))

    def action_zoom(self, step: int) -> None:
        """Finer or coarser rows (5, 10, 15, 30 minutes)."""
        at = ZOOMS.index(self.view.zoom) + step if self.view else -1
        if self.view is not None and 0 <= at < len(ZOOMS):
            self.show_view(replace(self.view, zoom=ZOOMS[at]), record=False)

    def action_providers(self) -> None:
        """Whose columns: everyone working, a specialty, a saved list, or one provider."""
        if self.view is None:
            return
        choices = provider_choices(self.clinic.specialties, self.clinic.lists)
        if self.grid is not None and self.grid.columns:
            place = self.grid.columns[self.grid_view().cursor[1]]
            choices[f"one:{place.provider_id}"] = f"Only {place.name}"
            choices["save"] = "Save the columns shown as a list (supervisors)"

        def chosen(key: str | None) -> None:
            if key is None or self.view is None:
                return
            if key == "save":
                if self.grid is not None:
                    self.setup.save_columns(self.grid)
                return
            self.chosen_name = "" if key == "all" else choices[key]
            kind, _, value = key.partition(":")
            ids = saved_list(self.clinic.lists, value) if kind == "list" else ()
            self.chosen = (int(value),) if kind == "one" else ids
            specialty = value if kind == "specialty" else None
            self.show_view(
                replace(self.view, week=False, providers=self.chosen, specialty=specialty)
            )

        question = "Whose columns? Type a word of a specialty, a saved list or a name."
        self.app.push_screen(
            ChoicePicker(question, choices, "shows them", "keeps the view"), chosen
        )

    def action_move(self, rows: int, columns: int) -> None:
        """hjkl move like the arrows."""
        self.grid_view().action_move(rows, columns)

    @on(ListsRead)
    def lists_read(self, message: ListsRead) -> None:
        """The clinic's lists arrived (at first, or after one was saved)."""
        self.clinic = message.lists

    @on(ScheduleChanged)
    def schedule_changed(self) -> None:
        """A change made here: read the grid again."""
        self.refresh_grid()

    @on(CalendarGrid.VisitChosen)
    def open_visit(self, event: CalendarGrid.VisitChosen) -> None:
        """Enter on a visit opens its details beside the grid (an audited view)."""
        self.load_card(event.appointment_id)

    @on(CalendarGrid.TimeChosen)
    def book_time(self, event: CalendarGrid.TimeChosen) -> None:
        """Enter on open time books the caller there."""
        self.visits.book_here(event.place, event.start)

    @on(CalendarGrid.ClosedTimeChosen)
    def say_why_not(self, event: CalendarGrid.ClosedTimeChosen) -> None:
        """Enter where nobody can be booked: say why nothing happens, and what would."""
        cell = event.cell
        why = f"blocked ({cell.text})" if cell.kind == "block" and cell.text else cell.kind
        said = "not working then" if cell.kind == "off" else why
        double_book = keys_said(self, "{{calendar.double_book}}")  # a block's text may hold braces
        self.notify(
            f"Nothing to book here: the provider is {said}. Move to an open time (░ is "
            f"open), or {double_book} to double-book over a visit.",
            severity="warning",
            markup=False,
        )

    def action_status(self, status: str) -> None:
        """Mark the visit under the cursor arrived, checked in or a no-show."""
        self.visits.mark(status)

    def action_cancel_visit(self) -> None:
        """Cancel the visit under the cursor, after choosing why."""
        self.visits.cancel()

    def action_screening(self) -> None:
        """Answer the screening questions of the visit under the cursor."""
        self.visits.screening()

    def action_cut(self) -> None:
        """Cut the visit under the cursor, to move it at the new time."""
        self.visits.cut_under_cursor()

    def action_paste(self) -> None:
        """Move the cut visit to the time under the cursor."""
        self.visits.paste()

    def action_double_book(self) -> None:
        """Book the caller at the time under the cursor even though it is taken."""
        self.visits.double_book()

    def action_waitlist(self) -> None:
        """Offer the open time under the cursor to the waitlist."""
        self.waitlist.offer()

    def action_block(self) -> None:
        """Block the provider's time from the cell under the cursor (supervisors)."""
        self.setup.block()

    def action_edit_template(self) -> None:
        """Edit the template of the provider under the cursor (supervisors)."""
        self.setup.edit_template()

    def action_close_days(self) -> None:
        """Close a site (or every site) from the day shown (supervisors)."""
        if self.grid is not None:
            self.setup.close_days(self.grid)

    def action_close(self) -> None:
        """Close the details, or go back."""
        if self.card_view().card is not None:
            self.close_card()
        else:
            self.sched_app.go_back()
