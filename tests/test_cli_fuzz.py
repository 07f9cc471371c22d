"""Hostile input to every command: each exits 0, 2 (one clear line) or 3 (a preview),
never 1 (a fault), never hangs, never prints a traceback or a raw control character.

Every leaf command of the CLI gets plausible values for what it needs, then one of its
options or arguments at a time gets a hostile value: empty, huge, NUL, terminal escapes,
SQL-looking text, out-of-range numbers and dates, a folder, a pipe, a missing or
over-long path (all inside the test's own folder: never a system path). The suite runs a
fixed sample of those cases; SCHEDTUI_FUZZ_RUNS=0 runs them all.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

import pytest
import typer.main

from schedtui.cli import app, run
from tests.cli_helpers import seeded_clinic_for_commands

#: Commands that start the TUI: not for a fuzz on stdin-less runs.
NOT_FUZZED = {"call"}
HANG_SECONDS = 20
SAMPLE = 70
#: Read when the module loads (the tests' isolated home drops SCHEDTUI_* variables).
RUNS = int(os.environ.get("SCHEDTUI_FUZZ_RUNS", SAMPLE))


class Hung(BaseException):
    """A command ran past HANG_SECONDS."""


@dataclass(frozen=True)
class Case:
    """One run: the command's words, and the argv with one hostile value in it."""

    command: str
    argv: tuple[str, ...]


def _leaves(command: object, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, object]]:
    children: dict[str, object] | None = getattr(command, "commands", None)
    if not children:
        yield " ".join(prefix), command
        return
    for name, child in children.items():
        yield from _leaves(child, (*prefix, name))


def _hostile(folder: Path) -> list[str]:
    pipe = folder / "pipe"
    if not pipe.exists():
        os.mkfifo(pipe)
    (folder / "a-folder").mkdir(exist_ok=True)
    return [
        "",
        "x" * 5000,
        "nul\x00here",
        "\x1b]0;owned\x07\x1b[2J",
        "line one\nline two",
        "'; DROP TABLE patient;--",
        "99999999999999999999",
        "-1",
        "0",
        "NaN",
        "0001-01-01",
        "9999-12-31T23:59",
        str(folder / "a-folder"),
        str(pipe),
        str(folder / "missing" / "x.db"),
        str(folder / ("n" * 300)),
    ]


def _plausible(name: str, mrn: str) -> str:
    """A value that lets a command get past its first checks."""
    by_name = {
        "patient": mrn, "mrn": mrn, "provider": "1", "site": "1", "type_code": "FU",
        "start": "2026-12-01T09:00-05:00", "end": "2026-12-01T10:00-05:00", "day": "2026-12-01",
        "first": "2026-12-24", "name": "Fuzz day", "kind": "meeting", "role": "scheduler",
        "username": "fuzz.user", "query": "smith", "text": "A note", "slot": "1@2026-12-01T09:00",
        "appointment_id": "1", "auth_id": "1", "template_id": "1", "closure_id": "1",
        "new_role": "scheduler", "status": "arrived", "payer": "P1", "member": "M1",
        "x12": "P1", "cpt": "99213", "allowed": "150.00", "days": "mon", "path": "x",
        "list_name": "Fuzz",
    }  # fmt: skip
    return by_name.get(name, "1")


def _param_names(command: object) -> list[tuple[str, str | None, bool]]:
    """(name, the option's flag or None for an argument, required) of each parameter."""
    found = []
    for param in getattr(command, "params", []):
        flags = [o for o in getattr(param, "opts", []) if o.startswith("--")]
        if param.name in ("db", "as_json", "help"):
            continue
        is_flag = bool(getattr(param, "is_flag", False))
        if is_flag:
            continue
        found.append((param.name, flags[0] if flags else None, bool(param.required)))
    return found


def _cases(folder: Path, mrn: str) -> list[Case]:
    cases = []
    hostile = _hostile(folder)
    for name, command in _leaves(typer.main.get_command(app)):
        if name in NOT_FUZZED:
            continue
        params = _param_names(command)
        for target, _, _ in [*params, ("db", "--db", False)]:
            for value in hostile:
                argv = [*name.split()]
                for param, flag, required in params:
                    chosen = value if param == target else _plausible(param, mrn)
                    if param != target and not required:
                        continue
                    argv += [flag, chosen] if flag else [chosen]
                if target == "db":
                    argv += ["--db", value]
                cases.append(Case(name, tuple(argv)))
    return cases


@pytest.fixture
def clinic(
    seeded_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> tuple[str, str]:
    path = seeded_clinic_for_commands(seeded_file, tmp_path, monkeypatch, capsys)
    monkeypatch.setenv("SCHEDTUI_ELIGIBILITY_DIR", str(tmp_path / "x12"))
    monkeypatch.setenv("SCHEDTUI_AUDIT_CHECKPOINTS", str(tmp_path / "checkpoints"))
    with sqlite3.connect(path) as db:
        (mrn,) = db.execute("SELECT mrn FROM patient ORDER BY id LIMIT 1").fetchone()
    return str(path), mrn


def _alarm(_signal: int, _frame: FrameType | None) -> None:
    raise Hung()


def test_no_hostile_input_faults_hangs_or_escapes(
    clinic: tuple[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    db, mrn = clinic
    monkeypatch.chdir(tmp_path)  # a hostile relative path ("-1", "NaN") lands here, nowhere else
    cases = _cases(tmp_path, mrn)
    chosen = cases if RUNS == 0 else random.Random(20261130).sample(cases, min(RUNS, len(cases)))
    monkeypatch.setattr("sys.stdin", open(os.devnull))  # noqa: SIM115
    previous = signal.signal(signal.SIGALRM, _alarm)
    problems: list[str] = []
    try:
        for case in chosen:
            argv = [*case.argv] if "--db" in case.argv else [*case.argv, "--db", db]
            signal.alarm(HANG_SECONDS)
            try:
                code: int | str = run(argv)
            except Hung:
                code = "hung"
            finally:
                signal.alarm(0)
            out, err = capsys.readouterr()
            problem = _judge(code, out, err)
            if problem:
                problems.append(f"{problem}: {argv!r} -> {err.strip()[:200]!r}")
    finally:
        signal.signal(signal.SIGALRM, previous)
    assert problems == [], f"{len(problems)} of {len(chosen)} runs:\n" + "\n".join(problems[:40])


def _judge(code: int | str, out: str, err: str) -> str:
    if code == "hung":
        return "hung"
    if code not in (0, 2, 3):
        return f"exit {code}"
    if "Traceback" in out + err:
        return "traceback"
    if any(ch in out + err for ch in ("\x1b", "\x00", "\x07")):
        return "raw control character"
    errors = [line for line in err.splitlines() if line.startswith("schedtui:")]
    if code == 2 and (len(errors) != 1 or not err.splitlines()[-1].startswith("schedtui:")):
        return "not one line"  # notes ("read as ... time") may come before the one error
    return ""
