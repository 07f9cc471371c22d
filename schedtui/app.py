"""The schedtui TUI: app shell (header, footer, palette, help, themes), sign-in, the idle
lock and the privacy mask, over the working screens."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from importlib import import_module
from typing import TYPE_CHECKING, Any

from textual import events, on
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import Screen
from textual.worker import Worker

from schedtui.core.patients.live_call import LiveCall
from schedtui.core.security.access import Actor, Permission
from schedtui.core.support.clock import Clock
from schedtui.keymap import KeyNames, check_keymap
from schedtui.opening import Opened, StoreOpening, first_mode
from schedtui.palette import binding_commands
from schedtui.screens.opening import OpeningScreen
from schedtui.screens.session_events import Refused, SignedIn, Unlocked
from schedtui.settings import Settings
from schedtui.themes import THEMES
from schedtui.type_ahead import KeyDone, KeyGate, TypedEvent

if TYPE_CHECKING:  # the store's modules load behind the first frame (schedtui.opening)
    from schedtui.core.patients.lookup.shared import LookupIndex
    from schedtui.core.security.session import SessionStart
    from schedtui.core.views.grid_views import Spot
    from schedtui.data.store import Store
    from schedtui.screens.lock import LockScreen

#: How often the idle lock looks at the clock, in seconds.
IDLE_CHECK_SECONDS = 5.0
#: The working modes, one screen each, kept while the user is signed in.
WORK_MODES = (
    "today", "call", "calendar", "auths", "audit", "referrals", "queue", "outbox", "nurses",
)  # fmt: skip
#: The mode of the sign-in form (and of the first administrator's form).
SIGN_IN = "signin"
#: The mode shown while the store opens behind it (the first frame).
OPENING = "opening"
#: Textual's quit key: it works while the store opens (every other key waits).
QUIT_KEY = "ctrl+q"
#: Actions that work before sign-in and under the lock: nothing that shows patient data
#: (Tab and Shift+Tab move between the fields, so a password never lands in the user name).
_ALLOWED_SIGNED_OUT = frozenset({"quit", "help", "focus_next", "focus_previous"})


#: The style files in styles/, one per area of the program.
STYLE_AREAS = ("app", "call", "schedule", "worklists", "forms", "modals")
#: Sizes shared by the style files (as $form-width...): the forms over a screen, the
#: small question boxes and the booking read-back.
STYLE_SIZES = {"form-width": "80", "question-width": "72", "read-back-width": "90"}


class SchedApp(App[None]):
    """The scheduler's workstation. Build it with `create_app`."""

    #: The app's own screens are styled in styles/, one file per area (reusable widgets
    #: keep their DEFAULT_CSS); the sizes they share are the variables below.
    CSS_PATH = [f"styles/{area}.tcss" for area in STYLE_AREAS]
    BINDINGS = [
        Binding("f1", "help", "Help", id="app.help", priority=True),
        Binding("f2", "toggle_mask", "Mask", id="app.mask", priority=True),
        Binding("ctrl+l", "lock", "Lock", id="app.lock", priority=True),
        Binding("f3", "show_today", "Today", id="app.today", priority=True),
        Binding("f4", "workspace", "Call", id="app.workspace", priority=True),
        Binding("f10", "calendar", "Calendar", id="app.calendar", priority=True),
        Binding("f6", "authorizations", "Auths", id="app.authorizations", priority=True),
        Binding("f7", "audit", "Audit", id="app.audit", priority=True),
        Binding("f12", "referrals", "Referrals", id="app.referrals", priority=True, show=False),
        Binding("f11", "work_queue", "Queue", id="app.queue", priority=True, show=False),
    ]
    masked: reactive[bool] = reactive(False)
    #: The store, who starts and the patient index: set once the store is open (at
    #: once when the app is built on an opened store, as in tests).
    store: Store
    start: SessionStart
    lookup: LookupIndex

    def __init__(
        self, settings: Settings, clock: Clock, *, sandbox: bool, opening: StoreOpening
    ) -> None:
        super().__init__()
        self.settings = settings
        self.clock = clock
        self.sandbox = sandbox
        self.opening = opening
        #: Who is signed in: known at once when the app is built on an opened store.
        self.actor: Actor | None = opening.opened.start.actor if opening.opened else None
        #: The call in progress: every mode sees it (the calendar books for its patient).
        self.call = LiveCall()
        #: The mode Esc goes back to from the calendar and the worklists.
        self.came_from = "call"
        self.last_activity = clock.now()
        self.keys = KeyGate(self, self._dispatch_typed)
        #: The keys as this user has them ([keymap] in the settings), for text that names one.
        self.key_names = KeyNames(settings.keymap)
        self.set_keymap(self.key_names.keymap)
        self.title = settings.clinic_name
        self._show_who()

    def get_css_variables(self) -> dict[str, str]:
        """The theme's colours, and the sizes the style files share."""
        return {**super().get_css_variables(), **STYLE_SIZES}

    def on_mount(self) -> None:
        for theme in THEMES:
            self.register_theme(theme)
        if self.settings.theme in self.available_themes:
            self.theme = self.settings.theme
        else:
            self.notify(
                f"Unknown theme '{self.settings.theme}'; using the default.", severity="warning"
            )
        self.set_interval(IDLE_CHECK_SECONDS, self.lock_if_idle)
        self.keys.start()
        if self.opening.opened is not None:  # built on an opened store
            self._first_screen(self.opening.opened)
            return
        # The first frame comes first; the store opens behind it, and the keys typed
        # meanwhile wait for the screen they were typed for.
        self.keys.hold()
        self.add_mode(OPENING, lambda: OpeningScreen(sandbox=self.sandbox))
        self.switch_mode(OPENING)
        self.call_after_refresh(self._open_store)

    def _open_store(self) -> None:
        self.run_worker(self._opening_work, thread=True, exit_on_error=False, group="opening")

    def _opening_work(self) -> None:
        """Open the store (its modules imported here, off the event loop), then hand it
        over; what stops it ends the app, to be said once the terminal is restored."""
        try:
            opened = self.opening.open(self._announce_from_opening)
        except Exception as exc:  # said by the command line, as any command's failure
            if self._exit:  # quit while it opened: nothing more to say
                return
            self.opening.failure = exc
            self.call_from_thread(self.exit, None, 2)
            return
        if not self._exit:
            self.call_from_thread(self._store_ready, opened)

    def _announce_from_opening(self, text: str) -> None:
        """What opening the store has to say (an upgrade, the sandbox's first seeding)."""
        self.call_from_thread(self._announce, text)

    def _announce(self, text: str) -> None:
        if isinstance(self.screen, OpeningScreen):
            self.screen.say(text)
        self.notify(text, timeout=3 * self.NOTIFICATION_TIMEOUT, markup=False)

    def _store_ready(self, opened: Opened) -> None:
        """The store opened behind the first frame: who starts is known now."""
        self.actor = opened.start.actor
        self._first_screen(opened)

    def _first_screen(self, opened: Opened) -> None:
        """The signed-in user's first screen, or the sign-in form."""
        self.opening.opened = opened
        self.store, self.start, self.lookup = opened.store, opened.start, opened.lookup
        self.last_activity = self.clock.now()
        self._show_who()
        self._add_modes((SIGN_IN, *WORK_MODES))
        if self.actor is not None:
            self._open_work()
        else:
            self.switch_mode(SIGN_IN)
        self.call_after_refresh(self._take_keys)

    async def _take_keys(self) -> None:
        """The keys typed while the store opened go to the screen now shown."""
        if not self.screen.is_mounted or isinstance(self.screen, OpeningScreen):
            self.call_after_refresh(self._take_keys)
            return
        self.call_after_refresh(self._resume_keys)  # after the screen's own focus call

    async def _resume_keys(self) -> None:
        if OPENING in self._modes:
            self.remove_mode(OPENING)
        await self.keys.resume()

    def _work_modes(self) -> dict[str, Callable[[], Screen[Any]]]:
        """One screen per mode, made the first time it is shown and kept after (its
        module imported then too: a start does not wait for screens nobody opened)."""
        return {
            "today": lambda: _screen("today", "TodayScreen")(),
            "call": lambda: _screen("workspace", "WorkspaceScreen")(self.start.caller_query),
            "calendar": lambda: _screen("calendar", "CalendarScreen")(),
            "auths": lambda: _screen("authorizations", "AuthorizationsScreen")(),
            "audit": lambda: _screen("audit", "AuditScreen")(),
            "referrals": lambda: _screen("referrals", "ReferralsScreen")(),
            "queue": lambda: _screen("work_queue", "WorkQueueScreen")(),
            "outbox": lambda: _screen("outbox", "OutboxScreen")(),
            "nurses": lambda: _screen("nurse_queue", "NurseQueueScreen")(),
        }

    def _signed_out_screen(self) -> Screen[Any]:
        if self.start.needs_first_admin:
            return _screen("signin", "FirstAdminScreen")()
        return _screen("signin", "LoginScreen")()

    def _add_modes(self, modes: Iterable[str]) -> None:
        factories = {**self._work_modes(), SIGN_IN: self._signed_out_screen}
        for mode in modes:
            self.add_mode(mode, factories[mode])

    def _reset_modes(self, modes: Iterable[str]) -> None:
        """Forget these modes' screens (what a signed-out user had open); made afresh when
        next shown."""
        for mode in modes:
            self.remove_mode(mode)
        self._add_modes(modes)

    def _open_work(self) -> None:
        """The call workspace first, unless `first_screen` says today (a screen pop always
        opens the call)."""
        self.go(first_mode(self.settings, self.start))

    def go(self, mode: str) -> None:
        """Show a mode's screen as it was left (Esc there comes back here)."""
        if mode != self.current_mode:
            self.came_from = self.current_mode
            self.switch_mode(mode)

    def show_in_calendar(self, spot: Spot) -> None:
        """The calendar, at a provider's time on a day (Esc comes back)."""
        from schedtui.screens.calendar import CalendarScreen  # (imported by go, if not yet)

        self.go("calendar")
        calendar = self.screen_stack[0]
        assert isinstance(calendar, CalendarScreen)
        calendar.show_spot(spot)

    def call_about(self, mrn: str) -> None:
        """The call workspace with this patient found and opened; refused while another
        patient's call is open (its note is not left behind)."""
        from schedtui.screens.workspace import WorkspaceScreen

        if self.call.patient_id is not None:
            clear = self.key_names("workspace.clear")
            self.notify(
                f"Finish the call with {self.call.patient_name} first ({clear} in the call "
                "clears it for the next caller).",
                title="Not now",
                severity="warning",
                markup=False,
            )
            return
        self.go("call")
        workspace = self.screen_stack[0]
        assert isinstance(workspace, WorkspaceScreen)
        workspace.look_up(mrn)

    def go_back(self) -> None:
        """Back to the screen the scheduler came from (the call, when there is none)."""
        back = self.came_from if self.came_from in WORK_MODES else "call"
        self.go(back if back != self.current_mode else "call")

    def _show_who(self) -> None:
        who = self.actor.label if self.actor else "not signed in"
        marks = [who] + (["SANDBOX"] if self.sandbox else []) + (["MASKED"] if self.masked else [])
        self.sub_title = " · ".join(marks)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseDown):
            self.last_activity = self.clock.now()
        if isinstance(event, events.Key | events.Paste) and not event.is_forwarded:
            if self.keys.held and isinstance(event, events.Key) and event.key == QUIT_KEY:
                self.exit()  # a store that will not open must not hold the terminal
                return
            await self.keys.typed(event)  # one at a time: each lands where the last put it
            return
        await super().on_event(event)

    async def _dispatch_typed(self, event: TypedEvent) -> None:
        await super().on_event(event)

    @on(KeyDone)
    def _key_done(self, message: KeyDone) -> None:
        self.keys.done(message.ticket)

    @on(Worker.StateChanged)
    def _work_moved_on(self) -> None:
        self.keys.try_release()  # keys may be waiting for this work

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "audit":
            return self.actor is not None and self.actor.can(Permission.VIEW_AUDIT)
        if self.actor is None or isinstance(self.screen, _lock_screen()):
            return action in _ALLOWED_SIGNED_OUT
        if action == "show_today":  # not offered where it already is
            return self.current_mode != "today"
        return True

    @on(SignedIn)
    def begin_work(self, message: SignedIn) -> None:
        """Someone signed in: open their day."""
        self.actor = message.actor
        self.start = replace(self.start, needs_first_admin=False)  # there is one now
        self.last_activity = self.clock.now()
        self._show_who()
        self._open_work()
        self._reset_modes((SIGN_IN,))  # the typed password goes with the form

    def lock_if_idle(self) -> None:
        """Lock the screen once nobody has touched a key for the configured minutes."""
        idle = self.clock.now() - self.last_activity
        if self.actor is not None and idle.total_seconds() >= self.settings.idle_lock_minutes * 60:
            self.action_lock()

    def action_lock(self) -> None:
        """Cover the screen until the same user unlocks it."""
        if self.actor is None or isinstance(self.screen, _lock_screen()):
            return
        os_account = self.start.os_login if self.start.via_os_account else None
        lock = _lock_screen()(
            username=self.actor.username, label=self.actor.label, os_account=os_account
        )
        self.push_screen(lock)

    @on(Unlocked)
    def unlock(self) -> None:
        """Back to where the user was; nothing under the lock was lost."""
        self.last_activity = self.clock.now()
        if isinstance(self.screen, _lock_screen()):
            self.pop_screen()

    @on(Refused)
    def maybe_sign_out(self, message: Refused) -> None:
        """Too many failed unlocks: sign out completely."""
        if message.locked_out and isinstance(self.screen, _lock_screen()):
            self.actor = None
            self.call = LiveCall()
            self._show_who()
            self.switch_mode(SIGN_IN)
            self._reset_modes(WORK_MODES)  # nothing of theirs stays open
            self.notify(message.reason, title="Signed out", severity="error", markup=False)

    def watch_masked(self) -> None:
        self._show_who()

    def action_toggle_mask(self) -> None:
        """Hide (or show again) birth dates, phones, addresses, member ids and notes."""
        self.masked = not self.masked
        self.notify("Privacy mask on" if self.masked else "Privacy mask off")

    def action_help(self) -> None:
        """Open the help screen unless it is already open."""
        help_screen = _screen("help", "HelpScreen")
        if not isinstance(self.screen, help_screen):
            self.push_screen(help_screen())

    def action_audit(self) -> None:
        """The audit trail (supervisors and admins)."""
        self.go("audit")

    def action_workspace(self) -> None:
        """The call workspace: find the caller."""
        self.go("call")

    def action_referrals(self) -> None:
        """The referral worklist: patients to book, the soonest due first."""
        self.go("referrals")

    def action_work_queue(self) -> None:
        """What is due now: call-backs, calls, referrals, authorization follow-ups."""
        self.go("queue")

    def action_nurse_queue(self) -> None:
        """Escalations waiting for a team, the time left to answer each."""
        self.go("nurses")

    def action_outbox(self) -> None:
        """The outbox, failures first (supervisors)."""
        self.go("outbox")

    def action_calendar(self) -> None:
        """The calendar grid: providers side by side, always current."""
        self.go("calendar")

    def action_authorizations(self) -> None:
        """The prior-authorization worklist."""
        self.go("auths")

    def action_show_today(self) -> None:
        """Go back to the Today screen."""
        self.go("today")

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if self.actor is None:
            return
        key = self.key_names
        yield SystemCommand("Help", f"Keys and first steps ({key('app.help')})", self.action_help)
        yield SystemCommand(
            "Today",
            f"The day's appointments across providers and sites ({key('app.today')})",
            self.action_show_today,
        )
        yield SystemCommand(
            "Privacy mask",
            f"Hide or show identifying details ({key('app.mask')})",
            self.action_toggle_mask,
        )
        yield SystemCommand("Lock the screen", f"Lock now ({key('app.lock')})", self.action_lock)
        yield SystemCommand(
            "Prior authorizations",
            f"Services waiting for authorization ({key('app.authorizations')})",
            self.action_authorizations,
        )
        yield SystemCommand(
            "Call workspace",
            f"Find the caller, book, write the call note ({key('app.workspace')})",
            self.action_workspace,
        )
        if self.actor.can(Permission.VIEW_AUDIT):
            yield SystemCommand(
                "Audit trail", f"Who saw or changed what ({key('app.audit')})", self.action_audit
            )
        yield SystemCommand(
            "Referrals to book",
            f"Referrals and orders, the soonest due first ({key('app.referrals')})",
            self.action_referrals,
        )
        yield SystemCommand(
            "Work queue",
            f"What is due now: call-backs, calls, referrals, follow-ups ({key('app.queue')})",
            self.action_work_queue,
        )
        yield SystemCommand(
            "Nurse's queue",
            "Escalations waiting for nursing (or any team), the time left to answer each",
            self.action_nurse_queue,
        )
        if self.actor.can(Permission.SEND_MESSAGES):
            yield SystemCommand(
                "Outbox", "Patients' messages, failures first; send again or withdraw",
                self.action_outbox,
            )  # fmt: skip
        yield SystemCommand(
            "Calendar",
            f"Providers side by side, time running down ({key('app.calendar')})",
            self.action_calendar,
        )
        shown = {"Help", "Mask", "Lock", "Call", "Auths", "Audit", "Today", "Calendar", "Referrals",
                 "Queue"}  # fmt: skip
        yield from binding_commands(self, screen, shown)


