"""Patient lookup on a large clinic: building the index and answering as the caller spells.

    python benchmarks/lookup.py [--patients 100000] [--db PATH]

Seeds a temporary store (unless --db names a seeded one), builds the index and times a
spread of queries a scheduler types (fragments, typos, nicknames, dates of birth, phone
digits, MRNs), each query's prefixes too, as the lookup runs on every keystroke.
Target: every keystroke answers within a frame (median well under 16 ms).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import col, select

from schedtui.core.lookup.service import find_patients, refresh, warm_up
from schedtui.data import models as m
from schedtui.data.migrate import upgrade
from schedtui.data.seed import seed_store
from schedtui.data.store import Store

NOW = datetime(2026, 11, 27, 15, tzinfo=UTC)


def _queries(store: Store) -> list[str]:
    with store.read() as session:
        patients = session.exec(
            select(m.Patient).order_by(col(m.Patient.id)).limit(10).offset(500)
        ).all()
        phone_list = list(session.exec(select(m.PatientPhone.number).limit(10).offset(900)))
    queries: list[str] = []
    for p in patients:
        queries += [
            f"{p.last_name[:3]} {p.first_name[:2]}",
            f"{p.first_name} {p.last_name}"[:-1] + "x",
            f"{p.last_name} {p.dob:%m/%d/%y}",
            p.mrn,
        ]
    queries += ["bob smith", "liz garcia", "jose", "oneil", "march 4 61"]
    queries += [p[-4:] for p in phone_list[:5]] + [p[2:] for p in phone_list[5:]]
    return queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=100_000)
    parser.add_argument("--db")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(args.db or str(Path(folder) / "lookup.db"))
        if not args.db:
            upgrade(store)
            seed_store(store, patients=args.patients, seed=1, now=NOW)
        with store.read() as session:
            began = time.perf_counter()
            index = refresh(session, None)
            warm_up("US")
            built = time.perf_counter() - began
            print(f"index of {len(index.entries):,} patients built in {built:.2f} s")
            timings = []
            for query in _queries(store):
                for end in range(3, len(query) + 1):  # every keystroke from the third
                    began = time.perf_counter()
                    find_patients(
                        session, index, query[:end], now=NOW, today=NOW.date(), region="US"
                    )
                    timings.append((time.perf_counter() - began) * 1000)
        store.dispose()
    timings.sort()
    median, p95 = statistics.median(timings), timings[int(len(timings) * 0.95)]
    print(
        f"{len(timings)} keystroke searches: median {median:.1f} ms, p95 {p95:.1f} ms, "
        f"max {timings[-1]:.1f} ms ({'OK' if median < 16 else 'TOO SLOW'}, target < 16 ms)"
    )


if __name__ == "__main__":
    main()
