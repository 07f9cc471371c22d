"""The call workspace: the lookup box has focus; the right patient is on top while the
caller is still spelling; Enter opens their panel."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.timer import Timer
from textual.widgets import DataTable, Header, Input, Static, TextArea
from textual.worker import Worker, get_current_worker

from schedtui.core.patients.call_notes import (
    CARD_IN_NOTE,
    NoteAlreadyFiled,
    finish_note,
    open_drafts,
    save_draft,
    start_note,
)
from schedtui.core.patients.cases import EMERGENCY_SCRIPT, red_flags
from schedtui.core.patients.live_call import LiveCall
from schedtui.core.patients.lookup.index import BuildStopped
from schedtui.core.patients.lookup.service import (
    PatientMatch,
    find_in_store,
    find_patients,
    refresh,
    warm_up,
)
from schedtui.core.patients.lookup.trail import SearchTrail, record_patient_search
from schedtui.core.payments.taking import Taken
from schedtui.core.schedule.appointment_changes import cancel
from schedtui.core.schedule.calendar_booking import VisitToMove, waitlist_note
from schedtui.core.schedule.screening import ScreeningSheet, screening_sheet
from schedtui.core.security.access import Actor
from schedtui.core.support.card_numbers import has_card_number
from schedtui.core.support.formats import clinic_moment_text
from schedtui.core.views.patient_panel import PatientPanel, Visit, patient_panel
from schedtui.core.views.today import clinic_today
from schedtui.desk import signed_in
from schedtui.screens.base import WorkScreen, keys_said, keys_wait_for, offer_hint
from schedtui.screens.booking import BookingScreen
from schedtui.screens.chart_form import ChartForm
from schedtui.screens.coverage import CoverageScreen
from schedtui.screens.escalating import ask_and_raise
from schedtui.screens.payment_form import PaymentForm, taken_text
from schedtui.screens.reasons import ReasonPicker
from schedtui.screens.registration import Opened, RegistrationScreen
from schedtui.screens.screening_form import ScreeningForm
from schedtui.widgets.match_table import MatchTable
from schedtui.widgets.patient_panel_view import PatientPanelView
from schedtui.widgets.sandbox_banner import SandboxBanner
from schedtui.widgets.screen_footer import ScreenFooter
from schedtui.widgets.visit_table import VisitTable, visit_when

#: Patients changed by other schedulers are picked up this often (seconds).
REFRESH_SECONDS = 10.0
#: The call note's draft is saved this often (seconds): a crash loses at most this much.
DRAFT_SECONDS = 3.0
#: A search is written to the audit trail once the typing has paused this long (seconds),
#: or at once when a patient is opened or the screen is left.
SEARCH_SETTLE_SECONDS = 2.0


class WorkspaceScreen(WorkScreen[None]):
    """Find the caller and open their panel."""

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    #: A narrow footer leaves these out: the panel's visits title says F8, c and r,
    #: Ctrl+F and Esc are habits, and Ctrl+R (edit the chart), Ctrl+T (escalate to a
    #: nurse) and Ctrl+G (take a payment) are in Ctrl+P and the help.
    FOOTER_SPARE = frozenset(
        {
            "workspace.edit",
            "workspace.escalate",
            "workspace.pay",
            "workspace.resolved",
            "workspace.find",
            "workspace.clear",
            "workspace.visits",
            "visits.cancel",
            "visits.reschedule",
            "visits.screening",
        }
    )
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]
    BINDINGS = [
        Binding("ctrl+f", "focus_lookup", "Find", id="workspace.find"),
        Binding("escape", "clear", "Clear", id="workspace.clear"),
        Binding("ctrl+n", "register", "New patient", id="workspace.register"),
        Binding("ctrl+b", "book", "Book", id="workspace.book"),
        Binding("f8", "focus_visits", "Visits", id="workspace.visits"),
        Binding("f9", "add_coverage", "Coverage", id="workspace.coverage"),
        Binding("f5", "focus_note", "Note", id="workspace.note"),
        Binding("ctrl+s", "file_note", "File note", id="workspace.file_note"),
        Binding("ctrl+r", "edit_patient", "Edit", id="workspace.edit"),
        Binding("ctrl+t", "escalate", "Nurse", id="workspace.escalate"),
        Binding("ctrl+g", "take_payment", "Pay", id="workspace.pay"),
        Binding("ctrl+o", "resolved", "Resolved?", id="workspace.resolved"),
    ]

    @dataclass
    class Found(Message):
        """Matches for a query arrived."""

        query: str
        matches: list[PatientMatch]

    @dataclass
    class NoteReady(Message):
        """A call note to write into: a new draft, or one left by a crash."""

        note_id: int
        body: str
        started_at: datetime
        restored: bool

    @dataclass
    class PanelLoaded(Message):
        """A patient's panel arrived."""

        panel: PatientPanel

    def __init__(self, initial_query: str = "") -> None:
        super().__init__()
        self.initial_query = initial_query
        self.matches: list[PatientMatch] = []
        #: The search for what the lookup shows (the last keystroke's), and the query the
        #: list answers; Enter typed before the answer came opens its top match then.
        self.searching: Worker[None] | None = None
        self.listed_query: str | None = None
        self.open_when_found = False
        #: A worklist asked for this patient: opened once the lookup finds them.
        self.open_for_query: str | None = None
        #: Whether the note's draft was found to hold a card number (said once).
        self.card_number_said = False
        #: Patients the lookup showed, not yet in the audit trail.
        self.trail = SearchTrail()
        self._settle: Timer | None = None

    @property
    def call(self) -> LiveCall:
        """The call in progress (kept by the app: other screens see and keep it too)."""
        return self.sched_app.call

    def compose(self) -> ComposeResult:
        yield Header(icon="☰")
        if self.sched_app.sandbox:
            yield SandboxBanner()
        yield Input(id="lookup", placeholder="Name, date of birth, phone or MRN")
        yield Static("Loading the patient list...", id="lookup-status", markup=False)
        with Horizontal(id="workspace-body"):
            with Vertical(id="matches"):
                yield MatchTable(id="match-rows")
            with Vertical(id="patient-side"):
                with VerticalScroll(id="panel-scroll"):  # Tab reaches it; arrows scroll
                    yield PatientPanelView(id="panel")
                yield Static("", id="visits-title", markup=False)
                yield VisitTable(id="visits")
        with Horizontal(id="call-bar"):
            yield Static("Call --:--", id="call-timer", markup=False)
            yield TextArea(id="note")
        yield ScreenFooter()

    def on_mount(self) -> None:
        lookup = self.query_one("#lookup", Input)
        lookup.value = self.initial_query
        lookup.focus()
        self.watch(self.app, "masked", self._mask_changed, init=False)
        self.set_interval(REFRESH_SECONDS, self._refresh_index)
        self.set_interval(DRAFT_SECONDS, self.save_draft_now)
        self.set_interval(1.0, self._tick)
        self.build_index()
        self.searching = self.search(self.initial_query)
        self.prepare_note()

    @work(
        thread=True,
        group="lookup-build",
        exclusive=True,
        exit_on_error=False,
        description="Building the patient list",
    )
    def build_index(self) -> None:
        """Build the full index once (searches read the store's keys until it is ready)."""
        shared = self.sched_app.lookup
        if shared.index is not None:
            return
        warm_up(self.sched_app.settings.region)
        worker = get_current_worker()  # quitting cancels it: the build stops, not the quit
        try:
            with self.sched_app.store.read() as session:
                index = refresh(session, None, stop=lambda: worker.is_cancelled)
        except BuildStopped:
            return
        with shared.lock:
            if shared.index is None:
                shared.index = index

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
        """Every keystroke searches again; the previous search is dropped (the list shows
        again beside the open patient)."""
        self.remove_class("-patient-open")
        self.open_when_found = False  # typing again takes back an Enter not yet answered
        if event.value != self.open_for_query:
            self.open_for_query = None  # and a worklist's call the scheduler typed over
        self.searching = self.search(event.value)

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
        now, today = app.clock.now(), clinic_today(app.clock, app.settings.zone)
        region = app.settings.region
        with app.lookup.lock:  # no refresh while searching
            index = app.lookup.index
            if index is not None:
                with app.store.read() as session:
                    matches = find_patients(
                        session, index, query, now=now, today=today, region=region
                    )
        if index is None:  # not built yet: the same answer from the keys in the store
            matches = find_in_store(app.store, query, now=now, today=today, region=region)
        if not get_current_worker().is_cancelled:
            self.post_message(self.Found(query, matches))

    @on(Found)
    def show_matches(self, message: Found) -> None:
        """List the matches, strongest first."""
        if message.query != self.query_one("#lookup", Input).value:
            return  # a stale answer to an older keystroke
        self.matches, self.listed_query = message.matches, message.query
        self._fill_matches()
        if self.open_when_found or message.query == self.open_for_query:
            self.open_when_found, self.open_for_query = False, None
            self.open_top_match()
        self._shown(message.query, [match.mrn for match in message.matches])
        count = len(message.matches)
        if count:
            noun = "match" if count == 1 else "matches"
            status = f"{count} {noun}: Enter opens the first, Tab moves to the list"
        elif message.query.strip():
            status = "No patient matches."
        else:
            status = "Type a name, date of birth, phone or MRN."
        self.query_one("#lookup-status", Static).update(status)

    def _shown(self, query: str, mrns: list[str]) -> None:
        """Patients are on screen: audit them once the typing settles."""
        if not mrns:
            return
        self.trail.saw(query, mrns)
        if self._settle is not None:
            self._settle.stop()
        self._settle = self.set_timer(SEARCH_SETTLE_SECONDS, self.record_search)

    def record_search(self) -> None:
        """Write what the lookup showed to the audit trail (off the event loop)."""
        taken = self.trail.take()
        actor = self.sched_app.actor
        if taken is not None and actor is not None:
            self._record_search(actor, *taken)

    @work(thread=True, group="search-trail", exit_on_error=False, description="Auditing a search")
    def _record_search(self, actor: Actor, query: str, shown: list[str]) -> None:
        app = self.sched_app
        record_patient_search(app.store, actor, now=app.clock.now(), query=query, shown=shown)

    def on_screen_suspend(self) -> None:
        self.record_search()
        self.save_draft_now()  # another screen: what was typed is safe before anything else

    def on_screen_resume(self) -> None:
        """Back from another screen: the caller's visits changed there (booked on the
        calendar, say) show now."""
        if self.call.panel_stale and self.call.patient_id is not None:
            self.load_panel(self.call.patient_id)

    def on_unmount(self) -> None:
        # The screen's workers are cancelled as it goes: write the last search here, once.
        taken = self.trail.take()
        app = self.sched_app
        if taken is not None and app.actor is not None:
            query, shown = taken
            record_patient_search(
                app.store, app.actor, now=app.clock.now(), query=query, shown=shown
            )

    def look_up(self, query: str) -> None:
        """Find `query` (an MRN from a worklist) and open the patient it finds."""
        self.open_for_query = query
        lookup = self.query_one("#lookup", Input)
        lookup.value = query
        lookup.focus()
        if self.listed_query == query:  # already listed: open it now
            self.open_for_query = None
            self.open_top_match()

    @on(Input.Submitted, "#lookup")
    def open_top_match(self) -> None:
        """Enter in the lookup opens the top match (of what was typed: typed ahead of the
        list, once the list has caught up)."""
        if self.listed_query != self.query_one("#lookup", Input).value:
            self.open_when_found = True
            if self.searching is not None:
                keys_wait_for(self, self.searching)  # and the keys after Enter wait too
            return
        if self.matches:
            self.record_search()
            keys_wait_for(self, self.load_panel(self.matches[0].patient_id))

    @on(DataTable.RowSelected, "#match-rows")
    def open_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a row opens that patient."""
        if event.row_key.value is not None:
            self.record_search()
            keys_wait_for(self, self.load_panel(int(event.row_key.value)))

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
        actor = signed_in(app)
        self.post_message(
            self.PanelLoaded(patient_panel(app.store, actor, patient_id, now=app.clock.now()))
        )

    @on(PanelLoaded)
    def show_panel(self, message: PanelLoaded) -> None:
        """Show the patient (the call note is now about them)."""
        panel = message.panel
        self.call.open_patient(panel.patient_id, panel.name, panel.mrn)
        self.call.panel_stale = False
        self.add_class("-patient-open", "-has-panel")  # (the panel stays beside a new search)
        settings = self.sched_app.settings
        self.query_one(PatientPanelView).show(
            message.panel, mask=self.sched_app.masked, region=settings.region, zone=settings.zone
        )
        self.query_one(VisitTable).show(message.panel.upcoming)
        self.query_one("#visits-title", Static).update(
            keys_said(
                self,
                "Upcoming visits ({{workspace.visits}}; {{visits.cancel}} cancel, "
                "{{visits.reschedule}} reschedule)"
                if message.panel.upcoming
                else "No upcoming visits ({{workspace.book}} books one)",
            )
        )

    @work(thread=True, group="note", exit_on_error=False, description="Opening the call note")
    def prepare_note(self) -> None:
        """Reopen a draft a crash left behind, or start a new note for this call."""
        app = self.sched_app
        actor = signed_in(app)
        now = app.clock.now()
        drafts = open_drafts(app.store, actor)
        draft = drafts[0] if drafts else None
        if draft is not None and draft.id is not None:
            self.post_message(self.NoteReady(draft.id, draft.body, draft.started_at, True))
            return
        self.post_message(self.NoteReady(start_note(app.store, actor, now=now), "", now, False))

    @on(NoteReady)
    def note_ready(self, message: NoteReady) -> None:
        """Put the note in the pane (and say so when it comes back after a crash)."""
        self.call.new_note(message.note_id, message.body, message.started_at)
        self.query_one("#note", TextArea).load_text(message.body)
        self._tick()
        if message.restored:
            when = clinic_moment_text(message.started_at, self.sched_app.settings.zone)
            self.notify(
                f"Your unfinished note from {when} is back.",
                title="Call note restored",
            )

    def _tick(self) -> None:
        if self.call.started_at is None:
            return
        seconds = int((self.sched_app.clock.now() - self.call.started_at).total_seconds())
        resolved = self.call.resolved
        said = "" if resolved is None else f"\nresolved: {'yes' if resolved else 'no'}"
        self.query_one("#call-timer", Static).update(
            f"Call {seconds // 60:02d}:{seconds % 60:02d}{said}"
        )

    def action_resolved(self) -> None:
        """Say whether the caller's need was met on this call (kept with the note)."""
        self.call.next_resolved()
        self._tick()

    def save_draft_now(self) -> None:
        """Save the draft if it changed since the last save; a draft holding a full card
        number is not saved (said once, until it is taken out)."""
        text = self.query_one("#note", TextArea).text
        if self.call.note_id is None or text == self.call.saved_text:
            return
        if has_card_number(text):
            if not self.card_number_said:
                self.notify(CARD_IN_NOTE, title="Not saved", severity="warning", markup=False)
            self.card_number_said = True
            return
        self.card_number_said = False
        self.call.saved_text = text
        self._save(self.call.note_id, text, self.call.patient_id)

    @work(
        thread=True,
        group="note-save",
        exit_on_error=False,
        description="Saving the call note's draft",
    )
    def _save(self, note_id: int, text: str, patient_id: int | None) -> None:
        app = self.sched_app
        actor = signed_in(app)
        # Ctrl+S filed the note (with everything typed) while this save was on its way.
        with contextlib.suppress(NoteAlreadyFiled):
            save_draft(app.store, actor, note_id, text, now=app.clock.now(), patient_id=patient_id)

    def action_focus_note(self) -> None:
        """Write in the call note."""
        self.query_one("#note", TextArea).focus()

    def action_file_note(self) -> None:
        """File the note for this call and start the next."""
        if self.call.note_id is not None:
            text = self.query_one("#note", TextArea).text
            if has_card_number(text):  # refused before anything: the call stays as it is
                self.notify(CARD_IN_NOTE, title="Not filed", severity="warning", markup=False)
                return
            if flags := red_flags(text):
                self.notify(f"The note says {', '.join(flags)}. {EMERGENCY_SCRIPT}",
                            title="Emergency words", severity="error", markup=False,
                            timeout=10 * self.app.NOTIFICATION_TIMEOUT)  # fmt: skip
            call = self.call
            self._file(call.note_id, text, call.patient_id, call.appointment_id, call.resolved)
            self.call.appointment_id = None

    @work(thread=True, group="note", exit_on_error=False, description="Filing the call note")
    def _file(
        self, note_id: int, text: str, patient_id: int | None, appointment_id: int | None,
        resolved: bool | None = None,
    ) -> None:  # fmt: skip
        app = self.sched_app
        actor = signed_in(app)
        now = app.clock.now()
        finish_note(
            app.store,
            actor,
            note_id,
            text,
            now=now,
            patient_id=patient_id,
            appointment_id=appointment_id,
            resolved_on_call=resolved,
        )
        self.post_message(self.NoteReady(start_note(app.store, actor, now=now), "", now, False))
        self.app.call_from_thread(self.notify, "Call note filed.")
        if patient_id is not None:  # the filed note shows under the patient at once
            self.app.call_from_thread(self.reload_panel, patient_id)

    def reload_panel(self, patient_id: int) -> None:
        """Read the patient's panel again if they are still the one open."""
        if self.call.patient_id == patient_id:
            self.load_panel(patient_id)

    def _mask_changed(self, mask: bool) -> None:
        view = self.query_one(PatientPanelView)
        settings = self.sched_app.settings
        view.show(view.panel, mask=mask, region=settings.region, zone=settings.zone)
        self._fill_matches(keep_cursor=True)

    def _fill_matches(self, *, keep_cursor: bool = False) -> None:
        """The match rows; with the privacy mask on, birth dates and phones are hidden."""
        self.query_one(MatchTable).show(
            self.matches, mask=self.sched_app.masked, keep_cursor=keep_cursor
        )

    def action_register(self) -> None:
        """Register a new patient (the form as left, if one was closed unsaved on this
        call); open them, or the existing patient chosen instead, when done."""

        def closed(opened: Opened | None) -> None:
            if opened is None:
                if self.call.registration_draft is not None:
                    self.notify(
                        keys_said(
                            self, "What you typed is kept: {{workspace.register}} brings it back."
                        )
                    )
                return
            self.call.registration_draft = None
            self.notify("Patient registered." if opened.registered else "Existing patient opened.")
            self.load_panel(opened.patient_id)

        typed = self.query_one("#lookup", Input).value.strip()
        caller = typed if sum(ch.isdigit() for ch in typed) >= 10 else ""  # a caller ID
        draft = self.call.registration_draft
        self.app.push_screen(RegistrationScreen(phone=caller, draft=draft), closed)

    def action_book(self) -> None:
        """Book for the open patient: type, open times, hold, read-back."""
        panel = self.query_one(PatientPanelView).panel
        if panel is None:
            self.notify("Open a patient first (find them, then Enter).", severity="warning")
            return

        def booked(appointment_id: int | None) -> None:
            if appointment_id is not None:
                self.call.appointment_id = appointment_id
                pay = keys_said(self, "{{workspace.pay}} takes a payment for it.")
                self.notify(f"Booked: appointment {appointment_id}. {pay}", markup=False)
                self.load_panel(panel.patient_id)

        self.app.push_screen(BookingScreen(panel.patient_id, panel.name), booked)

    def action_add_coverage(self) -> None:
        """Enter a coverage from the open patient's card."""
        panel = self.query_one(PatientPanelView).panel
        if panel is None:
            self.notify("Open a patient first (find them, then Enter).", severity="warning")
            return

        def saved(coverage_id: int | None) -> None:
            if coverage_id is not None:
                self.notify("Coverage saved.")
                self.load_panel(panel.patient_id)

        self.app.push_screen(CoverageScreen(panel.patient_id, panel.name), saved)

    def action_take_payment(self) -> None:
        """Take a payment from the open patient: the copay of the visit booked on this call
        (else of their visit today), or the balance."""
        panel = self.query_one(PatientPanelView).panel
        if panel is None:
            self.notify("Open a patient first (find them, then Enter).", severity="warning")
            return

        def taken(payment: Taken | None) -> None:
            if payment is not None:
                self.notify(taken_text(payment), markup=False)
                self.load_panel(panel.patient_id)

        form = PaymentForm(
            patient_id=panel.patient_id, appointment_id=self.call.appointment_id, who=panel.name
        )
        self.app.push_screen(form, taken)

    def action_escalate(self) -> None:
        """Hand the open patient's concern to nursing (what they report, how urgent)."""
        panel = self.query_one(PatientPanelView).panel
        if panel is None:
            self.notify("Open a patient first (find them, then Enter).", severity="warning")
            return
        ask_and_raise(self, panel)

    def action_edit_patient(self) -> None:
        """Change the open patient's details (the chart form)."""
        panel = self.query_one(PatientPanelView).panel
        if panel is None:
            self.notify("Open a patient first (find them, then Enter).", severity="warning")
            return

        if self.sched_app.masked:
            mask = self.sched_app.key_names("app.mask")
            self.notify(f"The chart shows what the mask hides: {mask} takes the mask off first.",
                        title="Not now", severity="warning", markup=False)  # fmt: skip
            return

        def saved(changed: bool | None) -> None:
            if changed:
                self.notify("The chart is saved.", markup=False)
                self.load_panel(panel.patient_id)

        self.app.push_screen(ChartForm(panel.patient_id, panel.name), saved)

    def action_focus_visits(self) -> None:
        """Move to the patient's upcoming visits (to cancel or reschedule one)."""
        visits = self.query_one(VisitTable)
        if visits.row_count:
            visits.focus()
        else:
            self.notify("This patient has no upcoming visits.", severity="warning")

    @on(VisitTable.Asked)
    def change_visit(self, message: VisitTable.Asked) -> None:
        """Ask why, then cancel, or find the new time; or answer its screening."""
        visit = message.visit
        if message.what == "screening":
            keys_wait_for(self, self.read_screening(visit.appointment_id))
            return
        what = f"{visit_when(visit)} {visit.type_code} with {visit.provider}"
        if message.what == "cancel":
            question, action = f"Cancel {what}? Why is it cancelled?", "cancels it"
        else:
            question, action = f"Move {what}. Why is it moving?", "goes on to the open times"

        def reason_chosen(reason: str | None) -> None:
            if reason is None:
                return
            if message.what == "cancel":
                self.cancel_visit(visit, reason, self.call.patient_id)
            else:
                self._reschedule(visit, reason)

        self.app.push_screen(ReasonPicker(question, action), reason_chosen)

    @work(thread=True, group="visit-change", exit_on_error=False, description="Reading")
    def read_screening(self, appointment_id: int) -> None:
        """The visit's screening questions (an audited view), into their form."""
        app = self.sched_app
        sheet = screening_sheet(app.store, signed_in(app), appointment_id, now=app.clock.now())
        self.app.call_from_thread(self._ask_screening, sheet)

    def _ask_screening(self, sheet: ScreeningSheet) -> None:
        if not sheet.questions:
            self.notify("This visit type asks no screening questions.", severity="warning")
            return

        def kept(answered: bool | None) -> None:
            if answered:
                self.notify("Answers kept.")

        self.app.push_screen(ScreeningForm(sheet), kept)

    @work(thread=True, group="visit-change", exit_on_error=False, description="Cancelling")
    def cancel_visit(self, visit: Visit, reason: str, patient_id: int | None) -> None:
        """Through the engine: reason code, late flag, DomainEvent and audit."""
        app = self.sched_app
        actor = signed_in(app)
        late = cancel(
            app.store,
            actor,
            visit.appointment_id,
            reason,
            now=app.clock.now(),
            settings=app.settings,
        )
        said = f"Cancelled {visit_when(visit)}" + (" (a late cancellation)." if late else ".")
        said += offer_hint(
            self, waitlist_note(app.store, visit.appointment_id, now=app.clock.now())
        )
        self.app.call_from_thread(setattr, self.call, "appointment_id", visit.appointment_id)
        self.app.call_from_thread(self.notify, said)
        if patient_id is not None:
            self.app.call_from_thread(self.load_panel, patient_id)

    def _reschedule(self, visit: Visit, reason: str) -> None:
        panel = self.query_one(PatientPanelView).panel
        assert panel is not None

        def moved(appointment_id: int | None) -> None:
            if appointment_id is not None:
                self.call.appointment_id = appointment_id
                self.notify(f"Moved: the visit is now appointment {appointment_id}.")
                self.load_panel(panel.patient_id)

        moving = VisitToMove(
            visit.appointment_id, panel.patient_id, visit.type_code, visit_when(visit), reason
        )
        self.app.push_screen(BookingScreen(panel.patient_id, panel.name, moving=moving), moved)

    def action_focus_lookup(self) -> None:
        """Back to the lookup box."""
        self.query_one("#lookup", Input).focus()

    def action_clear(self) -> None:
        """Start over for the next caller."""
        lookup = self.query_one("#lookup", Input)
        lookup.value = ""
        lookup.focus()
        self.call.forget_patient()
        self.remove_class("-patient-open", "-has-panel")
        self.query_one(PatientPanelView).clear()
        self.query_one(VisitTable).show(())
        self.query_one("#visits-title", Static).update("")
