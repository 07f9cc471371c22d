"""Booking throughput with several schedulers at once, beside the store's own speed.

    python benchmarks/booking.py [--writers 8] [--bookings 320] [--patients 3000]
                                 [--pg postgresql://...] [--contended 40]

Seeds a clinic once (not timed) and finds --bookings open follow-up times (each a
distinct provider and time) and as many patients. Then, in the same run and each on a
fresh copy of the seeded store, --writers processes book them all, a share each:

  schedtui     `core.schedule.booking.book`, the one door (every rule, the insurance
               checklist, the audit row and the change feed);
  SQLAlchemy   a write transaction that counts the provider's overlapping visits and
               inserts the row: the least any ORM program must do;
  raw driver   the same check and insert through sqlite3 (BEGIN IMMEDIATE) or psycopg
               (the provider's row locked FOR UPDATE).

Prints bookings a second, the median, 95th percentile and worst latency of one booking,
and schedtui's share of each anchor's rate. Then a contended round: every writer tries
the same --contended times, and the times booked twice are counted (must be 0).
With --pg (a server URL whose user may create databases) it runs on PostgreSQL.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import shutil
import statistics
import tempfile
import time
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, make_url, text

NOW = datetime(2026, 11, 27, 15, tzinfo=UTC)
LIVE = ("booked", "arrived", "checked-in")
TYPE_CODE = "FMFU"


@dataclass(frozen=True)
class Job:
    """One booking to make: who, with whom, where, what and when."""

    patient_id: int
    provider_id: int
    site_id: int
    type_id: int
    start: datetime
    end: datetime


@dataclass
class Outcome:
    """What one writer did: latencies of the bookings made, refusals, faults."""

    latencies: list[float]
    refused: int
    faults: list[str]


def _book_schedtui(url: str, jobs: list[Job]) -> Any:
    from schedtui.core.schedule.booking import BookingRequest, book
    from schedtui.core.security.access import Actor
    from schedtui.data.store import Store
    from schedtui.settings import load_settings

    store, settings = Store.open(url), load_settings()
    actor = Actor(None, "bench", "scheduler")

    def one(job: Job) -> None:
        request = BookingRequest(
            job.patient_id, job.provider_id, TYPE_CODE, job.start, site_id=job.site_id,
            override_reason="benchmark",
        )  # fmt: skip
        book(store, actor, request, now=NOW, settings=settings)

    return one, store.dispose


def _book_sqlalchemy(url: str, jobs: list[Job]) -> Any:
    from sqlalchemy import func
    from sqlmodel import col, select

    from schedtui.core.support.errors import BadInput
    from schedtui.data import models as m
    from schedtui.data.store import Store

    store = Store.open(url)

    def one(job: Job) -> None:
        with store.write() as session:
            if not store.is_sqlite:
                session.execute(
                    text("SELECT id FROM provider WHERE id = :id FOR UPDATE"),
                    {"id": job.provider_id},
                )
            taken = session.exec(
                select(func.count())
                .select_from(m.Appointment)
                .where(col(m.Appointment.provider_id) == job.provider_id)
                .where(col(m.Appointment.status).in_(LIVE))
                .where(col(m.Appointment.start) < job.end)
                .where(col(m.Appointment.end) > job.start)
            ).one()
            if taken:
                raise BadInput("taken")
            session.add(
                m.Appointment(
                    patient_id=job.patient_id,
                    provider_id=job.provider_id,
                    site_id=job.site_id,
                    appointment_type_id=job.type_id,
                    start=job.start,
                    end=job.end,
                    booked_at=NOW,
                    updated_at=NOW,
                )
            )

    return one, store.dispose


_CHECK = (
    "SELECT count(*) FROM appointment WHERE provider_id = {p} AND status IN "
    "('booked', 'arrived', 'checked-in') AND start < {p} AND \"end\" > {p}"
)
_INSERT = (
    "INSERT INTO appointment (patient_id, provider_id, site_id, appointment_type_id, start, "
    '"end", status, reason, visit_mode, overbooked, overbook_reason, late_cancel, booked_at, '
    "updated_at, version) VALUES ({p}, {p}, {p}, {p}, {p}, {p}, 'booked', '', 'in-person', "
    "{false}, '', {false}, {p}, {p}, 1)"
)


def _book_raw(url: str, jobs: list[Job]) -> Any:
    from schedtui.core.support.errors import BadInput

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        import sqlite3

        connection = sqlite3.connect(parsed.database or "", isolation_level=None, timeout=60)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")

        def stored(moment: datetime) -> str:  # as SQLAlchemy keeps a UTC time in SQLite
            return moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")

        def one_sqlite(job: Job) -> None:
            connection.execute("BEGIN IMMEDIATE")
            try:
                start, end = stored(job.start), stored(job.end)
                check = _CHECK.format(p="?")
                if connection.execute(check, (job.provider_id, end, start)).fetchone()[0]:
                    raise BadInput("taken")
                when = stored(NOW)
                row = (job.patient_id, job.provider_id, job.site_id, job.type_id, start, end)
                connection.execute(_INSERT.format(p="?", false=0), (*row, when, when))
                connection.execute("COMMIT")
            except BaseException:
                connection.execute("ROLLBACK")
                raise

        return one_sqlite, connection.close
    import psycopg

    server = psycopg.connect(parsed.set(drivername="postgresql").render_as_string(False))

    def one_pg(job: Job) -> None:
        with server.transaction():
            server.execute("SELECT id FROM provider WHERE id = %s FOR UPDATE", (job.provider_id,))
            check = _CHECK.format(p="%s")
            taken = server.execute(check, (job.provider_id, job.end, job.start)).fetchone()
            if taken and taken[0]:
                raise BadInput("taken")
            row = (job.patient_id, job.provider_id, job.site_id, job.type_id, job.start, job.end)
            server.execute(_INSERT.format(p="%s", false="false"), (*row, NOW, NOW))

    return one_pg, server.close


WAYS = {"schedtui": _book_schedtui, "SQLAlchemy": _book_sqlalchemy, "raw driver": _book_raw}


def _writer(way: str, url: str, jobs: list[Job], go: Any, ready: Any, results: Any) -> None:
    from schedtui.core.support.errors import BadInput

    one, close = WAYS[way](url, jobs)
    outcome = Outcome([], 0, [])
    ready.put(True)
    go.wait()
    for job in jobs:
        began = time.perf_counter()
        try:
            one(job)
            outcome.latencies.append(time.perf_counter() - began)
        except BadInput:
            outcome.refused += 1
        except Exception as fault:  # reported, never hidden
            outcome.faults.append(f"{type(fault).__name__}: {fault}"[:200])
    close()
    results.put(outcome)


def _race(way: str, url: str, shares: list[list[Job]]) -> tuple[float, list[Outcome]]:
    context = multiprocessing.get_context("spawn")
    go, ready, results = context.Event(), context.Queue(), context.Queue()
    writers = [
        context.Process(target=_writer, args=(way, url, share, go, ready, results))
        for share in shares
    ]
    for writer in writers:
        writer.start()
    for _ in writers:  # every writer has imported and opened the store (not timed)
        ready.get(timeout=600)
    began = time.perf_counter()
    go.set()
    outcomes = [results.get(timeout=3600) for _ in writers]
    elapsed = time.perf_counter() - began
    for writer in writers:
        writer.join()
    return elapsed, outcomes


class Clinic:
    """The seeded store and fresh copies of it (SQLite files, or PostgreSQL databases
    made from it as a template)."""

    def __init__(self, folder: Path, pg: str | None, patients: int) -> None:
        from schedtui.data.migrate import upgrade
        from schedtui.data.seed import seed_store
        from schedtui.data.store import Store

        self.folder, self.pg = folder, pg
        self.made: list[str] = []
        self.url = self._new_database() if pg else f"sqlite:///{folder / 'seeded.db'}"
        store = Store.open(self.url)
        upgrade(store)
        seed_store(store, patients=patients, seed=3, now=NOW)
        store.dispose()

    def _new_database(self, template: str | None = None) -> str:
        assert self.pg is not None
        name = f"schedtui_bench_{uuid.uuid4().hex[:10]}"
        admin = create_engine(self.pg, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            copy = f' TEMPLATE "{make_url(template).database}"' if template else ""
            connection.execute(text(f'CREATE DATABASE "{name}"{copy}'))
        admin.dispose()
        self.made.append(name)
        return make_url(self.pg).set(database=name).render_as_string(hide_password=False)

    def copy(self) -> str:
        """A fresh copy of the seeded store."""
        if self.pg:
            return self._new_database(self.url)
        path = self.folder / f"copy-{uuid.uuid4().hex[:8]}.db"
        shutil.copyfile(self.folder / "seeded.db", path)
        return f"sqlite:///{path}"

    def drop(self) -> None:
        if not self.pg:
            return
        admin = create_engine(self.pg, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            for name in self.made:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _jobs(url: str, count: int) -> list[Job]:
    """`count` open follow-up times, each a distinct provider and time, and as many
    patients who need no interpreter and have no visit that day."""
    from sqlmodel import col, select

    from schedtui.core.schedule.slots import SlotRequest, find_open_slots
    from schedtui.data import models as m
    from schedtui.data.store import Store

    store = Store.open(url)
    with store.read() as session:
        request = SlotRequest(TYPE_CODE, limit=count * 3, before=NOW.date() + timedelta(days=120))
        slots = find_open_slots(session, request, now=NOW)
        kind = session.exec(select(m.AppointmentType).where(m.AppointmentType.code == TYPE_CODE))
        type_id = kind.one().id
        patients = session.exec(
            select(m.Patient.id).where(col(m.Patient.interpreter_needed).is_(False))
        ).all()
    store.dispose()
    picked = {(slot.provider_id, slot.start): slot for slot in slots}
    if len(picked) < count:
        raise SystemExit(f"only {len(picked)} open {TYPE_CODE} times found; ask for fewer")
    chosen = random.Random(5).sample(sorted(picked.values(), key=lambda s: s.start), count)
    people = random.Random(6).sample(list(patients), count)
    assert type_id is not None
    return [
        Job(person, s.provider_id, s.site_id, type_id, s.start, s.end)  # type: ignore[arg-type]
        for person, s in zip(people, chosen, strict=True)
    ]


def _figures(label: str, elapsed: float, outcomes: list[Outcome]) -> tuple[float, str]:
    latencies = sorted(x for o in outcomes for x in o.latencies)
    refused = sum(o.refused for o in outcomes)
    faults = [f for o in outcomes for f in o.faults]
    rate = len(latencies) / elapsed
    p95 = latencies[int(0.95 * (len(latencies) - 1))] if latencies else 0.0
    line = (
        f"{label:<12} {rate:8.1f}/s  median {statistics.median(latencies) * 1000:7.1f} ms  "
        f"p95 {p95 * 1000:7.1f} ms  worst {latencies[-1] * 1000:7.1f} ms  "
        f"({len(latencies)} booked, {refused} refused, {len(faults)} faults)"
    )
    for fault in faults[:3]:
        line += f"\n    fault: {fault}"
    return rate, line


def _doubles(url: str, jobs: list[Job]) -> int:
    """Times among `jobs` that hold more than one live visit of the provider."""
    engine = create_engine(url)
    with engine.connect() as connection:
        twice = 0
        for job in jobs:
            found = connection.execute(
                text(
                    "SELECT count(*) FROM appointment WHERE provider_id = :p AND "
                    "status IN ('booked', 'arrived', 'checked-in') AND start < :e AND \"end\" > :s"
                ),
                {"p": job.provider_id, "s": _bound(url, job.start), "e": _bound(url, job.end)},
            ).scalar_one()
            twice += found > 1
    engine.dispose()
    return twice


def _bound(url: str, moment: datetime) -> Any:
    if url.startswith("sqlite"):
        return moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
    return moment


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--bookings", type=int, default=320)
    parser.add_argument("--patients", type=int, default=3000)
    parser.add_argument("--contended", type=int, default=40)
    parser.add_argument("--pg", help="a PostgreSQL server URL (a database is made per run)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        clinic = Clinic(Path(folder), args.pg, args.patients)
        try:
            _run(clinic, args)
        finally:
            clinic.drop()


def _run(clinic: Clinic, args: argparse.Namespace) -> None:
    jobs = _jobs(clinic.url, args.bookings)
    shares = [jobs[n :: args.writers] for n in range(args.writers)]
    engine = "PostgreSQL" if args.pg else "SQLite"
    print(f"{engine}: {args.writers} writers, {len(jobs)} distinct times")
    rates = {}
    for way in WAYS:
        elapsed, outcomes = _race(way, clinic.copy(), shares)
        rates[way], line = _figures(way, elapsed, outcomes)
        print(line)
    for anchor in ("SQLAlchemy", "raw driver"):
        print(f"schedtui is {rates['schedtui'] / rates[anchor]:.1%} of the {anchor} rate")
    url = clinic.copy()
    contended = jobs[: args.contended]
    racing = [  # every writer tries every contended time, in its own order, for its own patients
        [
            replace(job, patient_id=jobs[(w * len(contended) + n) % len(jobs)].patient_id)
            for n, job in enumerate(random.Random(w).sample(contended, len(contended)))
        ]
        for w in range(args.writers)
    ]
    elapsed, outcomes = _race("schedtui", url, racing)
    _rate, line = _figures("contended", elapsed, outcomes)
    print(line)
    print(f"times booked twice: {_doubles(url, contended)} (must be 0)")


if __name__ == "__main__":
    main()
