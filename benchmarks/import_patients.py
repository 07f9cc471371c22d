"""How fast `import patients` reads, checks and adds the old system's patients (target:
100,000 rows in under a minute), beside the raw sqlite3 insert of the same rows.

    python benchmarks/import_patients.py [--rows 100000] [--planted 50]

Writes a synthetic CSV (every row a different person; --planted rows with a bad date of
birth), then on a new SQLite store times the dry run, the --apply run (through core, as
the command does) and a second --apply that must add nobody; then the same rows inserted
with raw sqlite3 (no checks) for scale. Prints rows a second and the ratio.
"""

from __future__ import annotations

import argparse
import csv
import random
import sqlite3
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

from schedtui.core.patients.importing import import_patients
from schedtui.core.security.access import Actor
from schedtui.data.migrate import upgrade
from schedtui.data.store import Store

NOW = datetime(2026, 12, 1, 15, tzinfo=UTC)
FIRST = ["Lena", "Oren", "Maya", "Theo", "Iris", "Cyrus", "Nadia", "Felix", "Alma", "Rufus"]
LAST = ["Marsh", "Quill", "Vance", "Okoye", "Lindqvist", "Batra", "Serrano", "Holm", "Adler"]
#: US area codes the sample phones use (valid ones, so the rows pass the phone check).
AREAS = ("617", "857", "781", "508", "978", "303", "720", "312", "773", "872")


def _write_csv(path: Path, rows: int, planted: int) -> None:
    rng = random.Random(11)
    bad = set(rng.sample(range(rows), planted))
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["MRN", "Last Name", "First Name", "DOB", "Sex", "Phone"])
        for n in range(rows):
            born = date.fromordinal(date(1930, 1, 1).toordinal() + n % 30_000)
            dob = "13/45/1980" if n in bad else born.strftime("%m/%d/%Y")
            phone = f"{AREAS[n // 10_000 % 10]}-{200 + n // 100_000 % 700}-{n % 10_000:04d}"
            last = LAST[n // 30_000 % len(LAST)]  # rows born the same day: other families
            writer.writerow([f"OLD-{n}", last, rng.choice(FIRST), dob, rng.choice("MF"), phone])


def _timed(label: str, rows: int, run: object) -> float:
    began = time.perf_counter()
    outcome = run()  # type: ignore[operator]
    seconds = time.perf_counter() - began
    print(f"{label:<34} {seconds:7.1f} s  {rows / seconds:9,.0f} rows/s  {outcome}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--planted", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "old.csv"
        _write_csv(source, args.rows, args.planted)
        store = Store.open(str(Path(folder) / "clinic.db"))
        upgrade(store)
        admin = Actor(None, "bench", "admin")

        def run(apply: bool) -> str:
            report = import_patients(store, admin, source, {}, apply=apply, now=NOW,
                                     today=NOW.date(), region="US")  # fmt: skip
            return (f"added {report.added}, skipped {len(report.skipped)}, "
                    f"rejected {len(report.rejected)}")  # fmt: skip

        _timed("dry run", args.rows, lambda: run(False))
        ours = _timed("--apply", args.rows, lambda: run(True))
        _timed("--apply again (adds nobody)", args.rows, lambda: run(True))
        store.dispose()
        raw = _raw_insert(Path(folder) / "raw.db", source)
        print(f"raw sqlite3 insert (no checks)     {raw:7.1f} s; --apply takes "
              f"{ours / raw:.0f}x as long; target: {args.rows:,} rows in 60 s")  # fmt: skip


def _raw_insert(path: Path, source: Path) -> float:
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE patient (id INTEGER PRIMARY KEY, mrn TEXT UNIQUE, "
                       "last TEXT, first TEXT, dob TEXT, sex TEXT, phone TEXT)")  # fmt: skip
    began = time.perf_counter()
    with source.open(encoding="utf-8") as rows:
        reader = csv.reader(rows)
        next(reader)
        connection.executemany(
            "INSERT INTO patient (mrn, last, first, dob, sex, phone) VALUES (?, ?, ?, ?, ?, ?)",
            reader,
        )
    connection.commit()
    seconds = time.perf_counter() - began
    connection.close()
    return seconds


if __name__ == "__main__":
    main()
