"""The calendar grid on a busy clinic: building a day and redrawing it in the TUI.

    python benchmarks/calendar_grid.py [--providers 30] [--patients 20000]

(Not calendar.py: run as a script, that name would hide the standard library's calendar.)

Seeds a temporary clinic, then times: the grid of a day built from the store (30 days);
in a headless TUI at 200x60, moving the cursor one cell (200 moves) and changing day
(30 changes, from the key to the new day drawn). Target: median redraw under 50 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from schedtui.app import SchedApp, create_app
from schedtui.core.access import Actor
from schedtui.core.clock import FrozenClock
from schedtui.core.day_grid import day_grid
from schedtui.core.session import SessionStart
from schedtui.data.migrate import upgrade
from schedtui.data.seed import seed_store
from schedtui.data.store import Store
from schedtui.screens.calendar import CalendarScreen
from schedtui.settings import load_settings

NOW = datetime(2026, 11, 30, 14, tzinfo=UTC)  # a Monday, 9:00 in New York


def _summary(label: str, timings: list[float]) -> str:
    timings = sorted(timings)
    return (
        f"{label:<34} n={len(timings):<4} median {statistics.median(timings):6.1f} ms   "
        f"p95 {timings[int(len(timings) * 0.95)]:6.1f} ms   max {timings[-1]:6.1f} ms"
    )


def _builds(store: Store) -> list[float]:
    timings = []
    with store.read() as session:
        for offset in range(30):
            began = time.perf_counter()
            grid = day_grid(session, (NOW + timedelta(days=offset)).date(), zoom=15)
            timings.append((time.perf_counter() - began) * 1000)
    print(f"a day: {len(grid.columns)} providers x {len(grid.rows)} rows")
    return timings


async def _redraws(app: SchedApp) -> tuple[list[float], list[float], list[float]]:
    idle: list[float] = []
    moves, days = [], []
    async with app.run_test(size=(200, 60)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("f10")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, CalendarScreen)
        for _ in range(50):  # the harness itself: a key nothing is bound to
            began = time.perf_counter()
            await pilot.press("z")
            await pilot.pause()
            idle.append((time.perf_counter() - began) * 1000)
        for step in range(200):
            began = time.perf_counter()
            await pilot.press("j" if step % 40 < 20 else "k")
            await pilot.pause()
            moves.append((time.perf_counter() - began) * 1000)
        for _ in range(30):
            began = time.perf_counter()
            await pilot.press("right_square_bracket")
            await app.workers.wait_for_complete()
            await pilot.pause()
            days.append((time.perf_counter() - began) * 1000)
    return idle, moves, days


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--providers", type=int, default=30)
    parser.add_argument("--patients", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(str(Path(folder) / "calendar.db"))
        upgrade(store)
        seed_store(store, patients=args.patients, seed=3, now=NOW, providers=args.providers)
        print(_summary("grid of a day from the store", _builds(store)))
        actor = Actor(None, "bench", "supervisor")
        app = create_app(
            load_settings(clinic_name="Benchmark Clinic"),
            store,
            FrozenClock(NOW),
            start=SessionStart(actor, False, "bench"),
        )
        idle, moves, days = asyncio.run(_redraws(app))
        print(_summary("TUI: an unbound key (harness cost)", idle))
        print(_summary("TUI: cursor moves one cell", moves))
        print(_summary("TUI: next day, key to drawn", days))
        verdict = "OK" if statistics.median(moves + days) < 50 else "TOO SLOW"
        print(f"redraw median {verdict} (target < 50 ms)")
        store.dispose()


if __name__ == "__main__":
    main()
