"""How long the program takes to start, beside a bare interpreter.

    python benchmarks/startup.py [--runs 7]

Times, as wall-clock medians of `--runs` runs in fresh processes: `python -c pass`;
`schedtui --version`; `schedtui patients search smith` (a whole command: imports,
settings, the store opened, the search, the audit row); and, when tmux is installed, the
TUI from the command to its first frame drawn in a terminal (from then on keys are
taken: they wait for the screen they were typed for) and to the call workspace with its
footer (signed in by the OS account, the store opened behind the first frame), beside
the smallest Textual app with an input and a footer. Each is run once first, not
counted, with bytecode written as an installed program has it. Everything runs in a
temporary home on a
store of `--patients` synthetic patients made there first (not timed), its admin linked
to this OS account. Targets: `--version` and `patients search` under 300 ms, the TUI
under 1 s.
"""

from __future__ import annotations

import argparse
import os
import pwd
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

SCHEDTUI = [sys.executable, "-m", "schedtui"]


def _timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, capture_output=True)
    return time.perf_counter() - started


#: The anchor for the TUI: the smallest Textual app with a footer, to its first screen.
MINIMAL_TEXTUAL = """
from textual.app import App
from textual.widgets import Footer, Input
class Minimal(App[None]):
    BINDINGS = [("f1", "help", "Help"), ("f4", "find", "Find")]
    def compose(self):
        yield Input()
        yield Footer()
Minimal().run()
"""


def _first_screen(
    env: dict[str, str], session: str, command: list[str], *, shows: tuple[str, ...]
) -> float:
    """From `command` typed in a terminal to a screen that shows all of `shows`."""
    tmux = ["tmux", "-L", session]  # a server of its own, started with this environment
    size = ["-x", "120", "-y", "40"]
    command_line = shlex.join(command)
    started = time.perf_counter()
    subprocess.run(
        [*tmux, "new-session", "-d", "-s", session, *size, command_line], env=env, check=True
    )
    try:
        while time.perf_counter() - started < 60:
            shown = subprocess.run(
                [*tmux, "capture-pane", "-p", "-t", session], capture_output=True, text=True
            ).stdout
            if all(text in shown for text in shows):
                return time.perf_counter() - started
            time.sleep(0.01)
        raise RuntimeError("the TUI did not show its first screen within 60 s")
    finally:
        subprocess.run([*tmux, "kill-server"], capture_output=True)


def _clinic(home: Path, patients: int) -> dict[str, str]:
    """A seeded clinic store in `home`, its admin this OS account; the environment that
    opens it (and trusts the OS account, so the TUI opens without a password)."""
    env = {**os.environ, "HOME": str(home), "XDG_DATA_HOME": str(home / "data")}
    env |= {"XDG_CONFIG_HOME": str(home / "config"), "SCHEDTUI_DB": str(home / "clinic.db")}
    env["SCHEDTUI_TRUST_OS_ACCOUNTS"] = "true"
    login = pwd.getpwuid(os.getuid()).pw_name
    steps = [
        ["init"],
        ["users", "add", "bench", "--role", "admin", "--os-account", login, "--password-stdin"],
        ["seed", "--patients", str(patients), "--seed", "7", "--not-a-real-clinic"],
    ]
    for step in steps:
        subprocess.run([*SCHEDTUI, *step], env=env, check=True, capture_output=True,
                       input="bench-password-1234\n", text=True)  # fmt: skip
    return env


def _median(runs: int, measure: Callable[[], float]) -> tuple[float, float]:
    measure()  # once first, not counted: the bytecode written, the files in the OS cache
    times = [measure() for _ in range(runs)]
    return statistics.median(times), max(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--patients", type=int, default=5000)
    arguments = parser.parse_args()
    runs = arguments.runs
    with tempfile.TemporaryDirectory() as home:
        env = _clinic(Path(home), arguments.patients)
        # as installed: the modules' bytecode written once and read after (a shell that
        # sets PYTHONDONTWRITEBYTECODE would time compiling the whole program each run)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        search = [*SCHEDTUI, "patients", "search", "smith"]
        rows: list[tuple[str, Callable[[], float]]] = [
            ("python -c pass", lambda: _timed([sys.executable, "-c", "pass"], env)),
            ("schedtui --version", lambda: _timed([*SCHEDTUI, "--version"], env)),
            ("schedtui patients search smith", lambda: _timed(search, env)),
        ]
        if shutil.which("tmux"):
            runs_so_far = iter(range(3 * (runs + 1)))  # a tmux server per run: one that is still

            # shutting down refuses the next run's client ("server exited unexpectedly")
            def first_screen(command: list[str], *shows: str) -> Callable[[], float]:
                return lambda: _first_screen(
                    env, f"startup-{os.getpid()}-{next(runs_so_far)}", command, shows=shows
                )

            minimal = [sys.executable, "-c", MINIMAL_TEXTUAL]
            rows.append(
                ("a minimal Textual app to its first screen", first_screen(minimal, "Find"))
            )
            rows.append(("TUI to its first frame (keys taken)", first_screen(SCHEDTUI, "Opening")))
            rows.append(("TUI to the call workspace", first_screen(SCHEDTUI, "Help", "Find")))
        else:
            print("(tmux is not installed: the TUI is not timed)")
        for label, measure in rows:
            median, worst = _median(runs, measure)
            print(f"{label:<44} median {median * 1000:7.0f} ms   worst {worst * 1000:7.0f} ms")


if __name__ == "__main__":
    main()
