"""The call workspace: the lookup box has focus; the right patient is on top while the
caller is still spelling; Enter opens their panel."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import DataTable, Footer, Header, Input, Static
from textual.worker import get_current_worker

from schedtui.core.lookup.index import PatientIndex
from schedtui.core.lookup.service import PatientMatch, find_patients, refresh, warm_up
from schedtui.core.patient_panel import PatientPanel, patient_panel
from schedtui.core.text import printable
from schedtui.core.today import clinic_today
from schedtui.screens.base import WorkScreen
from schedtui.widgets.patient_panel_view import PatientPanelView
from schedtui.widgets.sandbox_banner import SandboxBanner

COLUMNS = (
    ("Name", 22),
    ("DOB", 10),
    ("Age", 3),
    ("Phone", 14),
    ("MRN", 9),
    ("Next", 10),
    ("Alerts", 14),
)
#: Patients changed by other schedulers are picked up this often (seconds).
REFRESH_SECONDS = 10.0


class LookupIndex:
    """The app's patient index: built once in a worker, refreshed with what changed."""

    def __init__(self) -> None:
        self.index: PatientIndex | None = None
        self.lock = threading.Lock()


class WorkspaceScreen(WorkScreen):
    """Find the caller and open their panel."""

    DEFAULT_CSS = """
    WorkspaceScreen #lookup { margin: 0 1; }
    WorkspaceScreen #lookup-status { height: 1; padding: 0 1; color: $text-muted; }
    WorkspaceScreen #workspace-body { height: 1fr; }
    WorkspaceScreen #matches { width: 98; }
    WorkspaceScreen PatientPanelView { width: 1fr; }
    """
    BINDINGS = [
        Binding("ctrl+f", "focus_lookup", "Find", id="workspace.find"),
        Binding("escape", "clear", "Clear", id="workspace.clear"),
    ]

    @dataclass
    class Found(Message):
        """Matches for a query arrived."""

        query: str
        matches: list[PatientMatch]

    @dataclass
    class PanelLoaded(Message):
        """A patient's panel arrived."""

        panel: PatientPanel

    def __init__(self, initial_query: str = "") -> None:
        super().__init__()
        self.initial_query = initial_query
        self.matches: list[PatientMatch] = []

    def compose(self) -> ComposeResult:
        yield Header(icon="☰")
        if self.sched_app.sandbox:
            yield SandboxBanner()
        yield Input(id="lookup", placeholder="Name, date of birth, phone or MRN")
        yield Static("Loading the patient list...", id="lookup-status", markup=False)
        with Horizontal(id="workspace-body"):
            with Vertical(id="matches"):
                table: DataTable[Text] = DataTable(id="match-rows", cursor_type="row")
                yield table
            yield PatientPanelView(id="panel")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#match-rows", DataTable)
        for label, width in COLUMNS:
            table.add_column(label, width=width)
        lookup = self.query_one("#lookup", Input)
        lookup.value = self.initial_query
        lookup.focus()
        self.watch(self.app, "masked", self._mask_changed, init=False)
        self.set_interval(REFRESH_SECONDS, self._refresh_index)
        self.search(self.initial_query)

    def _index(self) -> PatientIndex:
        shared = self.sched_app.lookup
        with shared.lock, self.sched_app.store.read() as session:
            if shared.index is None:
                shared.index = refresh(session, None)
                warm_up(self.sched_app.settings.region)
            return shared.index

    @work(
        thread=True,
        group="lookup-refresh",
        exclusive=True,
        exit_on_error=False,
        description="Refreshing the patient list",
    )
    def _refresh_index(self) -> None:
        shared = self.sched_app.lookup
        if shared.index is None:
            return
        with shared.lock, self.sched_app.store.read() as session:
            refresh(session, shared.index)

    @on(Input.Changed, "#lookup")
    def typed(self, event: Input.Changed) -> None:
        """Every keystroke searches again; the previous search is dropped."""
        self.search(event.value)

    @work(
        thread=True,
        group="lookup",
        exclusive=True,
        exit_on_error=False,
        description="Searching patients",
    )
    def search(self, query: str) -> None:
        """Search off the event loop; a newer keystroke cancels this one."""
        app = self.sched_app
        index = self._index()
        with app.store.read() as session:
            matches = find_patients(
                session,
                index,
                query,
                now=app.clock.now(),
                today=clinic_today(app.clock, app.settings.zone),
                region=app.settings.region,
            )
        if not get_current_worker().is_cancelled:
            self.post_message(self.Found(query, matches))

    @on(Found)
    def show_matches(self, message: Found) -> None:
        """List the matches, strongest first."""
        if message.query != self.query_one("#lookup", Input).value:
            return  # a stale answer to an older keystroke
        self.matches = message.matches
        table = self.query_one("#match-rows", DataTable)
        table.clear()
        for match in message.matches:
            upcoming = f"{match.next_appointment:%m/%d/%Y}" if match.next_appointment else ""
            cells = (
                match.name,
                f"{match.dob:%m/%d/%Y}",
                str(match.age),
                match.phone,
                match.mrn,
                upcoming,
                ", ".join(match.alerts),
            )
            table.add_row(*(Text(printable(c)) for c in cells), key=str(match.patient_id))
        count = len(message.matches)
        if count:
            noun = "match" if count == 1 else "matches"
            status = f"{count} {noun}: Enter opens the first, Tab moves to the list"
        elif message.query.strip():
            status = "No patient matches."
        else:
            status = "Type a name, date of birth, phone or MRN."
        self.query_one("#lookup-status", Static).update(status)

    @on(Input.Submitted, "#lookup")
    def open_top_match(self) -> None:
        """Enter in the lookup opens the top match."""
        if self.matches:
            self.load_panel(self.matches[0].patient_id)

    @on(DataTable.RowSelected, "#match-rows")
    def open_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a row opens that patient."""
        if event.row_key.value is not None:
            self.load_panel(int(event.row_key.value))

    @work(
        thread=True,
        group="panel",
        exclusive=True,
        exit_on_error=False,
        description="Opening the patient",
    )
    def load_panel(self, patient_id: int) -> None:
        """Read the panel (a view of the record, audited) off the event loop."""
        app = self.sched_app
        assert app.actor is not None
        self.post_message(
            self.PanelLoaded(patient_panel(app.store, app.actor, patient_id, now=app.clock.now()))
        )

    @on(PanelLoaded)
    def show_panel(self, message: PanelLoaded) -> None:
        """Show the patient."""
        self.query_one(PatientPanelView).show(
            message.panel, mask=self.sched_app.masked, region=self.sched_app.settings.region
        )

    def _mask_changed(self, mask: bool) -> None:
        view = self.query_one(PatientPanelView)
        view.show(view.panel, mask=mask, region=self.sched_app.settings.region)

    def action_focus_lookup(self) -> None:
        """Back to the lookup box."""
        self.query_one("#lookup", Input).focus()

    def action_clear(self) -> None:
        """Start over for the next caller."""
        lookup = self.query_one("#lookup", Input)
        lookup.value = ""
        lookup.focus()
