"""How fast the work queue is built on a big clinic's worth of items, beside the raw
reads it rests on.

    python benchmarks/worklists.py [--patients 20000] [--items 200000] [--runs 9]

A store of `--patients` synthetic patients is seeded in a temporary folder (not timed),
then `--items` open referrals and as many call-backs (a tenth of them due now), an active
recall campaign over the patients and an open escalation per hundred items are added
straight to its tables. Timed, as medians of `--runs`: `work_queue` (what `schedtui
queue` and a queue screen call: escalations, call-backs due, calls, referrals to book,
recall patients to call, authorization follow-ups due, sorted, the view audited) and, as
the anchor, the raw SQL reads of its first page through the sqlite3 driver (call-backs,
referrals, authorizations, escalations, recall patients). Target: the queue in 100 ms or less.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bench_store import median, seeded

ZONE = ZoneInfo("America/New_York")


def _items(db: Path, count: int, now: datetime) -> None:
    """`count` open referrals and `count` call-backs, spread over the patients."""
    rng = random.Random(7)
    with sqlite3.connect(db) as connection:
        patients = [row[0] for row in connection.execute("SELECT id FROM patient")]
        types = [row[0] for row in connection.execute("SELECT id FROM appointment_type")]
        today = now.date()
        connection.executemany(
            "INSERT INTO referral (patient_id, referral_number, referring_provider_name, "
            "referring_npi, reason, received_on, status, appointment_type_id, urgency, due_on, "
            "close_reason) VALUES (?, '', 'Dr. Bench', '', '', ?, ?, ?, ?, ?, '')",
            [
                (rng.choice(patients), today.isoformat(), rng.choice(("new", "contacted")),
                 rng.choice(types), rng.choice(("urgent", "soon", "routine")),
                 (today + timedelta(days=rng.randrange(-20, 60))).isoformat())
                for _ in range(count)
            ],
        )  # fmt: skip
        connection.executemany(
            "INSERT INTO call_back (patient_id, due_at, about, source, created_at, outcome) "
            "VALUES (?, ?, 'bench', 'call', ?, '')",
            [
                (rng.choice(patients),
                 (now + timedelta(minutes=rng.randrange(-600, 6000))).isoformat(" "),
                 now.isoformat(" "))
                for _ in range(count)
            ],
        )  # fmt: skip
        _recalls_and_escalations(connection, rng, patients, types, count, now)


def _recalls_and_escalations(
    connection: sqlite3.Connection, rng: random.Random, patients: list[int], types: list[int],
    count: int, now: datetime,
) -> None:  # fmt: skip
    """An active recall campaign over up to `count` patients (a third to try again
    later), and one open escalation per hundred items."""
    today = now.date()
    connection.execute(
        "INSERT INTO recall_campaign (name, appointment_type_id, criteria, due_from, due_to, "
        "status, created_at) VALUES ('Bench recall', ?, '{}', ?, ?, 'active', ?)",
        (types[0], (today - timedelta(days=30)).isoformat(),
         (today + timedelta(days=60)).isoformat(), now.isoformat(" ")),
    )  # fmt: skip
    campaign = connection.execute("SELECT max(id) FROM recall_campaign").fetchone()[0]
    connection.executemany(
        "INSERT INTO recall_entry (campaign_id, patient_id, status, attempts, last_outcome, "
        "retry_on) VALUES (?, ?, ?, 0, '', ?)",
        [
            (campaign, patient, "due" if n % 3 else "contacted",
             None if n % 3 else (today + timedelta(days=rng.randrange(-5, 5))).isoformat())
            for n, patient in enumerate(patients[:count])
        ],
    )  # fmt: skip
    connection.executemany(
        "INSERT INTO escalation (patient_id, reason, priority, status, created_at, resolution, "
        "team, answer_by) VALUES (?, 'bench', ?, 'open', ?, '', 'nursing', ?)",
        [
            (rng.choice(patients), rng.randrange(3), now.isoformat(" "),
             (now + timedelta(minutes=rng.randrange(15, 1440))).isoformat(" "))
            for _ in range(max(1, count // 100))
        ],
    )  # fmt: skip


def _raw_reads(db: Path, now: datetime) -> Callable[[], object]:
    def read() -> object:
        with sqlite3.connect(db) as connection:
            due = connection.execute(
                "SELECT id FROM call_back WHERE done_at IS NULL AND due_at <= ? "
                "ORDER BY due_at LIMIT 200", (now.isoformat(" "),)
            ).fetchall()  # fmt: skip
            referrals = sorted(
                row
                for status in ("new", "contacted")  # each in its index's order, then merged
                for row in connection.execute(
                    "SELECT r.due_on, r.id, p.mrn FROM referral r JOIN patient p "
                    "ON p.id = r.patient_id WHERE r.status = ? AND r.due_on IS NOT NULL "
                    "ORDER BY r.due_on, r.id LIMIT 200", (status,)
                )
            )[:200]  # fmt: skip
            auths = connection.execute(
                "SELECT id FROM prior_authorization WHERE follow_up_on <= ?", (now.date(),)
            ).fetchall()
            waiting = [  # each status in its index's order, then merged
                row
                for status in ("open", "in-progress")
                for row in connection.execute(
                    "SELECT e.answer_by, e.id, p.mrn FROM escalation e JOIN patient p "
                    "ON p.id = e.patient_id WHERE e.status = ? ORDER BY e.answer_by LIMIT 200",
                    (status,),
                )
            ]  # fmt: skip
            return due, referrals, auths, sorted(waiting)[:200], _raw_recalls(connection, now)

    return read


def _raw_recalls(connection: sqlite3.Connection, now: datetime) -> list[tuple[str, str]]:
    """Each active campaign's open entries in its index's order (never tried; to try
    again, by day), then merged."""
    today = now.date().isoformat()
    found: list[tuple[str, str]] = []
    for campaign, due_from in connection.execute(
        "SELECT id, due_from FROM recall_campaign WHERE status = 'active' AND due_from <= ?",
        (today,),
    ).fetchall():
        for status in ("due", "contacted"):
            for when, test in ((due_from, "r.retry_on IS NULL"), (None, "r.retry_on <= ?")):
                found += [
                    (str(retry or when), str(mrn))
                    for mrn, retry in connection.execute(
                        "SELECT p.mrn, r.retry_on FROM recall_entry r JOIN patient p "
                        "ON p.id = r.patient_id WHERE r.campaign_id = ? AND r.status = ? "
                        f"AND {test} ORDER BY r.retry_on LIMIT 200",
                        (campaign, status) + (() if when else (today,)),
                    )
                ]  # fmt: skip
    return sorted(found)[:200]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=20000)
    parser.add_argument("--items", type=int, default=200000)
    parser.add_argument("--runs", type=int, default=9)
    arguments = parser.parse_args()
    from schedtui.core.security.access import Actor
    from schedtui.core.views.work_queue import work_queue
    from schedtui.data.store import Store

    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        os.chmod(home, 0o700)
        db = seeded(home, arguments.patients)
        _items(db, arguments.items, now)
        store = Store.open(f"sqlite:///{db}")
        actor = Actor(None, "bench", "supervisor")
        queue = median(arguments.runs, lambda: work_queue(store, actor, now=now, zone=ZONE))
        raw = median(arguments.runs, _raw_reads(db, now))
        items = len(work_queue(store, actor, now=now, zone=ZONE))
        print(f"{arguments.patients:,} patients, {arguments.items:,} referrals and "
              f"{arguments.items:,} call-backs; the queue lists {items} items")  # fmt: skip
        print(f"{'work_queue (schedtui queue)':<34} median {queue * 1000:7.1f} ms  (target 100)")
        print(f"{'raw sqlite3 reads of its page':<34} median {raw * 1000:7.1f} ms")
        print(f"{'ratio':<34} {queue / raw:9.1f}x")
        store.dispose()


if __name__ == "__main__":
    main()
