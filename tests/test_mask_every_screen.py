"""With the privacy mask on, no screen shows a birth date, a phone or an e-mail.

Regression test for the lookup's results still showing date of birth and phone with
MASKED in the header.
"""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from textual.pilot import Pilot

from schedtui.app import SchedApp, create_app
from schedtui.core.security.session import SessionStart
from schedtui.core.support.clock import FrozenClock
from schedtui.data.store import Store
from schedtui.settings import load_settings
from tests.builders import NOW, Staff, add_staff, build_tiny_clinic

SIZE = (150, 40)
#: Ann Smith's details in the tiny clinic (born 1 Jan 1961, phone +1 617 555 0123).
SECRETS = ("01/01/1961", "1961-01-01", "555-0123", "5550123", "ann.smith@example.com")


@pytest.fixture
def staff(sqlite_store: Store) -> Staff:
    build_tiny_clinic(sqlite_store)
    return add_staff(sqlite_store)


async def _settle(pilot: Pilot[Any]) -> None:
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def _screen_text(app: SchedApp) -> str:
    """What the terminal shows, as plain text."""
    svg = app.export_screenshot()
    return html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")


def _leaks(text: str) -> list[str]:
    return [secret for secret in SECRETS if secret in text]


async def test_no_screen_shows_birth_dates_or_phones_under_the_mask(
    sqlite_store: Store, staff: Staff
) -> None:
    start = SessionStart(staff.supervisor, False, "sue_os")
    settings = load_settings(first_screen="today")
    app = create_app(settings, sqlite_store, FrozenClock(NOW), start=start)
    seen: dict[str, list[str]] = {}
    unmasked_lookup = ""
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await pilot.press("f4", *"smith")
        await _settle(pilot)
        unmasked_lookup = _screen_text(app)
        await pilot.press("f2")
        await _settle(pilot)
        seen["lookup results"] = _leaks(_screen_text(app))
        await pilot.press("enter")
        await _settle(pilot)
        seen["patient panel"] = _leaks(_screen_text(app))
        for key, name in (("f3", "today"), ("f10", "calendar"), ("f6", "authorizations"),
                          ("f7", "audit trail")):  # fmt: skip
            await pilot.press(key)
            await _settle(pilot)
            seen[name] = _leaks(_screen_text(app))
        await pilot.press("f3")
        await _settle(pilot)
        await pilot.press("enter")
        await _settle(pilot)
        seen["appointment card"] = _leaks(_screen_text(app))
    assert "01/01/1961" in unmasked_lookup  # the test can see a leak when there is one
    assert {screen: leaks for screen, leaks in seen.items() if leaks} == {}
