"""The referral worklist: patients to book for a referral or order, the soonest due
first; Enter calls the patient (opens them in the call workspace)."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Header, Static

from schedtui.core.schedule.referrals import ReferralRow, is_overdue, referral_worklist
from schedtui.core.views.today import clinic_today
from schedtui.desk import signed_in
from schedtui.screens.base import WorkScreen
from schedtui.widgets.referral_table import ReferralTable
from schedtui.widgets.sandbox_banner import SandboxBanner
from schedtui.widgets.screen_footer import ScreenFooter


class ReferralsScreen(WorkScreen[None]):
    """Referrals to book; `o` shows only the overdue, Enter calls the patient."""

    BINDINGS = [
        Binding("escape", "close", "Back", id="referrals.close"),
        Binding("o", "overdue", "Overdue", id="referrals.overdue"),
        Binding("r", "reload", "Refresh", id="referrals.reload"),
    ]

    @dataclass
    class Loaded(Message):
        """Rows arrived from the worker."""

        rows: list[ReferralRow]
        overdue: bool

    def __init__(self) -> None:
        super().__init__()
        self.overdue = False
        self.rows: list[ReferralRow] = []

    def compose(self) -> ComposeResult:
        yield Header(icon="☰")
        if self.sched_app.sandbox:
            yield SandboxBanner()
        yield Static("Reading the referrals...", id="referral-status", markup=False)
        yield ReferralTable(id="referral-rows")
        yield ScreenFooter()

    def on_mount(self) -> None:
        self.action_reload()

    def action_reload(self) -> None:
        """Read the worklist again."""
        self.load(self.overdue)

    def action_overdue(self) -> None:
        """Only the overdue, or all to book again."""
        self.overdue = not self.overdue
        self.action_reload()

    @work(
        thread=True,
        exclusive=True,
        group="referrals",
        exit_on_error=False,
        description="Reading the referral worklist",
    )
    def load(self, overdue: bool) -> None:
        """Read off the event loop (an audited view)."""
        app = self.sched_app
        today = clinic_today(app.clock, app.settings.zone)
        rows = referral_worklist(
            app.store, signed_in(app), now=app.clock.now(), today=today, overdue=overdue
        )
        self.post_message(self.Loaded(rows, overdue))

    @on(Loaded)
    def show_rows(self, message: Loaded) -> None:
        """The rows, and how many are overdue."""
        self.rows = message.rows
        today = clinic_today(self.sched_app.clock, self.sched_app.settings.zone)
        self.query_one(ReferralTable).show(message.rows, today)
        late_count = sum(is_overdue(row, today) for row in message.rows)
        shown = "overdue" if message.overdue else "to book"
        key = self.sched_app.key_names
        self.query_one("#referral-status", Static).update(
            f"Referrals {shown}: {len(message.rows)}, {late_count} overdue. "
            f"Enter calls the patient; {key('referrals.overdue')} "
            f"{'shows all' if message.overdue else 'shows only the overdue'}."
        )

    @on(ReferralTable.RowSelected, "#referral-rows")
    def call_patient(self, event: ReferralTable.RowSelected) -> None:
        """Open the patient under the cursor in the call workspace."""
        if event.cursor_row < len(self.rows):
            self.sched_app.call_about(self.rows[event.cursor_row].patient_mrn)

    def action_close(self) -> None:
        """Back to the previous screen."""
        self.sched_app.go_back()
