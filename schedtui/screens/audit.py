"""The audit screen (supervisors and admins): filter the trail, verify the chain."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import DataTable, Header, Input, Static

from schedtui.core.security.audit import AuditLine, AuditQuery, ChainReport
from schedtui.core.security.audit_review import check_chain, review
from schedtui.core.security.masking import masked
from schedtui.core.support.errors import BadInput
from schedtui.core.support.text import printable
from schedtui.desk import signed_in
from schedtui.screens.base import WorkScreen, keys_said
from schedtui.widgets.sandbox_banner import SandboxBanner
from schedtui.widgets.screen_footer import ScreenFooter

FILTERS = (
    ("patient", "Patient MRN"),
    ("user", "User name"),
    ("from", "From YYYY-MM-DD"),
    ("to", "To YYYY-MM-DD"),
)
#: Column labels and widths (fixed: no reflow while rows arrive).
COLUMNS = (
    ("#", 6),
    ("When (UTC)", 19),
    ("User", 14),
    ("Action", 17),
    ("What", 22),
    ("Patient", 10),
    ("Detail", 40),
)


class AuditScreen(WorkScreen[None]):
    """Who saw or changed what: filters on top, rows below, newest first."""

    BINDINGS = [
        Binding("escape", "close", "Back", id="audit.close"),
        Binding("ctrl+r", "reload", "Apply filters", id="audit.reload"),
        Binding("f5", "verify", "Verify chain", id="audit.verify"),
        Binding("ctrl+o", "toggle_logins", "Sign-ins", id="audit.logins"),
    ]

    @dataclass
    class Loaded(Message):
        """Rows arrived from the worker."""

        lines: list[AuditLine]

    @dataclass
    class Verified(Message):
        """The chain was checked."""

        report: ChainReport

    def compose(self) -> ComposeResult:
        yield Header(icon="☰")
        if self.sched_app.sandbox:
            yield SandboxBanner()
        with Horizontal(id="audit-filters"):
            for key, placeholder in FILTERS:
                yield Input(id=f"filter-{key}", placeholder=placeholder)
        yield Static(
            keys_said(
                self, "Audit trail: Enter applies the filters, {{audit.verify}} verifies the chain."
            ),
            id="audit-status",
            markup=False,
        )
        table: DataTable[Text] = DataTable(id="audit-rows", cursor_type="row", zebra_stripes=True)
        yield table
        yield ScreenFooter()

    def on_mount(self) -> None:
        table = self.query_one("#audit-rows", DataTable)
        for label, width in COLUMNS:
            table.add_column(label, width=width)
        self.lines: list[AuditLine] = []
        #: Sign-ins left out (every command writes one): Ctrl+O.
        self.without_logins = False
        self.watch(self.app, "masked", self._redraw, init=False)
        self.action_reload()

    def _query(self) -> AuditQuery:
        def day(key: str) -> date | None:
            text = self.query_one(f"#filter-{key}", Input).value.strip()
            if not text:
                return None
            try:
                return date.fromisoformat(text)
            except ValueError:
                raise BadInput(f"'{text}' is not a date like 2026-03-04.") from None

        def value(key: str) -> str | None:
            return self.query_one(f"#filter-{key}", Input).value.strip() or None

        return AuditQuery(
            value("patient"), value("user"), day("from"), day("to"), 500, self.without_logins
        )

    def action_toggle_logins(self) -> None:
        """Leave out the sign-ins, or show them again."""
        self.without_logins = not self.without_logins
        self.action_reload()

    @on(Input.Submitted)
    def action_reload(self) -> None:
        """Read the rows that match the filters."""
        try:
            query = self._query()
        except BadInput as problem:
            self.notify(str(problem), severity="error", markup=False)
            return
        self.load(query)

    @work(
        thread=True,
        exclusive=True,
        group="audit",
        exit_on_error=False,
        description="Reading the audit trail",
    )
    def load(self, query: AuditQuery) -> None:
        """Read (and audit the reading) off the event loop."""
        app = self.sched_app
        actor = signed_in(app)
        self.post_message(self.Loaded(review(app.store, actor, query, now=app.clock.now())))

    @on(Loaded)
    def show_lines(self, message: Loaded) -> None:
        """Put rows on screen."""
        self.lines = message.lines
        self._redraw()
        hidden = (
            keys_said(self, " Sign-ins left out ({{audit.logins}} shows them).")
            if self.without_logins
            else ""
        )
        self.query_one("#audit-status", Static).update(
            f"{len(self.lines)} rows, newest first.{hidden}"
        )

    def _redraw(self, *_: object) -> None:
        table = self.query_one("#audit-rows", DataTable)
        table.clear()
        mask = self.sched_app.masked
        for line in self.lines:
            table.add_row(
                *(
                    Text(printable(str(cell)))
                    for cell in (
                        line.id,
                        f"{line.occurred_at:%Y-%m-%d %H:%M:%S}",
                        line.username,
                        line.action,
                        f"{line.entity} {line.entity_id}".strip(),
                        line.patient_mrn or "",
                        masked(line.detail, mask),
                    )
                )
            )

    def action_verify(self) -> None:
        """Check the whole hash chain."""
        self.verify()

    @work(
        thread=True,
        exclusive=True,
        group="audit-verify",
        exit_on_error=False,
        description="Verifying the audit chain",
    )
    def verify(self) -> None:
        """Walk the chain off the event loop."""
        app = self.sched_app
        actor = signed_in(app)
        self.post_message(self.Verified(check_chain(app.store, actor, now=app.clock.now())))

    @on(Verified)
    def show_verdict(self, message: Verified) -> None:
        """Say whether the chain is intact."""
        report = message.report
        if report.intact:
            text = f"Chain intact: {report.rows} rows, head {report.head_hash[:16]}…"
            self.notify(text, title="Audit chain")
        else:
            text = f"Chain BROKEN at row {report.first_bad_id}: {report.problem}"
            timeout = 6 * self.app.NOTIFICATION_TIMEOUT  # a broken chain must be read
            self.notify(text, title="Audit chain", severity="error", timeout=timeout)
        self.query_one("#audit-status", Static).update(text)

    def action_close(self) -> None:
        """Back to the previous screen."""
        self.sched_app.go_back()
