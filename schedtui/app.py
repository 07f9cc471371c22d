"""The schedtui TUI: app shell (header, footer, palette, help, themes) over the screens."""

from __future__ import annotations

import getpass
from collections.abc import Iterable

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from schedtui.core.clock import Clock
from schedtui.data.store import Store
from schedtui.screens.help import HelpScreen
from schedtui.screens.today import TodayScreen
from schedtui.settings import Settings


class SchedApp(App[None]):
    """The scheduler's workstation. Build it with `create_app`."""

    CSS_PATH = "styles/app.tcss"
    BINDINGS = [
        Binding("f1", "help", "Help", id="app.help"),
    ]

    def __init__(
        self, settings: Settings, store: Store, clock: Clock, *, sandbox: bool, user: str
    ) -> None:
        super().__init__()
        self.settings = settings
        self.store = store
        self.clock = clock
        self.sandbox = sandbox
        self.user = user
        self.title = settings.clinic_name
        self.sub_title = f"{user}{' · SANDBOX' if sandbox else ''}"

    def on_mount(self) -> None:
        if self.settings.theme in self.available_themes:
            self.theme = self.settings.theme
        else:
            self.notify(
                f"Unknown theme '{self.settings.theme}'; using the default.", severity="warning"
            )
        self.push_screen(TodayScreen())

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Help", "Keys and first steps (F1)", self.action_help)
        yield SystemCommand(
            "Today", "The day's appointments across providers and sites", self.action_show_today
        )

    def action_help(self) -> None:
        """Open the help screen unless it is already open."""
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_show_today(self) -> None:
        """Go back to the Today screen."""
        while len(self.screen_stack) > 2:
            self.pop_screen()


def create_app(
    settings: Settings,
    store: Store,
    clock: Clock,
    *,
    sandbox: bool = False,
    user: str | None = None,
) -> SchedApp:
    """Build the app on an opened store; tests pass a frozen clock and a fixed user."""
    return SchedApp(settings, store, clock, sandbox=sandbox, user=user or getpass.getuser())
