"""In the sandbox, every screen says so: the booking screen and the forms that cover the
screen beneath them (new patient, coverage) carry the banner too, at 80x24."""

from __future__ import annotations

from datetime import UTC, datetime

from schedtui.app import SchedApp, create_app
from schedtui.core.security.session import SessionStart
from schedtui.core.support.clock import FrozenClock
from schedtui.data.store import Store
from schedtui.screens.booking import BookingScreen
from schedtui.screens.coverage import CoverageScreen
from schedtui.screens.registration import RegistrationScreen
from schedtui.settings import load_settings
from schedtui.widgets.sandbox_banner import SandboxBanner
from tests.app_helpers import settle
from tests.builders import add_staff
from tests.engine_clinic import build_engine_clinic

NOW = datetime(2026, 3, 6, 17, 0, tzinfo=UTC)


def _sandbox_app(store: Store) -> SchedApp:
    staff = add_staff(store)
    start = SessionStart(staff.scheduler, False, "ava_os", caller_query="E0003")
    settings = load_settings(clinic_name="Test Clinic")
    return create_app(settings, store, FrozenClock(NOW), sandbox=True, start=start)


def _banner_shown(app: SchedApp) -> bool:
    """The banner is on the screen on top, inside the terminal."""
    banners = list(app.screen.query(SandboxBanner))
    return any(b.region.height == 1 and b.region.y < app.size.height for b in banners)


async def test_every_screen_of_the_sandbox_says_so(sqlite_store: Store) -> None:
    build_engine_clinic(sqlite_store)
    app = _sandbox_app(sqlite_store)
    shown: dict[str, bool] = {}
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "ctrl+b")
        await settle(pilot)
        assert isinstance(app.screen, BookingScreen)
        shown["booking"] = _banner_shown(app)
        await pilot.press("escape", "ctrl+n")
        await settle(pilot)
        assert isinstance(app.screen, RegistrationScreen)
        shown["new patient"] = _banner_shown(app)
        await pilot.press("escape", "f9")
        await settle(pilot)
        assert isinstance(app.screen, CoverageScreen)
        shown["coverage"] = _banner_shown(app)
    assert shown == {"booking": True, "new patient": True, "coverage": True}
