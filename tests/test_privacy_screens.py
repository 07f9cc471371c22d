"""Sign-in, the idle lock, the privacy mask and the audit screen, as users meet them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import col, select
from textual.pilot import Pilot
from textual.widgets import Input, Static

from schedtui.app import SchedApp, create_app
from schedtui.core.security import audit
from schedtui.core.security.access import Actor
from schedtui.core.security.session import SessionStart
from schedtui.core.support.clock import FrozenClock
from schedtui.data.models import AuditEvent
from schedtui.data.store import Store
from schedtui.screens.audit import AuditScreen
from schedtui.screens.lock import LockScreen
from schedtui.screens.signin import FirstAdminScreen, LoginScreen
from schedtui.screens.today import TodayScreen
from schedtui.settings import load_settings
from schedtui.widgets.appointment_card_view import AppointmentCardView
from tests.builders import NOW, STAFF_PASSWORD, Staff, add_staff, build_tiny_clinic

SIZE = (130, 30)


@pytest.fixture
def staff(sqlite_store: Store) -> Iterator[Staff]:
    build_tiny_clinic(sqlite_store)
    yield add_staff(sqlite_store)


def _app(
    store: Store, actor: Actor | None, *, first_run: bool = False, clock: FrozenClock | None = None
) -> SchedApp:
    settings = load_settings(
        clinic_name="Harbor Family Practice", idle_lock_minutes=5, first_screen="today"
    )
    start = SessionStart(actor, needs_first_admin=first_run, os_login="nobody")
    return create_app(settings, store, clock or FrozenClock(NOW), start=start)


async def _settle(pilot: Pilot[Any]) -> None:
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def _type(pilot: Pilot[Any], text: str) -> None:
    await pilot.press(*text)
    await pilot.press("enter")
    await _settle(pilot)


def _message(app: SchedApp) -> str:
    return str(app.screen.query_one("#form-message", Static).render())


def _audit_actions(store: Store) -> list[tuple[str, str]]:
    with store.read() as session:
        rows = session.exec(select(AuditEvent).order_by(col(AuditEvent.id))).all()
    return [(row.action, row.username) for row in rows]


class TestSignIn:
    async def test_wrong_password_then_right_one(self, sqlite_store: Store, staff: Staff) -> None:
        app = _app(sqlite_store, None)
        async with app.run_test(size=SIZE) as pilot:
            await _settle(pilot)
            assert isinstance(app.screen, LoginScreen)
            await _type(pilot, "ava.jensen")
            await _type(pilot, "wrong-password")
            assert _message(app) == "Wrong user name or password."
            assert app.screen.query_one("#password", Input).value == ""
            await _type(pilot, STAFF_PASSWORD)
            assert isinstance(app.screen, TodayScreen)
            assert app.actor is not None and app.actor.username == "ava.jensen"
            assert "Ava.Jensen (scheduler)" in app.sub_title
        sign_ins = [a for a in _audit_actions(sqlite_store) if a[0].startswith("login")]
        assert sign_ins[-2:] == [("login-failed", "ava.jensen"), ("login", "ava.jensen")]

    async def test_nothing_but_help_and_quit_before_sign_in(
        self, sqlite_store: Store, staff: Staff
    ) -> None:
        app = _app(sqlite_store, None)
        async with app.run_test(size=SIZE) as pilot:
            await _settle(pilot)
            for action in ("toggle_mask", "lock", "audit", "show_today", "command_palette"):
                assert not app.check_action(action, ())
            assert app.check_action("help", ())

    async def test_first_run_creates_the_admin_and_signs_in(self, sqlite_store: Store) -> None:
        app = _app(sqlite_store, None, first_run=True)
        async with app.run_test(size=SIZE) as pilot:
            await _settle(pilot)
            assert isinstance(app.screen, FirstAdminScreen)
            for text in ("jordan.lee", "Jordan Lee", "long-enough-pw", "different-pw-1"):
                await _type(pilot, text)
            assert _message(app) == "The two passwords differ; type them again."
            await _type(pilot, "long-enough-pw")
            await _type(pilot, "long-enough-pw")
            assert isinstance(app.screen, TodayScreen)
            assert app.actor is not None and app.actor.role == "admin"


class TestIdleLock:
    async def test_idle_time_locks_and_only_the_same_user_unlocks(
        self, sqlite_store: Store, staff: Staff
    ) -> None:
        clock = FrozenClock(NOW)
        app = _app(sqlite_store, staff.scheduler, clock=clock)
        async with app.run_test(size=SIZE) as pilot:
            await _settle(pilot)
            await pilot.press("down", "down")
            clock.advance(timedelta(minutes=4, seconds=59))
            app.lock_if_idle()
            await _settle(pilot)
            assert isinstance(app.screen, TodayScreen)
            clock.advance(timedelta(seconds=2))
            app.lock_if_idle()
            await _settle(pilot)
            assert isinstance(app.screen, LockScreen)
            shown = app.screen.query(Static)
            assert not any("Smith" in str(widget.render()) for widget in shown)
            assert not app.check_action("command_palette", ())
            await _type(pilot, "not-the-password")
            assert _message(app) == "Wrong password."
            await _type(pilot, STAFF_PASSWORD)
            assert isinstance(app.screen, TodayScreen)
            assert app.screen.query_one("#appointments").cursor_row == 2  # type: ignore[attr-defined]

    async def test_five_failed_unlocks_sign_out(self, sqlite_store: Store, staff: Staff) -> None:
        app = _app(sqlite_store, staff.scheduler)
        async with app.run_test(size=SIZE) as pilot:
            await _settle(pilot)
            await pilot.press("ctrl+l")
            await _settle(pilot)
            for _ in range(5):
                await _type(pilot, "not-the-password")
            assert isinstance(app.screen, LoginScreen)
            assert app.actor is None

    async def test_keys_keep_the_screen_unlocked(self, sqlite_store: Store, staff: Staff) -> None:
        clock = FrozenClock(NOW)
        app = _app(sqlite_store, staff.scheduler, clock=clock)
        async with app.run_test(size=SIZE) as pilot:
            await _settle(pilot)
            for _ in range(3):
                clock.advance(timedelta(minutes=4))
                await pilot.press("down")
                app.lock_if_idle()
                await _settle(pilot)
            assert isinstance(app.screen, TodayScreen)


class TestScheduleViews:
    async def test_each_day_looked_at_is_recorded_once(
        self, sqlite_store: Store, staff: Staff
    ) -> None:
        app = _app(sqlite_store, staff.scheduler)
        async with app.run_test(size=SIZE) as pilot:
            await _settle(pilot)
            await pilot.press("r")
            await _settle(pilot)
            await pilot.press("right_square_bracket")
            await _settle(pilot)
            await pilot.press("r")
            await _settle(pilot)
        with sqlite_store.read() as session:
            views = session.exec(
                select(AuditEvent).where(col(AuditEvent.entity) == "schedule")
            ).all()
        assert [(v.entity_id, v.username) for v in views] == [
            ("2026-03-09", "ava.jensen"),
            ("2026-03-10", "ava.jensen"),
        ]


class TestCardAndMask:
    async def test_opening_an_appointment_is_an_audited_view(
        self, sqlite_store: Store, staff: Staff
    ) -> None:
        app = _app(sqlite_store, staff.scheduler)
        async with app.run_test(size=SIZE) as pilot:
            await _settle(pilot)
            await pilot.press("enter")
            await _settle(pilot)
            card = str(app.screen.query_one(AppointmentCardView).render())
        assert "Smith, [b]Ann" in card and "MRN0001" in card and "01/01/1961" in card
        assert "(617) 555-0123" in card and "ann.smith@example.com" in card
        with sqlite_store.read() as session:
            view = session.exec(select(AuditEvent).order_by(col(AuditEvent.id).desc())).first()
        assert view is not None
        assert view.action == "view" and view.username == "ava.jensen" and view.patient_id

    async def test_mask_hides_birth_date_and_phone_and_comes_back(
        self, sqlite_store: Store, staff: Staff
    ) -> None:
        app = _app(sqlite_store, staff.scheduler)
        async with app.run_test(size=SIZE) as pilot:
            await _settle(pilot)
            await pilot.press("enter")
            await _settle(pilot)
            await pilot.press("f2")
            await _settle(pilot)
            masked = str(app.screen.query_one(AppointmentCardView).render())
            assert "MASKED" in app.sub_title
            await pilot.press("f2")
            await _settle(pilot)
            unmasked = str(app.screen.query_one(AppointmentCardView).render())
        for detail in ("01/01/1961", "(617) 555-0123", "ann.smith@example.com"):
            assert detail not in masked and detail in unmasked
        assert "•••••" in masked and "Smith, [b]Ann" in masked


class TestAuditScreen:
    async def test_supervisor_filters_the_trail_and_verifies_it(
        self, sqlite_store: Store, staff: Staff
    ) -> None:
        app = _app(sqlite_store, staff.supervisor)
        async with app.run_test(size=SIZE) as pilot:
            await _settle(pilot)
            await pilot.press("f7")
            await _settle(pilot)
            assert isinstance(app.screen, AuditScreen)
            await pilot.press("tab", *"alex.admin", "enter")
            await _settle(pilot)
            users = {line.username for line in app.screen.lines}  # type: ignore[attr-defined]
            await pilot.press("f5")
            await _settle(pilot)
            status = str(app.screen.query_one("#audit-status", Static).render())
        assert users == {"alex.admin"}
        assert status.startswith("Chain intact")

    async def test_ctrl_o_leaves_out_the_sign_ins(self, sqlite_store: Store, staff: Staff) -> None:
        for _ in range(3):  # what every command writes
            audit.append(sqlite_store, actor=staff.scheduler, action="login", now=NOW)
        app = _app(sqlite_store, staff.supervisor)
        async with app.run_test(size=SIZE) as pilot:
            await _settle(pilot)
            await pilot.press("f7")
            await _settle(pilot)
            screen = app.screen
            assert isinstance(screen, AuditScreen)
            before = {line.action for line in screen.lines}
            await pilot.press("ctrl+o")
            await _settle(pilot)
            after = {line.action for line in screen.lines}
            status = str(screen.query_one("#audit-status", Static).render())
        assert "login" in before and "login" not in after and after
        assert status.endswith("Sign-ins left out (Ctrl+O shows them).")

    async def test_scheduler_has_no_audit_screen(self, sqlite_store: Store, staff: Staff) -> None:
        app = _app(sqlite_store, staff.scheduler)
        async with app.run_test(size=SIZE) as pilot:
            await _settle(pilot)
            await pilot.press("f7")
            await _settle(pilot)
            assert isinstance(app.screen, TodayScreen)
            assert not app.check_action("audit", ())


class TestSnapshots:
    def test_login_screen(self, sqlite_store: Store, staff: Staff, snap_compare: Any) -> None:
        assert snap_compare(_app(sqlite_store, None), terminal_size=SIZE, run_before=_settle)

    def test_lock_screen_shows_no_patient_data(
        self, sqlite_store: Store, staff: Staff, snap_compare: Any
    ) -> None:
        async def lock(pilot: Pilot[Any]) -> None:
            await _settle(pilot)
            await pilot.press("ctrl+l")
            await _settle(pilot)

        assert snap_compare(
            _app(sqlite_store, staff.scheduler), terminal_size=SIZE, run_before=lock
        )

    def test_masked_appointment_card(
        self, sqlite_store: Store, staff: Staff, snap_compare: Any
    ) -> None:
        async def open_masked(pilot: Pilot[Any]) -> None:
            await _settle(pilot)
            await pilot.press("down", "enter")
            await _settle(pilot)
            await pilot.press("f2")
            await _settle(pilot)

        assert snap_compare(
            _app(sqlite_store, staff.scheduler), terminal_size=SIZE, run_before=open_masked
        )
