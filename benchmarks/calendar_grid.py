"""The calendar grid on a busy clinic: building a day and redrawing it in the TUI.

    python benchmarks/calendar_grid.py [--providers 30] [--patients 20000]

(Not calendar.py: run as a script, that name would hide the standard library's calendar.)

Seeds a temporary clinic, then times: the grid of a day built from the store (30 days);
in a headless TUI at 200x60, moving the cursor one cell (200 moves) and changing day
(30 to a day already read ahead, 30 to one that is not), each from the key sent to the first
frame that shows it, rendered to terminal text as a real terminal needs. Targets (idle):
a cursor move's median within a frame (16.7 ms), a day change's within 50 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from textual import events
from textual._compositor import CompositorUpdate

from schedtui.app import SchedApp, create_app
from schedtui.core.security.access import Actor
from schedtui.core.security.session import SessionStart
from schedtui.core.support.clock import FrozenClock
from schedtui.core.views.day_grid import day_grid
from schedtui.data.migrate import upgrade
from schedtui.data.seed import seed_store
from schedtui.data.store import Store
from schedtui.screens.calendar import CalendarScreen
from schedtui.settings import load_settings
from schedtui.widgets.calendar_grid import CalendarGrid

NOW = datetime(2026, 11, 30, 14, tzinfo=UTC)  # a Monday, 9:00 in New York


def _summary(label: str, timings: list[float]) -> str:
    timings = sorted(timings)
    return (
        f"{label:<38} n={len(timings):<4} median {statistics.median(timings):6.1f} ms   "
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


Shown = tuple[date | None, tuple[int, int]]


class FrameWatch:
    """Times each key from being sent to the first frame drawn that shows its effect.

    Every frame the app draws is also rendered to terminal text, as a real terminal
    would need, and stamped with what the grid showed: its day and cursor."""

    def __init__(self, app: SchedApp) -> None:
        self.app = app
        self.frames: list[tuple[float, Shown]] = []
        shown = app._display

        def display(screen: Any, renderable: Any) -> None:
            shown(screen, renderable)
            if isinstance(renderable, CompositorUpdate):
                "".join(renderable.render_segments(app.console))
                self.frames.append((time.perf_counter(), self.state()))

        app._display = display  # type: ignore[method-assign]

    def state(self) -> Shown:
        view = self.app.screen.query_one(CalendarGrid)
        return (view.grid.day if view.grid else None, view.cursor)

    async def key(self, key: str, shows: Callable[[Shown], bool]) -> float:
        """Milliseconds from `key` sent to the first frame for which `shows` holds."""
        began = time.perf_counter()
        driver = self.app._driver
        assert driver is not None
        event = events.Key(key, None)
        event.set_sender(self.app)
        driver.send_message(event)
        while time.perf_counter() - began < 10:
            drawn = [at for at, state in self.frames if at > began and shows(state)]
            if drawn:
                return (drawn[0] - began) * 1000
            await asyncio.sleep(0.0005)
        raise TimeoutError(f"{key} never showed")


def _on_day(day: date) -> Callable[[Shown], bool]:
    return lambda shown: shown[0] == day


async def _redraws(app: SchedApp) -> tuple[list[float], list[float], list[float]]:
    moves: list[float] = []
    days: list[float] = []
    cold: list[float] = []
    async with app.run_test(size=(200, 60)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("f10")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, CalendarScreen)
        watch = FrameWatch(app)
        for step in range(200):
            day, (row, column) = watch.state()
            down = step % 40 < 20
            after = (day, (row + (1 if down else -1), column))
            moves.append(await watch.key("j" if down else "k", after.__eq__))
            await pilot.pause()
        for step in range(60):
            if step % 2:
                app.screen.ahead.clear()
            day, _cursor = watch.state()
            assert day is not None
            following = day + timedelta(days=1)
            taken = await watch.key("right_square_bracket", _on_day(following))
            (cold if step % 2 else days).append(taken)
            await app.workers.wait_for_complete()
            await pilot.pause()
    return moves, days, cold


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
        moves, days, cold = asyncio.run(_redraws(app))
        print(_summary("TUI: cursor moves, key to frame", moves))
        print(_summary("TUI: next day (read ahead), to frame", days))
        print(_summary("TUI: next day (not read ahead)", cold))
        for label, timings, target in (
            ("cursor move", moves, 16.7),
            ("day change, read ahead", days, 50.0),
            ("day change, not read ahead", cold, 50.0),
        ):
            median = statistics.median(timings)
            verdict = "OK" if median <= target else "TOO SLOW"
            print(f"{label}: median {median:.1f} ms, {verdict} (target <= {target} ms)")
        store.dispose()


if __name__ == "__main__":
    main()
