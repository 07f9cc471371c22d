"""A runner killed (SIGKILL) at random moments of its passes loses no message: after the
kills, one more pass leaves every message sent, each reaching the mail server at least
once, and a message sent twice only ever because a runner died while sending it (the
same Message-ID both times). Runs in the test's own folder."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import sys
import textwrap
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from sqlmodel import select

from schedtui.core.messages.runner import LEASE_TIME, run_pass
from schedtui.core.schedule.booking import BookingRequest
from schedtui.core.security.access import Actor
from schedtui.data import models as m
from schedtui.data.store import Store
from schedtui.settings import load_settings
from tests.builders import book_self_pay
from tests.engine_clinic import build_engine_clinic
from tests.test_messages import Inbox, _free_port


class SlowInbox(Inbox):
    """A mail server that takes a moment over each message (so a kill lands mid-pass)."""

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        await asyncio.sleep(0.04)
        return await super().handle_DATA(server, session, envelope)


NOW = datetime(2026, 3, 6, 17, 0, tzinfo=UTC)
KILLS = 6
#: The runner in a process of its own; its clock runs `shift` minutes ahead, so each
#: run comes after the lease the killed one before it left behind has lapsed (and no
#: quiet hours, whatever the hour the test runs at).
RUNNER = textwrap.dedent(
    """
    import sys
    from datetime import UTC, datetime, timedelta
    from schedtui.core.messages.runner import run_pass
    from schedtui.data.store import Store
    from schedtui.settings import load_settings

    url, port, shift = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    settings = load_settings(smtp_host="127.0.0.1", smtp_port=port,
                             smtp_from="visits@harbor.example", smtp_starttls=False,
                             quiet_hours="")
    store = Store.open(url)
    clock = lambda: datetime.now(UTC) + timedelta(minutes=shift)
    print("ready", flush=True)
    run_pass(store, clock=clock, settings=settings, holder=f"killed-{shift}")
    print("done", flush=True)
    """
)


def _book_many(store: Store) -> int:
    clinic = build_engine_clinic(store)
    actor = Actor(None, "sue", "supervisor")
    booked = 0
    with store.write() as session:
        for patient_id in clinic.patients:
            patient = session.get(m.Patient, patient_id)
            assert patient is not None
            patient.email = f"p{patient_id}@example.org"
            session.add(
                m.ContactConsent(patient_id=patient_id, channel="email", granted=True,
                                 recorded_at=NOW)
            )  # fmt: skip
    for day in (date(2026, 12, 14), date(2026, 12, 16)):  # ahead of the runner's clock
        for n, patient_id in enumerate(clinic.patients[:9]):
            minutes = 20 * n if n < 6 else 150 + 20 * (n - 6)  # from 8:00; not 10:00-10:30
            start = clinic.at(day, 8) + timedelta(minutes=minutes)
            request = BookingRequest(patient_id, clinic.okafor, "FU", start)
            book_self_pay(store, actor, request, now=NOW)
            booked += 1
    return booked


def test_a_runner_killed_at_any_moment_loses_no_message(tmp_path: Path) -> None:
    store = Store.open(str(tmp_path / "clinic.db"))
    from schedtui.data.migrate import upgrade

    upgrade(store)
    booked = _book_many(store)
    url = store.url.render_as_string(hide_password=False)
    inbox, port = SlowInbox(), _free_port()
    server = Controller(inbox, hostname="127.0.0.1", port=port)
    server.start()
    killed_while_running = 0
    try:
        chance = random.Random(20261201)
        for run in range(KILLS):
            shift = run * int(LEASE_TIME.total_seconds() // 60 + 1)
            child = subprocess.Popen(
                [sys.executable, "-c", RUNNER, url, str(port), str(shift)],
                stdout=subprocess.PIPE, text=True, cwd=tmp_path,
            )  # fmt: skip
            assert child.stdout is not None and child.stdout.readline().strip() == "ready"
            try:
                child.wait(timeout=chance.uniform(0.05, 0.8))
            except subprocess.TimeoutExpired:
                os.kill(child.pid, signal.SIGKILL)
                killed_while_running += 1
            child.wait(timeout=60)
        last = datetime.now(UTC) + timedelta(minutes=(KILLS + 1) * 6)
        settings = load_settings(
            smtp_host="127.0.0.1", smtp_port=port, smtp_from="visits@harbor.example",
            smtp_starttls=False, quiet_hours="",
        )  # fmt: skip
        run_pass(store, clock=lambda: last, settings=settings, holder="last")
    finally:
        server.stop()
    with store.read() as session:
        messages = session.exec(select(m.Message)).all()
    store.dispose()
    confirmations = [msg for msg in messages if msg.kind == "confirmation"]
    assert len(confirmations) == booked
    assert {msg.status for msg in messages if msg.scheduled_for <= last} == {"sent"}
    ids = [mail["Message-ID"] for mail in inbox.received]
    sent = {msg.dedupe_key for msg in messages if msg.status == "sent"}
    assert {i.removeprefix("<schedtui.").split("@")[0] for i in ids} == {
        key.replace(":", ".") for key in sent if key
    }, "every message sent reached the server"
    assert len(ids) - len(set(ids)) <= killed_while_running, "a repeat only after a kill"
    assert killed_while_running >= 1, "a kill landed while the runner worked"
