"""The nurse's queue: escalations waiting for a team, the one to answer soonest first,
the time left to answer each counting down (late ones in red, marked LATE); Enter
calls the patient, x records what was done; t changes the team shown. Read again every
few seconds (another scheduler's escalation shows), counted down every second."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.coordinate import Coordinate
from textual.message import Message
from textual.widgets import DataTable, Header, Static

from schedtui.core.patients.cases import CaseRow, resolve_escalation
from schedtui.core.support.text import printable
from schedtui.core.views.nurse_queue import is_late, nurse_queue, time_left
from schedtui.desk import signed_in
from schedtui.screens.ask_line import AskLine
from schedtui.screens.base import WorkScreen, keys_wait_for
from schedtui.widgets.sandbox_banner import SandboxBanner
from schedtui.widgets.screen_footer import ScreenFooter

#: The queue is read again this often (seconds); the time left counts every second.
REREAD_SECONDS = 5.0
COLUMNS = (("Answer", 16), ("Priority", 9), ("MRN", 10), ("Team", 10), ("Reports", 60))
#: The teams `t` steps through ("" is every team).
TEAMS = ("", "nursing", "triage", "pharmacy")


class NurseQueueScreen(WorkScreen[None]):
    """Escalations to answer; Enter calls the patient, x resolves the one under the cursor."""

    BINDINGS = [
        Binding("escape", "close", "Back", id="nurses.close"),
        Binding("x", "resolve", "Resolve", id="nurses.resolve"),
        Binding("t", "team", "Team", id="nurses.team"),
        Binding("r", "reload", "Refresh", id="nurses.reload"),
    ]

    @dataclass
    class Loaded(Message):
        """Rows arrived from the worker."""

        rows: list[CaseRow]
        team: str

    def __init__(self) -> None:
        super().__init__()
        self.team = "nursing"
        self.rows: list[CaseRow] = []

    def compose(self) -> ComposeResult:
        yield Header(icon="☰")
        if self.sched_app.sandbox:
            yield SandboxBanner()
        yield Static("Reading the queue...", id="nurses-status", markup=False)
        table: DataTable[Text] = DataTable(id="nurses-rows", cursor_type="row", zebra_stripes=True)
        yield table
        yield ScreenFooter()

    def on_mount(self) -> None:
        table = self.query_one("#nurses-rows", DataTable)
        for label, width in COLUMNS:
            table.add_column(label, width=width)
        self.set_interval(REREAD_SECONDS, self.action_reload)
        self.set_interval(1.0, self._count_down)
        self.action_reload()

    def action_reload(self) -> None:
        """Read the queue again."""
        self.load(self.team)

    def action_team(self) -> None:
        """The next team (then every team)."""
        self.team = TEAMS[(TEAMS.index(self.team) + 1) % len(TEAMS)]
        self.action_reload()

    @work(thread=True, exclusive=True, group="nurses", exit_on_error=False,
          description="Reading the nurse's queue")  # fmt: skip
    def load(self, team: str) -> None:
        """Off the event loop (an audited view of the patients on it)."""
        app = self.sched_app
        rows = nurse_queue(app.store, signed_in(app), team=team, now=app.clock.now())
        self.post_message(self.Loaded(rows, team))

    @on(Loaded)
    def show_rows(self, message: Loaded) -> None:
        """The rows (the cursor stays on the same escalation when it is still there)."""
        if message.team != self.team:
            return
        table = self.query_one("#nurses-rows", DataTable)
        kept = self.rows[table.cursor_row].id if self.rows and table.cursor_row >= 0 else None
        self.rows = message.rows
        table.clear()
        for row in message.rows:
            cells = ("", row.priority, row.patient_mrn, row.team, " ".join(row.what.split()))
            table.add_row(*(Text(printable(c)) for c in cells), key=str(row.id))
        ids = [row.id for row in message.rows]
        if kept in ids:
            table.move_cursor(row=ids.index(kept))
        self._count_down()

    def _count_down(self) -> None:
        """The time left on each row, and how many are late, at the clock's now."""
        now = self.sched_app.clock.now()
        table = self.query_one("#nurses-rows", DataTable)
        for number, row in enumerate(self.rows):
            late = is_late(row, now)
            table.update_cell_at(Coordinate(number, 0), Text(time_left(row.answer_by, now),
                                 style="bold red" if late else ""))  # fmt: skip
        late_count = sum(is_late(row, now) for row in self.rows)
        key = self.sched_app.key_names
        self.query_one("#nurses-status", Static).update(
            f"Escalations for {self.team or 'every team'}: {len(self.rows)}, {late_count} late. "
            f"Enter calls the patient; {key('nurses.resolve')} records what was done; "
            f"{key('nurses.team')} changes the team."
        )

    @on(DataTable.RowSelected, "#nurses-rows")
    def call_patient(self, event: DataTable.RowSelected) -> None:
        """Open the patient under the cursor in the call workspace."""
        if event.cursor_row < len(self.rows):
            self.sched_app.call_about(self.rows[event.cursor_row].patient_mrn)

    def action_resolve(self) -> None:
        """Record what was done about the escalation under the cursor."""
        table = self.query_one("#nurses-rows", DataTable)
        if not self.rows or table.cursor_row >= len(self.rows):
            self.notify("Nothing waits for this team.", severity="warning")
            return
        row = self.rows[table.cursor_row]

        def answered(done: str | None) -> None:
            if done is not None:
                keys_wait_for(self, self.resolve(row.id, done))

        question = f"Escalation {row.id} ({row.patient_mrn}): what was done?"
        self.app.push_screen(AskLine(question, "e.g. called back, advised ED, seen today"),
                             answered)  # fmt: skip

    @work(thread=True, group="nurses-change", exit_on_error=False, description="Resolving")
    def resolve(self, escalation_id: int, done: str) -> None:
        """Through core (audited; whether it was answered late is kept)."""
        app = self.sched_app
        resolve_escalation(app.store, signed_in(app), escalation_id, done, now=app.clock.now())
        self.app.call_from_thread(self.notify, f"Escalation {escalation_id} resolved.")
        self.app.call_from_thread(self.action_reload)

    def action_close(self) -> None:
        """Back to the previous screen."""
        self.sched_app.go_back()
