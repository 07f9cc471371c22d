"""Next-available search and third-next-available on a large clinic.

    python benchmarks/slots.py [--providers 50] [--patients 20000] [--runs 30] [--db PATH]

Seeds a clinic of --providers providers (a temporary SQLite file unless --db names an
existing seeded store), then times:
  - the next 10 open slots for each appointment type across every provider who offers
    it, 90 days ahead (median and 95th percentile over --runs searches per type;
    target: every type's median at most 20 ms);
  - the third-next-available table for every provider and type (target: under 1 s).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from schedtui.core.schedule.access_kpis import third_next_available
from schedtui.core.schedule.reference import load_reference
from schedtui.core.schedule.slots import SlotRequest, find_open_slots
from schedtui.data.migrate import upgrade
from schedtui.data.seed import seed_store
from schedtui.data.store import Store

NOW = datetime(2026, 11, 27, 15, tzinfo=UTC)
TYPES = ("FMFU", "FMNEW", "CRDFU", "ORTFU", "XRAY", "MRI", "PTTX", "BHTX")


def _store(args: argparse.Namespace, folder: str) -> Store:
    if args.db:
        return Store.open(args.db)
    store = Store.open(str(Path(folder) / "bench.db"))
    upgrade(store)
    began = time.perf_counter()
    summary = seed_store(store, patients=args.patients, seed=1, now=NOW, providers=args.providers)
    print(
        f"seeded {summary.providers} providers, {summary.patients:,} patients, "
        f"{summary.appointments:,} appointments in {time.perf_counter() - began:.1f} s"
    )
    return store


def _search_times(store: Store, runs: int) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = {}
    with store.read() as session:
        ref = load_reference(session)  # the TUI keeps a recent copy; booking re-reads
        for code in TYPES:
            request = SlotRequest(code, limit=10, before=NOW.date() + timedelta(days=90))
            timings[code] = []
            for _ in range(runs):
                began = time.perf_counter()
                found = find_open_slots(session, request, now=NOW, ref=ref)
                timings[code].append((time.perf_counter() - began) * 1000)
            assert found, f"no open {code} slots"
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--providers", type=int, default=50)
    parser.add_argument("--patients", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--db", help="an existing seeded store (skips seeding)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        store = _store(args, folder)
        timings = _search_times(store, args.runs)
        everything = [ms for runs in timings.values() for ms in runs]
        for code, runs in timings.items():
            print(
                f"next 10 {code:<6} median {statistics.median(runs):6.1f} ms   "
                f"p95 {sorted(runs)[int(len(runs) * 0.95) - 1]:6.1f} ms"
            )
        median = statistics.median(everything)
        slowest = max(timings, key=lambda code: statistics.median(timings[code]))
        worst = statistics.median(timings[slowest])
        print(f"next 10, all types: median {median:.1f} ms")
        print(
            f"next 10, slowest type {slowest}: median {worst:.1f} ms "
            f"({'OK' if worst <= 20 else 'TOO SLOW'}, target: every type <= 20 ms)"
        )
        with store.read() as session:
            began = time.perf_counter()
            rows = third_next_available(session, now=NOW, today=NOW.date())
            elapsed = time.perf_counter() - began
        print(
            f"third next available: {len(rows)} provider/type pairs in {elapsed:.2f} s "
            f"({'OK' if elapsed < 1 else 'TOO SLOW'}, target < 1 s)"
        )
        store.dispose()


if __name__ == "__main__":
    main()
