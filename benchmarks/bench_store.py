"""What the benchmarks that time a big clinic share: a store seeded by the real commands in
a temporary home (not timed), and the median of repeated runs."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

SCHEDTUI = [sys.executable, "-m", "schedtui"]


def seeded(home: Path, patients: int) -> Path:
    """A clinic store in `home` seeded with `patients` synthetic patients (seed 7)."""
    env = {**os.environ, "HOME": str(home), "XDG_DATA_HOME": str(home / "data")}
    env |= {"XDG_CONFIG_HOME": str(home / "config")}
    db = home / "clinic.db"
    for step in (["init", "--db", str(db)],
                 ["seed", "--patients", str(patients), "--seed", "7", "--not-a-real-clinic",
                  "--db", str(db)]):  # fmt: skip
        subprocess.run([*SCHEDTUI, *step], env=env, check=True, capture_output=True)
    return db


def median(runs: int, measure: Callable[[], object]) -> float:
    """The median wall time (seconds) of `runs` calls of `measure`."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        measure()
        times.append(time.perf_counter() - started)
    return statistics.median(times)
