"""Keys on the screens before sign-in: Tab moves between fields, and whatever is typed
where, a password never reaches the audit trail.

Regression tests for Tab doing nothing on the sign-in screen, so a password typed after
Tab went into the user-name box and from there into an append-only audit row.
"""

from __future__ import annotations

import asyncio
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlmodel import col, select
from textual.pilot import Pilot
from textual.widgets import Input

from schedtui.app import SchedApp, create_app
from schedtui.core.security.session import SessionStart
from schedtui.core.support.clock import FrozenClock
from schedtui.data.models import AuditEvent
from schedtui.data.store import Store
from schedtui.screens.signin import FirstAdminScreen, LoginScreen
from schedtui.settings import load_settings
from tests.builders import NOW, add_staff

SIZE = (100, 30)
SECRET = "Zebra-Lantern-93"


def _app(store: Store, *, first_run: bool = False) -> SchedApp:
    start = SessionStart(None, needs_first_admin=first_run, os_login="nobody")
    return create_app(load_settings(first_screen="today"), store, FrozenClock(NOW), start=start)


async def _settle(pilot: Pilot[Any]) -> None:
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def _focused_id(app: SchedApp) -> str | None:
    return app.focused.id if app.focused is not None else None


async def test_tab_and_shift_tab_move_between_the_sign_in_fields(sqlite_store: Store) -> None:
    add_staff(sqlite_store)
    app = _app(sqlite_store)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        assert isinstance(app.screen, LoginScreen) and _focused_id(app) == "username"
        await pilot.press(*"ava.jensen", "tab")
        assert _focused_id(app) == "password"
        await pilot.press(*SECRET)
        assert app.screen.query_one("#password", Input).value == SECRET
        assert app.screen.query_one("#username", Input).value == "ava.jensen"
        await pilot.press("shift+tab")
        assert _focused_id(app) == "username"


async def test_tab_moves_through_the_first_admin_form(sqlite_store: Store) -> None:
    app = _app(sqlite_store, first_run=True)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        assert isinstance(app.screen, FirstAdminScreen)
        seen = [_focused_id(app)]
        for _ in range(4):
            await pilot.press("tab")
            seen.append(_focused_id(app))
        assert seen == ["username", "display", "password", "confirm", "form-submit"]


_KEYS = st.lists(
    st.one_of(
        st.sampled_from(["tab", "shift+tab", "enter", "backspace", "SECRET", "ava.jensen"]),
        st.text(alphabet="abcxyz.-19", min_size=1, max_size=3),
    ),
    min_size=1,
    max_size=12,
)


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(keys=_KEYS)
@example(keys=["ava.jensen", "tab", "SECRET", "enter", "x1"])
@example(keys=["SECRET", "enter", "x1"])
def test_no_key_sequence_at_sign_in_puts_the_password_in_the_trail(
    sqlite_store: Store, keys: list[str]
) -> None:
    if not _has_staff(sqlite_store):
        add_staff(sqlite_store)

    async def drive() -> None:
        app = _app(sqlite_store)
        async with app.run_test(size=SIZE) as pilot:
            await _settle(pilot)
            for key in [*keys, "enter"]:
                if key == "SECRET":
                    await pilot.press(*SECRET)
                elif key in ("tab", "shift+tab", "enter", "backspace"):
                    await pilot.press(key)
                else:
                    await pilot.press(*key)
            await _settle(pilot)

    asyncio.run(drive())
    with sqlite_store.read() as session:
        rows = session.exec(select(AuditEvent).order_by(col(AuditEvent.id))).all()
    for row in rows:
        written = f"{row.username} {row.detail_json} {row.entity_id}".lower()
        assert SECRET.lower() not in written
        assert "zebra" not in written


def _has_staff(store: Store) -> bool:
    from schedtui.data.models import User

    with store.read() as session:
        return session.exec(select(User).limit(1)).first() is not None
