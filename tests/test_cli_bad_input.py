"""Each bad input the CLI fuzz found exits 2 with one line naming the value, and changes
nothing; stored text never reaches the terminal as control characters.

Regression tests for 91 runs that exited 1 (a fault) from nine causes, and for stored
names printed with their ESC bytes.
"""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import pytest

from schedtui.cli import run
from tests.cli_helpers import seeded_clinic_for_commands


@pytest.fixture
def clinic(
    seeded_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> str:
    path = seeded_clinic_for_commands(seeded_file, tmp_path, monkeypatch, capsys)
    return str(path)


def _one_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    errors = [line for line in err.splitlines() if line.startswith("schedtui:")]
    assert len(errors) == 1 and err.splitlines()[-1] == errors[0], err
    return errors[0]


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["appointments", "cancel", str(2**64), "--reason", "pat-fb"], "too large"),
        (["auth", "update", str(2**63), "--status", "approved"], "too large"),
        (["payers", "fee", "P1", "--cpt", "99213", "--allowed", "NaN"], "not an amount"),
        (["payers", "fee", "P1", "--cpt", "99213", "--allowed", "1e30"], "not an amount"),
        (["waitlist", "add", "--patient", "MRN", "--type", "TYPE", "--provider", "0"],
         "no active provider with id 0"),
        (["book", "--patient", "MRN", "--provider", "1", "--start", "0001-01-01T09:00-05:00",
          "--type", "FU"], "not a date between 1900 and 2199"),
        (["blocks", "add", "--provider", "1", "--start", "9999-12-31T23:00-05:00",
          "--end", "9999-12-31T23:30-05:00", "--kind", "admin"], "not a date between"),
        (["day", "--date", "next tuesday " * 70_000], "fewer than 60 characters"),
        (["backup", "n" * 300], "too long"),
        (["restore", "n" * 300], "too long"),
        (["eligibility", "ingest", "n" * 300], "too long"),
        (["eligibility", "request", "--patient", "MRN", "--out", ""], "not an ordinary file"),
        (["call", "--from", "\x1b]0;owned\x07\n+1617"], "is not a phone number"),
        (["coverage", "add", "--patient", "MRN", "--payer", "P1", "--member", "M\x1b[2J1"],
         "The member id: contains control characters"),
        (["auth", "update", "1", "--note", "line\nbreak"], "The note: contains control characters"),
        (["users", "add", "zed", "--role", "scheduler", "--name", "Z\x00",
          "--password-stdin"], "The display name: contains control characters"),
    ],
)  # fmt: skip
def test_bad_input_exits_2_with_one_line_and_changes_nothing(
    clinic: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    said: str,
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("correct-horse-1\n"))
    with sqlite3.connect(clinic) as db:
        (mrn,) = db.execute("SELECT mrn FROM patient ORDER BY id LIMIT 1").fetchone()
        (code,) = db.execute("SELECT code FROM appointment_type ORDER BY id LIMIT 1").fetchone()
        before = db.execute("SELECT count(*) FROM appointment").fetchone()
    argv = [{"MRN": mrn, "TYPE": code}.get(word, word) for word in argv]
    where = [] if argv[0] == "call" else ["--db", clinic]
    assert run([*argv, *where]) == 2
    line = _one_line(capsys)
    assert said in line and "\x1b" not in line and "\x00" not in line
    with sqlite3.connect(clinic) as db:
        assert db.execute("SELECT count(*) FROM appointment").fetchone() == before


def test_stored_names_reach_the_terminal_as_symbols(
    clinic: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with sqlite3.connect(clinic) as db:
        db.execute("UPDATE site SET name = 'North\x1b]0;owned\x07' WHERE id = 1")
        db.execute("UPDATE payer SET name = 'Plan\x1b[2J' WHERE id = 1")
        db.execute("UPDATE provider SET last_name = 'Doe\x1b[31m' WHERE id = 1")
        db.execute("UPDATE app_user SET display_name = 'Amy\x1b[5m'")
    for argv in (["sites", "list"], ["payers", "list"], ["providers", "list"], ["users", "list"]):
        assert run([*argv, "--db", clinic]) == 0
        out = capsys.readouterr().out
        assert "\x1b" not in out and "␛" in out, argv
