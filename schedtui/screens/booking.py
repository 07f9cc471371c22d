"""Booking from the patient: visit type, preferences, the best open times, a hold while
the caller decides, the read-back, booked. Everything goes through the engine."""

from __future__ import annotations

from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import DataTable, Header, Input, Static
from textual.worker import Worker

from schedtui.core.schedule.appointment_changes import reschedule
from schedtui.core.schedule.booking import (
    BookingRequest,
    book,
    hold_slot,
    release_hold,
)
from schedtui.core.schedule.booking_checks import visit_reason
from schedtui.core.schedule.booking_choices import (
    POST_DISCHARGE_DAYS,
    BookingChoices,
    Narrowing,
    VisitType,
    offered,
    offered_times,
    read_booking_choices,
    read_narrowing,
    type_candidates,
)
from schedtui.core.schedule.calendar_booking import VisitToMove
from schedtui.core.schedule.readback import ReadBack, read_back
from schedtui.core.schedule.slots import Slot, SlotRequest
from schedtui.core.support.errors import BadInput, FieldErrors
from schedtui.core.support.text import printable
from schedtui.core.views.grid_views import Spot
from schedtui.core.views.today import clinic_today
from schedtui.data.codes import CANCELLATION_REASONS, DayPart, VisitMode
from schedtui.desk import signed_in
from schedtui.screens.base import (
    WorkScreen,
    key_name,
    keys_said,
    keys_wait_for,
    report_failure,
    typed_app,
)
from schedtui.screens.screening_form import answers_from, question_fields
from schedtui.widgets.field_form import field_rows, show_errors, typed_values
from schedtui.widgets.sandbox_banner import SandboxBanner
from schedtui.widgets.screen_footer import ScreenFooter

PARTS = (DayPart.ANY, DayPart.MORNING, DayPart.AFTERNOON)
#: Open times shown at first, and added by each "more".
PAGE = 12
MODES = tuple(VisitMode)


def request_for(
    patient_id: int, slot: Slot, hold_id: int | None = None, reason: str = ""
) -> BookingRequest:
    """The engine's request for an open time (held first, then booked with the hold)."""
    return BookingRequest(
        patient_id,
        slot.provider_id,
        slot.type_code,
        slot.start,
        slot.site_id,
        slot.visit_mode,
        reason,
        hold_id=hold_id,
    )


