"""How long the synthetic clinic takes to seed, and the memory it takes (targets: 100,000
patients in under 60 s; 1,000,000 in under 5 minutes within 1 GB).

    python benchmarks/seed.py [--patients 100000] [--db PATH_OR_URL]

Seeds a fresh store (a temporary SQLite file unless --db names an empty one) and
prints the wall time, the process's peak memory (resident) beside its memory before
seeding (the imports), and the sizes written.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from schedtui.data.migrate import upgrade
from schedtui.data.seed import seed_store
from schedtui.data.store import Store

TARGET_SECONDS = 60.0
#: Per 100,000 patients: 60 s; at 1,000,000: 5 minutes (the patients stream, so time
#: grows about linearly and memory hardly at all).
MILLION_SECONDS = 300.0
PEAK_MB = 1000.0


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db", help="an empty store to seed (default: a temporary SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        target = args.db or str(Path(folder) / "bench.db")
        store = Store.open(target)
        upgrade(store)
        before = _peak_mb()
        began = time.perf_counter()
        summary = seed_store(
            store,
            patients=args.patients,
            seed=args.seed,
            now=datetime(2026, 11, 27, 15, tzinfo=UTC),
        )
        elapsed = time.perf_counter() - began
        store.dispose()
        size = Path(target).stat().st_size / 1e6 if Path(target).exists() else float("nan")
    target = TARGET_SECONDS if args.patients <= 100_000 else MILLION_SECONDS
    peak = _peak_mb()
    verdict = "OK" if elapsed < target and peak < PEAK_MB else "MISSED"
    print(
        f"seed: {summary.patients:,} patients, {summary.appointments:,} appointments "
        f"in {elapsed:.1f} s; peak memory {peak:.0f} MB ({before:.0f} MB before seeding); "
        f"store {size:.0f} MB ({verdict}: targets < {target:.0f} s, < {PEAK_MB:.0f} MB)"
    )


if __name__ == "__main__":
    main()
