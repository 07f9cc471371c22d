"""The prior-authorization worklist: what needs chasing, overdue follow-ups first."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Header, Static

from schedtui.core.insurance.records import AuthorizationRow, authorization_worklist
from schedtui.core.support.text import printable
from schedtui.core.views.today import clinic_today
from schedtui.data.codes import AUTHORIZATION_STATUSES
from schedtui.desk import signed_in
from schedtui.screens.authorization_edit import AuthorizationEditScreen
from schedtui.screens.authorization_new import NewAuthorizationForm
from schedtui.screens.base import WorkScreen
from schedtui.widgets.sandbox_banner import SandboxBanner
from schedtui.widgets.screen_footer import ScreenFooter

#: Column labels and widths (fixed, so the table does not reflow as rows arrive).
COLUMNS = (
    ("#", 5),
    ("Follow-up", 19),
    ("Status", 10),
    ("Patient", 12),
    ("Type", 8),
    ("Auth number", 14),
    ("Valid", 23),
    ("Units", 7),
)


class AuthorizationsScreen(WorkScreen[None]):
    """Authorizations by status; `s` picks the status, Enter updates one, Esc goes back."""

    BINDINGS = [
        Binding("escape", "close", "Back", id="auths.close"),
        Binding("s", "next_status", "Status", id="auths.status"),
        Binding("r", "reload", "Refresh", id="auths.reload"),
        Binding("n", "new", "New", id="auths.new"),
    ]

    @dataclass
    class Loaded(Message):
        """Rows arrived from the worker."""

        rows: list[AuthorizationRow]

    def __init__(self) -> None:
        super().__init__()
        self.status: str | None = None
        self.rows: list[AuthorizationRow] = []

    def compose(self) -> ComposeResult:
        yield Header(icon="☰")
        if self.sched_app.sandbox:
            yield SandboxBanner()
        yield Static("", id="auth-status", markup=False)
        table: DataTable[Text] = DataTable(id="auth-rows", cursor_type="row", zebra_stripes=True)
        yield table
        yield ScreenFooter()

    def on_mount(self) -> None:
        table = self.query_one("#auth-rows", DataTable)
        for label, width in COLUMNS:
            table.add_column(label, width=width)
        self.action_reload()

    def action_reload(self) -> None:
        """Read the worklist again."""
        self.load(self.status)

    def action_new(self) -> None:
        """Start a prior-authorization request (for the caller open in the workspace,
        when there is one); the list is read again after."""

        def started(made: int | None) -> None:
            if made is not None:
                self.notify(f"Authorization {made} started.", markup=False)
                self.action_reload()

        self.app.push_screen(NewAuthorizationForm(self.sched_app.call.patient_mrn), started)

    def action_next_status(self) -> None:
        """All statuses, then each in turn."""
        choices: list[str | None] = [None, *AUTHORIZATION_STATUSES]
        self.status = choices[(choices.index(self.status) + 1) % len(choices)]
        self.action_reload()

    @work(
        thread=True,
        exclusive=True,
        group="auths",
        exit_on_error=False,
        description="Reading the authorization worklist",
    )
    def load(self, status: str | None) -> None:
        """Read off the event loop."""
        app = self.sched_app
        actor = signed_in(app)
        now = app.clock.now()
        rows = authorization_worklist(
            app.store,
            actor,
            now=now,
            today=clinic_today(app.clock, app.settings.zone),
            status=status,
        )
        self.post_message(self.Loaded(rows))

    @on(Loaded)
    def show_rows(self, message: Loaded) -> None:
        """Overdue follow-ups first, in red and marked so they read without colour."""
        self.rows = message.rows
        table = self.query_one("#auth-rows", DataTable)
        table.clear()
        overdue = 0
        for row in message.rows:
            overdue += row.overdue
            follow = ("OVERDUE " if row.overdue else "") + (row.follow_up_on or "")
            style = "bold red" if row.overdue else ""
            approved = row.approved_units
            units = f"{row.used_units}/{'-' if approved is None else approved}"
            valid = f"{row.valid_from or ''}..{row.valid_to or ''}" if row.valid_from else ""
            cells = (
                str(row.id),
                follow,
                row.status,
                row.patient_mrn,
                row.type_code or "",
                row.auth_number or "",
                valid,
                units,
            )
            table.add_row(
                *(Text(printable(c), style=style if n < 2 else "") for n, c in enumerate(cells))
            )
        shown = self.status or "all statuses"
        self.query_one("#auth-status", Static).update(
            f"Prior authorizations ({shown}): {len(message.rows)}, {overdue} overdue for follow-up"
        )

    @on(DataTable.RowSelected, "#auth-rows")
    def edit(self, event: DataTable.RowSelected) -> None:
        """Update the authorization under the cursor; the list is read again after."""

        def saved(changed: bool | None) -> None:
            if changed:
                self.notify("Authorization updated.")
                self.action_reload()

        self.app.push_screen(AuthorizationEditScreen(self.rows[event.cursor_row]), saved)

    def action_close(self) -> None:
        """Back to the previous screen."""
        self.sched_app.go_back()