class BookingScreen(WorkScreen[int | None]):
    """Pick the visit type, then an open time; Enter holds it and shows the read-back."""

    #: A narrow footer leaves Esc out (it goes back, as everywhere).
    FOOTER_SPARE = frozenset({"booking.close"})
    BINDINGS = [
        Binding("escape", "close", "Back", id="booking.close"),
        # priority: the type box's own Ctrl+D (delete right) must not take it
        Binding("ctrl+d", "next_part", "AM/PM", id="booking.part", priority=True),
        Binding("ctrl+t", "next_mode", "In person/video", id="booking.mode"),
        Binding("ctrl+g", "show_in_calendar", "In calendar", id="booking.calendar"),
        Binding("m", "more", "More times", id="booking.more"),
    ]

    @dataclass
    class Found(Message):
        """Open times arrived, with each start in its site's own time."""

        slots: list[Slot]
        rows: list[tuple[str, str, str]]
        zones: dict[int, str]

    @dataclass
    class Held(Message):
        """A slot is held; its read-back is ready."""

        slot: Slot
        hold_id: int
        script: ReadBack
        reason: str

    def __init__(
        self, patient_id: int, patient_name: str, moving: VisitToMove | None = None
    ) -> None:
        super().__init__()
        self.patient_id = patient_id
        self.patient_name = patient_name
        self.moving = moving
        self.type_code: str | None = None
        self.part, self.mode = DayPart.ANY, VisitMode.IN_PERSON
        self.slots: list[Slot] = []
        self.zones: dict[int, str] = {}
        self.choices: BookingChoices | None = None
        self.narrowing = Narrowing()
        self.limit = PAGE
        self.choose_when_loaded = False
        self.reading_types: Worker[None] | None = None

    def compose(self) -> ComposeResult:
        yield Header(icon="☰")
        if self.sched_app.sandbox:
            yield SandboxBanner()
        # one line each (compact): the open times get the rest of a 24-line terminal
        typing = "Visit type: type to search, Enter to choose"
        yield Input(id="booking-type", placeholder=typing, compact=True)
        yield Static("", id="booking-types", markup=False)
        if self.moving is None:
            yield Input(
                id="booking-reason", placeholder="Reason for the visit (optional)", compact=True
            )
        yield Input(
            id="booking-narrow",
            placeholder="Narrow: after the 14th, with Dr. Ortega, tuesdays, at BOS, next week",
            compact=True,
        )
        yield Static("", id="booking-status", markup=False)
        table: DataTable[Text] = DataTable(id="booking-rows", cursor_type="row")
        yield table
        yield Static("", id="booking-why", markup=False)
        yield ScreenFooter()

    def on_mount(self) -> None:
        self.query_one("#booking-type", Input).focus()
        self.reading_types = self.load_types()
        self._say()

    def _say(self, extra: str = "") -> None:
        chosen = f"{self.type_code}, " if self.type_code else ""
        doing = f"Moving {self.moving.was}" if self.moving else "Booking"
        narrowed = "".join(f", {said}" for said in self.narrowing.said)
        self.query_one("#booking-status", Static).update(
            f"{doing} for {printable(self.patient_name)}: {chosen}{self.part}, {self.mode}"
            f"{printable(narrowed)}. {extra}"
        )

    @work(
        thread=True,
        group="booking-types",
        exit_on_error=False,
        description="Reading the visit types",
    )
    def load_types(self) -> None:
        """The clinic's visit types, and what narrows them for this patient."""
        choices = read_booking_choices(self.sched_app.store, self.patient_id)
        self.app.call_from_thread(self.types_loaded, choices)

    def types_loaded(self, choices: BookingChoices) -> None:
        """Offer the types; an Enter typed before they came chooses now."""
        self.choices = choices
        self.offer_types()
        if self.choose_when_loaded:
            self.choose_when_loaded = False
            self.choose_type()
        if self.moving is not None:  # a visit that moves keeps its type
            self._same_type(self.moving.type_code)

    def _same_type(self, code: str) -> None:
        """A visit that moves keeps its type: its open times come straight away."""
        kinds = self.choices.types if self.choices is not None else ()
        names = {kind.code: kind.name for kind in kinds}
        self.type_code = code
        self.query_one("#booking-type", Input).value = f"{code} {names.get(code, '')}".strip()
        self.search()

    def candidates(self) -> list[VisitType]:
        """The visit types meant by what is typed, best first (none before they are read)."""
        if self.choices is None:
            return []
        typed = self.query_one("#booking-type", Input).value
        return type_candidates(typed, self.choices, self.narrowing.provider_ids)

    @on(Input.Changed, "#booking-type")
    def offer_types(self) -> None:
        """Show the types Enter would choose from as the scheduler types."""
        typed = self.query_one("#booking-type", Input).value
        line = offered(self.candidates(), typed, "No visit type matches; try a word of its name.")
        self.query_one("#booking-types", Static).update(printable(line))

    @on(Input.Submitted, "#booking-type")
    def choose_type(self) -> None:
        """The best type for what was typed (the patient's own kinds of visit first); typed
        ahead of the clinic's types arriving, chosen when they come."""
        if self.choices is None:
            self.choose_when_loaded = True
            if self.reading_types is not None:  # the keys after Enter wait too
                keys_wait_for(self, self.reading_types)
            return
        found = self.candidates()
        if not found:
            self._say("No visit type matches; try a word of its name.")
            return
        self.type_code = found[0].code
        self.query_one("#booking-type", Input).value = f"{found[0].code} {found[0].name}"
        self.limit = PAGE
        keys_wait_for(self, self.search())

    @on(Input.Submitted, "#booking-narrow")
    def narrow(self, event: Input.Submitted) -> None:
        """Narrow the open times as the caller says (a wrong part is named, nothing
        changes)."""
        if self.choices is None:
            return
        app = self.sched_app
        try:
            narrowing = read_narrowing(
                event.value, self.choices, clinic_today(app.clock, app.settings.zone)
            )
        except BadInput as wrong:
            self._say(str(wrong))
            return
        self.narrowing, self.limit = narrowing, PAGE
        self.offer_types()
        if self.type_code is None:
            self._say("Now choose the visit type.")
            return
        keys_wait_for(self, self.search())

    def action_more(self) -> None:
        """The next open times after those shown."""
        if self.type_code is not None:
            self.limit += PAGE
            keys_wait_for(self, self.search())

    def action_next_part(self) -> None:
        """Any time, mornings only, afternoons only."""
        self.part = PARTS[(PARTS.index(self.part) + 1) % len(PARTS)]
        keys_wait_for(self, self.search())

    def action_next_mode(self) -> None:
        """In person or by video."""
        self.mode = MODES[(MODES.index(self.mode) + 1) % len(MODES)]
        keys_wait_for(self, self.search())

    @work(
        thread=True,
        group="booking-search",
        exclusive=True,
        exit_on_error=False,
        description="Finding open times",
    )
    def search(self) -> None:
        """The best open times, the patient's own provider first."""
        if self.type_code is None:
            return
        app = self.sched_app
        narrowing = self.narrowing
        request = SlotRequest(
            self.type_code,
            provider_ids=narrowing.provider_ids,
            site_ids=narrowing.site_ids,
            after=narrowing.after,
            before=narrowing.before,
            weekdays=narrowing.weekdays,
            patient_id=self.patient_id,
            day_part=self.part,
            visit_mode=self.mode,
            ranking="earliest" if narrowing.post_discharge else "own-provider",
            limit=self.limit,
        )
        offered = offered_times(app.store, request, now=app.clock.now())
        self.post_message(self.Found(offered.slots, offered.rows, offered.zones))

    @on(Found)
    def show_slots(self, message: Found) -> None:
        """One open time a row, with why it fits ("more" keeps the cursor where the new
        ones begin)."""
        before = self.slots
        self.slots, self.zones = message.slots, message.zones
        table = self.query_one("#booking-rows", DataTable)
        table.clear(columns=True)
        named = 16 if self.size.width < 100 else 20
        rest = max(24, self.size.width - 22 - named - 6 - 10)  # the why gets what is left
        for label, width in (("When", 22), ("Provider", named), ("Site", 6), ("Why it fits", rest)):
            table.add_column(label, width=width)
        for slot, (when, provider, site) in zip(message.slots, message.rows, strict=True):
            why = "; ".join(slot.why)
            table.add_row(*(Text(printable(cell)) for cell in (when, provider, site, why)))
        self._say(
            f"{len(message.slots)} open times: Enter holds one, "
            f"{key_name(self, 'booking.more')} shows more."
            if message.slots
            else self._none_open()
        )
        if message.slots:
            more = 0 < len(before) < len(message.slots) and message.slots[: len(before)] == before
            table.move_cursor(row=len(before) if more else 0, animate=False)
            table.focus()

    def _none_open(self) -> str:
        if self.narrowing.post_discharge:
            return keys_said(self, NO_ROOM_AFTER_DISCHARGE)
        return "No open times match; try another time of day, mode or narrowing."

    @on(DataTable.RowHighlighted, "#booking-rows")
    def explain(self, event: DataTable.RowHighlighted) -> None:
        """The whole of why the time under the cursor fits (the column may be cut short)."""
        if 0 <= event.cursor_row < len(self.slots):
            why = "; ".join(self.slots[event.cursor_row].why)
            self.query_one("#booking-why", Static).update(f"Why it fits: {printable(why)}")

    @on(DataTable.RowSelected, "#booking-rows")
    def hold(self, event: DataTable.RowSelected) -> None:
        """Hold the chosen time while the caller decides."""
        reasons = self.query("#booking-reason").results(Input)
        typed = next(iter(reasons)).value if self.moving is None else ""
        keys_wait_for(self, self.hold_slot(self.slots[event.cursor_row], typed))

    @work(
        thread=True,
        group="booking-hold",
        exclusive=True,
        exit_on_error=False,
        description="Holding the time",
    )
    def hold_slot(self, slot: Slot, typed_reason: str) -> None:
        """Reserve it for a few minutes and prepare the read-back."""
        app = self.sched_app
        actor = signed_in(app)
        now = app.clock.now()
        reason = visit_reason(typed_reason)
        request = request_for(self.patient_id, slot, reason=reason)
        moving = self.moving.appointment_id if self.moving else None
        held = hold_slot(app.store, actor, request, now=now, settings=app.settings, moving=moving)
        script = read_back(app.store, slot, self.patient_id, now=now, settings=app.settings)
        self.post_message(self.Held(slot, held.hold_id, script, reason))

    @on(Held)
    def confirm(self, message: Held) -> None:
        """Show the read-back; book on Enter, let go of the hold on Esc."""

        def decided(booked_id: int | None) -> None:
            if booked_id is not None:
                self.dismiss(booked_id)
            else:
                self.release(message.hold_id)

        held = Holding(self.patient_id, message.slot, message.hold_id, message.reason)
        self.app.push_screen(ConfirmScreen(held, message.script, self.moving), decided)

    @work(
        thread=True,
        group="booking-release",
        exit_on_error=False,
        description="Letting the held time go",
    )
    def release(self, hold_id: int) -> None:
        """Give the held time back."""
        app = self.sched_app
        actor = signed_in(app)
        release_hold(app.store, actor, hold_id, now=app.clock.now())

    def action_show_in_calendar(self) -> None:
        """The open time under the cursor on the calendar, among the provider's day (Esc
        comes back here; Enter there books the caller too)."""
        row = self.query_one("#booking-rows", DataTable).cursor_row
        if not 0 <= row < len(self.slots):
            self.notify("Choose the visit type first, then an open time.", severity="warning")
            return
        slot = self.slots[row]
        local = slot.start.astimezone(ZoneInfo(self.zones[slot.site_id]))
        self.sched_app.show_in_calendar(Spot(local.date(), slot.provider_id, local.time()))

    def action_close(self) -> None:
        """Back to the workspace without booking."""
        self.dismiss(None)