def _screen(module: str, name: str) -> type[Screen[Any]]:
    """A screen class from schedtui.screens, its module imported when first wanted."""
    screen: type[Screen[Any]] = getattr(import_module(f"schedtui.screens.{module}"), name)
    return screen


def _lock_screen() -> type[LockScreen]:
    """The lock screen's class (its module checks passwords: loaded with the store)."""
    from schedtui.screens.lock import LockScreen

    return LockScreen


def create_app(
    settings: Settings,
    store: Store,
    clock: Clock,
    *,
    sandbox: bool = False,
    start: SessionStart,
) -> SchedApp:
    """Build the app on an opened store; tests pass a frozen clock and a signed-in actor.
    A keymap in the settings that cannot work is refused first (`BadInput`)."""
    from schedtui.core.patients.lookup.shared import LookupIndex

    check_keymap(settings.keymap)
    opening = StoreOpening.done(Opened(store, start, LookupIndex()))
    return SchedApp(settings, clock, sandbox=sandbox, opening=opening)


def opening_app(
    settings: Settings, clock: Clock, *, sandbox: bool, opening: StoreOpening
) -> SchedApp:
    """The app whose first frame comes before its store: `opening` opens it behind."""
    check_keymap(settings.keymap)
    return SchedApp(settings, clock, sandbox=sandbox, opening=opening)
