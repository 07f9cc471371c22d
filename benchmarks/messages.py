"""Patient messages at clinic scale: composing them from the change feed and handing them
to a mail server.

    python benchmarks/messages.py [--patients 3000] [--messages 10000]

Seeds a clinic (not timed), gives every patient an address and their consent to e-mail,
and writes a booking change for the coming visits (as the program does on booking) until
about --messages reminders and confirmations are due; then times, on one core:
  - the outbox taking up the changes: every message composed and stored;
  - the runner handing every due message to a real SMTP server on 127.0.0.1 (aiosmtpd,
    in this process's own thread), each with its calendar invite;
beside a bare loop that sends the same number of small messages to the same server
(what SMTP itself costs here). Prints messages a second and the peak memory.
"""

from __future__ import annotations

import argparse
import json
import resource
import smtplib
import socket
import tempfile
import time
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from sqlmodel import col, select

from schedtui.core.messages.outbox import take_up_changes
from schedtui.core.messages.runner import run_pass
from schedtui.data import models as m
from schedtui.data.migrate import upgrade
from schedtui.data.seed import seed_store
from schedtui.data.store import Store
from schedtui.settings import load_settings

NOW = datetime(2026, 11, 27, 15, tzinfo=UTC)


class Counting:
    """An SMTP handler that only counts."""

    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.count += 1
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _clinic(folder: Path, patients: int, wanted: int) -> Store:
    store = Store.open(str(folder / "clinic.db"))
    upgrade(store)
    seed_store(store, patients=patients, seed=11, now=NOW)
    with store.write() as session:
        for patient in session.exec(select(m.Patient)):
            patient.email = f"p{patient.id}@example.org"
        for consent in session.exec(select(m.ContactConsent)):
            session.delete(consent)
        session.flush()
        for patient_id in session.exec(select(m.Patient.id)):
            session.add(
                m.ContactConsent(
                    patient_id=patient_id or 0, channel="email", granted=True, recorded_at=NOW
                )
            )
        visits = session.exec(
            select(m.Appointment)
            .where(col(m.Appointment.status) == "booked")
            .where(col(m.Appointment.start) > NOW + timedelta(hours=3))
            .order_by(col(m.Appointment.start))
            .limit(wanted // 3)
        ).all()
        for visit in visits:  # what booking writes to the feed
            session.add(
                m.DomainEvent(
                    occurred_at=NOW,
                    kind="appointment.booked",
                    aggregate="appointment",
                    aggregate_id=visit.id or 0,
                    provider_id=visit.provider_id,
                    payload_json=json.dumps({"patient_id": visit.patient_id}),
                )
            )
    return store


def _bare_smtp(port: int, count: int) -> float:
    began = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as server:
        for n in range(count):
            mail = EmailMessage()
            mail["From"], mail["To"], mail["Subject"] = "a@example.org", "b@example.org", f"{n}"
            mail.set_content("x")
            server.send_message(mail)
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=3000)
    parser.add_argument("--messages", type=int, default=10_000)
    args = parser.parse_args()
    handler, port = Counting(), _free_port()
    server = Controller(handler, hostname="127.0.0.1", port=port)
    server.start()
    try:
        with tempfile.TemporaryDirectory() as folder:
            store = _clinic(Path(folder), args.patients, args.messages)
            settings = load_settings(
                smtp_host="127.0.0.1", smtp_port=port, smtp_from="visits@harbor.example",
                smtp_starttls=False, quiet_hours="",
            )  # fmt: skip
            began = time.perf_counter()
            made = take_up_changes(store, now=NOW, settings=settings)
            composed = time.perf_counter() - began
            late = NOW + timedelta(days=400)  # every message due
            began = time.perf_counter()
            report = run_pass(store, clock=lambda: late, settings=settings, holder="bench")
            sending = time.perf_counter() - began
            store.dispose()
        received = handler.count
        bare = _bare_smtp(port, report.sent)
    finally:
        server.stop()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"composed  {made:>7} messages in {composed:6.1f} s: {made / composed:8.0f}/s")
    print(
        f"sent      {report.sent:>7} messages in {sending:6.1f} s: {report.sent / sending:8.0f}/s"
        f"  (failed {report.failed}, dead {report.dead}; the server counted {received})"
    )
    print(f"bare SMTP {report.sent:>7} messages in {bare:6.1f} s: {report.sent / bare:8.0f}/s")
    print(
        f"schedtui sends at {bare / sending:.1%} of the bare SMTP rate; peak memory {peak:.0f} MB"
    )


if __name__ == "__main__":
    main()