@dataclass(frozen=True)
class Holding:
    """A held time waiting for the caller's yes: whose, which, the hold, the visit reason.
    A double-booking holds nothing (`hold_id` None) and says why it is one."""

    patient_id: int
    slot: Slot
    hold_id: int | None
    reason: str
    overbook_reason: str = ""


#: Said when no time is open within a post-discharge follow-up's window.
NO_ROOM_AFTER_DISCHARGE = (
    f"No open time within {POST_DISCHARGE_DAYS} days of the discharge. "
    "Make room: {{booking.calendar}} shows the calendar, where {{calendar.double_book}} "
    "double-books (why: post-discharge follow-up), or ask a supervisor to open time."
)
#: Said above the screening questions on the read-back.
ASK_FIRST = (
    "Ask before booking (kept with the visit; a required one left blank is asked at check-in):"
)


class ConfirmScreen(ModalScreen[int | None]):
    """The read-back; Enter books (through the engine), Esc lets the hold go."""

    BINDINGS = [
        Binding("enter", "book", "Book", id="confirm.book"),
        Binding("escape", "cancel", "Not now", id="confirm.cancel"),
    ]

    def __init__(self, held: Holding, script: ReadBack, moving: VisitToMove | None = None) -> None:
        super().__init__()
        self.held, self.script, self.moving = held, script, moving
        #: The screening answers given (checked), booked with the visit.
        self.answers: dict[int, str] = {}

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm"):
            yield Static("Read back to the caller:", markup=False)
            if self.moving is not None:
                yield Static(
                    f"This replaces the visit on {self.moving.was}, which is cancelled "
                    f"({CANCELLATION_REASONS[self.moving.reason]}).",
                    id="confirm-moving",
                    markup=False,
                )
            script = "\n".join(printable(line) for line in self.script.lines)
            yield Static(script, id="confirm-script", markup=False)
            if self.script.open_items:
                yield Static(
                    "\n".join(
                        ["Open insurance items:", *(printable(i) for i in self.script.open_items)]
                    ),
                    id="confirm-open",
                    markup=False,
                )
                yield Input(
                    id="confirm-override",
                    placeholder="Why book despite the open items? (required; kept in the audit)",
                )
            yield Static(printable(self.script.estimate), markup=False)
            if self.asks:
                yield Static(ASK_FIRST, id="confirm-ask", markup=False)
                with Vertical(id="confirm-questions"):
                    yield from field_rows("confirm", question_fields(self.script.questions))
            if self.held.overbook_reason:
                yield Static(
                    "A double-booking: the time is already taken. Why: "
                    + printable(self.held.overbook_reason),
                    id="confirm-overbook",
                    markup=False,
                )
                yield Static(
                    keys_said(
                        self, "{{confirm.book}} double-books, {{confirm.cancel}} books nothing."
                    ),
                    markup=False,
                )
            else:
                verb = "moves the visit" if self.moving else "books"
                yield Static(
                    keys_said(
                        self,
                        f"{{{{confirm.book}}}} {verb}, "
                        "{{confirm.cancel}} lets the held time go.",
                    ),
                    markup=False,
                )

    @property
    def asks(self) -> bool:
        """Whether screening questions are asked here (a moved visit keeps its answers)."""
        return bool(self.script.questions) and self.moving is None

    def on_mount(self) -> None:
        first = self.query("#confirm-override, #confirm Input").results(Input)
        for field in list(first)[:1]:
            field.focus()

    @on(Input.Submitted)
    def action_book(self) -> None:
        """Book the held time (with the override reason when items are open, and the
        screening answers given: one that does not fit is named under it)."""
        questions = self.script.questions if self.asks else ()
        names = [name for name, _ in question_fields(questions)]
        try:
            answers = answers_from(questions, typed_values(self, "confirm", names))
        except FieldErrors as wrong:
            show_errors(self, "confirm", wrong.errors)
            return
        self.answers = answers
        typed = [i.value for i in self.query("#confirm-override").results(Input)]
        if self.script.open_items and not "".join(typed).strip():
            self.notify(
                keys_said(
                    self,
                    "Say why you book despite the open insurance items (or {{confirm.cancel}}).",
                ),
                severity="warning",
            )
            return
        keys_wait_for(self, self.book("".join(typed)))

    @work(thread=True, exclusive=True, group="confirm", exit_on_error=False, description="Booking")
    def book(self, override_reason: str) -> None:
        """Through the engine (locks, re-checks, DomainEvent, audit)."""
        app = typed_app(self)
        actor = signed_in(app)
        held, now = self.held, app.clock.now()
        if self.moving is None:
            request = replace(
                request_for(held.patient_id, held.slot, held.hold_id, held.reason),
                override_reason=override_reason,
                overbook=bool(held.overbook_reason),
                overbook_reason=held.overbook_reason,
                screening=tuple(self.answers.items()),
            )
            booked = book(app.store, actor, request, now=now, settings=app.settings)
        else:
            booked = reschedule(
                app.store,
                actor,
                self.moving.appointment_id,
                held.slot.start,
                now=now,
                settings=app.settings,
                provider_id=held.slot.provider_id,
                site_id=held.slot.site_id,
                reason=self.moving.reason,
                hold_id=held.hold_id,
                visit_mode=held.slot.visit_mode,
                override_reason=override_reason,
            ).new_id
        self.app.call_from_thread(self.dismiss, booked)

    @on(Worker.StateChanged)
    def _failed(self, event: Worker.StateChanged) -> None:
        report_failure(self, event)

    def action_cancel(self) -> None:
        """Not now."""
        self.dismiss(None)
