"""How long the synthetic clinic takes to seed (target: 100,000 patients in under 60 s).

    python benchmarks/seed.py [--patients 100000] [--db PATH_OR_URL]

Seeds a fresh store (a temporary SQLite file unless --db names an empty one) and
prints the wall time and the sizes written.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from schedtui.data.migrate import upgrade
from schedtui.data.seed import seed_store
from schedtui.data.store import Store

TARGET_SECONDS = 60.0


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
    verdict = "OK" if elapsed < TARGET_SECONDS else "TOO SLOW"
    print(
        f"seed: {summary.patients:,} patients, {summary.appointments:,} appointments "
        f"in {elapsed:.1f} s ({verdict}, target < {TARGET_SECONDS:.0f} s); store {size:.0f} MB"
    )


if __name__ == "__main__":
    main()
