"""How fast a month's measures come on a big clinic, beside the raw aggregate they rest on.

    python benchmarks/reports.py [--appointments 1000000] [--patients 5000] [--runs 5]

A store of `--patients` synthetic patients is seeded in a temporary folder (not timed),
then `--appointments` visits are added straight to its table, spread over a year before
and after today with the statuses a clinic sees (kept, missed, cancelled late or early,
booked). Timed, as medians of `--runs`: `kpis` for the month before today grouped by
provider (what `schedtui report kpis --by provider` calls: the visit aggregates, the
template minutes for the fill rate, the call notes, the audit row) and, as the anchor,
the same visit aggregate as raw SQL through the sqlite3 driver. Target: 1 s or less.
PostgreSQL is not timed here yet.
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
#: Status, late cancellation, overbooked: how often each comes (a year of a clinic).
OUTCOMES = (("fulfilled", 0, 0),) * 70 + (("noshow", 0, 0),) * 10 + (
    ("cancelled", 1, 0),) * 4 + (("cancelled", 0, 0),) * 6 + (("booked", 0, 0),) * 9 + (
    ("fulfilled", 0, 1),)  # fmt: skip


def _visits(db: Path, count: int, now: datetime) -> None:
    """`count` visits over the two years around `now`, 20 minutes each."""
    rng = random.Random(7)
    with sqlite3.connect(db) as connection:
        patients = [row[0] for row in connection.execute("SELECT id FROM patient")]
        places = connection.execute(
            "SELECT DISTINCT provider_id, site_id FROM schedule_template"
        ).fetchall()
        types = [row[0] for row in connection.execute("SELECT id FROM appointment_type")]
        rows = []
        for _ in range(count):
            start = now + timedelta(minutes=5 * rng.randrange(-105_000, 105_000))
            status, late, over = rng.choice(OUTCOMES)
            provider, site = rng.choice(places)
            booked = start - timedelta(hours=rng.randrange(1, 24 * 60))
            rows.append((
                rng.choice(patients), provider, site, rng.choice(types), start.isoformat(" "),
                (start + timedelta(minutes=20)).isoformat(" "), status, late, over,
                "bench" if over else "", "pat" if status == "cancelled" else None,
                booked.isoformat(" "), booked.isoformat(" "),
            ))  # fmt: skip
        connection.executemany(
            "INSERT INTO appointment (patient_id, provider_id, site_id, appointment_type_id, "
            'start, "end", status, late_cancel, overbooked, overbook_reason, '
            "cancellation_reason, booked_at, updated_at, reason, visit_mode, no_show_reason, "
            "video_link, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', "
            "'in-person', '', '', 1)",
            rows,
        )


def _stored(moment: datetime) -> str:
    """A moment as the store keeps it on SQLite (UTC, no offset)."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ")


def _raw(db: Path, first: datetime, last: datetime) -> Callable[[], object]:
    def read() -> object:
        with sqlite3.connect(db) as connection:
            return connection.execute(
                "SELECT provider_id, count(*), sum(status = 'noshow'), sum(status = 'cancelled'),"
                " sum(status = 'cancelled' AND late_cancel), sum(overbooked),"
                " avg(julianday(start) - julianday(booked_at)),"
                " sum(CASE WHEN status IN ('booked', 'arrived', 'checked-in', 'fulfilled',"
                " 'noshow') AND NOT overbooked THEN (julianday(\"end\") - julianday(start))"
                " * 1440 ELSE 0 END) FROM appointment WHERE start >= ? AND start < ?"
                " AND status != 'entered-in-error' GROUP BY provider_id",
                (_stored(first), _stored(last)),
            ).fetchall()  # fmt: skip

    return read


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--appointments", type=int, default=1_000_000)
    parser.add_argument("--patients", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    arguments = parser.parse_args()
    from schedtui.core.security.access import Actor
    from schedtui.core.views.kpis import kpis, period
    from schedtui.data.store import Store

    now = datetime.now(UTC)
    today = now.astimezone(ZONE).date()
    month = period(today - timedelta(days=30), today - timedelta(days=1), ZONE)
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        os.chmod(home, 0o700)
        db = seeded(home, arguments.patients)
        _visits(db, arguments.appointments, now.replace(microsecond=0))
        store = Store.open(f"sqlite:///{db}")
        actor = Actor(None, "bench", "supervisor")

        def report() -> object:
            return kpis(store, actor, month, "provider", now=now)

        ours = median(arguments.runs, report)
        raw = median(arguments.runs, _raw(db, month.start, month.end))
        with sqlite3.connect(db) as connection:
            total = connection.execute("SELECT count(*) FROM appointment").fetchone()[0]
        in_month = sum(row.appointments for row in kpis(store, actor, month, "provider", now=now))
        print(f"{total:,} appointments; the month {month.first} to {month.last} holds "
              f"{in_month:,}, grouped by provider")  # fmt: skip
        print(f"{'report kpis --by provider':<34} median {ours * 1000:8.1f} ms  (target 1000)")
        print(f"{'raw sqlite3 aggregate':<34} median {raw * 1000:8.1f} ms")
        print(f"{'ratio':<34} {ours / raw:10.1f}x")
        store.dispose()


if __name__ == "__main__":
    main()
