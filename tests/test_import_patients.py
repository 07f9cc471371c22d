"""Importing the old system's patients (issue 16, item 4): headers recognised or mapped,
every row checked by the registration rules, duplicates found in the store and in the
file, a dry run first, all or nothing on --apply, a rejects file listing exactly the rows
not added, and a second run adding nobody twice."""

from __future__ import annotations

import csv
import json
import os
import random
import sqlite3
from pathlib import Path

import pytest
from openpyxl import Workbook

from schedtui.core.patients.import_file import read_patient_file
from schedtui.core.support.errors import BadInput
from tests.cli_helpers import as_os, link_first_admin, run_and_read

HEADER = ["Chart #", "Last Name", "First Name", "Birth Date", "Gender", "Home Phone", "E-mail"]
FIRST = ["Lena", "Oren", "Maya", "Theo", "Iris", "Cyrus", "Nadia", "Felix", "Alma", "Rufus"]
LAST = ["Marsh", "Quill", "Vance", "Okoye", "Lindqvist", "Batra", "Serrano", "Holm"]


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> str:
    path = str(tmp_path / "clinic.db")
    link_first_admin(path, monkeypatch, capsys)
    return path


def _people(count: int, seed: int = 3) -> list[list[str]]:
    """Synthetic rows, each a different person (distinct birth dates and phones)."""
    rng = random.Random(seed)
    rows = []
    for n in range(count):
        year, month, day = 1940 + n % 60, 1 + n // 60 % 12, 1 + n // 720 % 28
        phone = (
            f"617-555-{n % 10_000:04d}" if n < 10_000 else f"(303) 55{n // 10_000}-{n % 10_000:04d}"
        )
        rows.append([f"OLD-{n}", rng.choice(LAST), rng.choice(FIRST),
                     f"{month}/{day}/{year}", rng.choice("MF"), phone, ""])  # fmt: skip
    return rows


def _csv(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _patients(db: str) -> int:
    with sqlite3.connect(db) as connection:
        return int(connection.execute("SELECT count(*) FROM patient").fetchone()[0])


def test_a_dry_run_then_apply_then_a_rerun_that_adds_nobody_twice(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = _people(40)
    planted = {  # line in the file -> what is wrong
        5: ("dob", "13/45/1980"),
        9: ("phone", "12"),
        14: ("first", ""),
    }
    for line, (what, value) in planted.items():
        rows[line - 2][{"dob": 3, "phone": 5, "first": 2}[what]] = value
    rows.append(list(rows[0]))  # the same person twice in one file
    rows[-1][0] = "OLD-twin"
    source = _csv(tmp_path / "old.csv", rows)
    code, out, err = run_and_read(capsys, "import", "patients", str(source), "--json", "--db", db)
    assert code == 0, err
    dry = json.loads(out)
    assert (dry["applied"], dry["rows"], dry["added"], dry["rejected"]) == (False, 41, 37, 4)
    assert _patients(db) == 0  # a dry run writes nothing
    rejects = tmp_path / "rejects.csv"
    code, out, err = run_and_read(capsys, "import", "patients", str(source), "--apply",
                                  "--rejects", str(rejects), "--json", "--db", db)  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["added"] == 37 and _patients(db) == 37
    with rejects.open(encoding="utf-8") as listed:
        lines = sorted(int(row["line"]) for row in csv.DictReader(listed))
    assert lines == [*sorted(planted), 42]  # exactly the planted rows and the twin
    code, out, err = run_and_read(capsys, "import", "patients", str(source), "--apply",
                                  "--json", "--db", db)  # fmt: skip
    again = json.loads(out)
    # the 37 are there now, and the twin with them (the same person as one of them)
    assert (again["added"], again["skipped"], _patients(db)) == (0, 38, 37)


def test_imported_patients_keep_their_mrn_and_are_found(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _csv(tmp_path / "old.csv", [["A-100", "Lindqvist", "Iris", "1961-03-04", "F",
                                          "617 555 0142", "iris@example.org"]])  # fmt: skip
    assert run_and_read(capsys, "import", "patients", str(source), "--apply", "--db", db)[0] == 0
    code, out, _ = run_and_read(capsys, "patients", "search", "lindqvist", "--db", db)
    assert code == 0 and "A-100" in out and "03/04/1961" in out


def test_a_workbook_with_its_own_headers_is_read_through_a_mapping(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Nom", "Prenom", "Naissance", "Tel"])
    sheet.append(["Vance", "Maya", "1990-05-06", "6175550100"])
    book.save(tmp_path / "old.xlsx")
    mapping = {"last_name": "Nom", "first_name": "Prenom", "dob": "Naissance", "phone": "Tel"}
    read = read_patient_file(tmp_path / "old.xlsx", mapping)
    assert read.rows == [["Vance", "Maya", "1990-05-06", "6175550100"]]
    assert read.columns == {"last_name": 0, "first_name": 1, "dob": 2, "phone": 3}


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        ("old.csv", b"\xff\xfeL\x00a\x00s\x00t\x00", "is not UTF-8"),
        ("old.csv", b"PK\x03\x04rest", "is a spreadsheet"),
        ("old.xlsx", b"Last,First\n", "not an .xlsx workbook"),
        ("old.txt", b"Last,First\n", "give a .csv"),
        ("old.csv", b"", "no header row"),
        ("old.csv", b"Surname,Given\nMarsh,Lena\n", "No column for dob, phone"),
    ],
)
def test_a_file_that_is_not_what_it_claims_is_refused_with_what_was_expected(
    db: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    content: bytes,
    said: str,
) -> None:
    source = tmp_path / name
    source.write_bytes(content)
    code, out, err = run_and_read(capsys, "import", "patients", str(source), "--apply", "--db", db)
    assert code == 2 and said in err and len(err.strip().splitlines()) == 1, (out, err)
    assert _patients(db) == 0


def test_a_bad_mapping_is_named(tmp_path: Path) -> None:
    source = _csv(tmp_path / "old.csv", [])
    with pytest.raises(BadInput, match="the fields are"):
        read_patient_file(source, {"birthday": "Birth Date"})
    with pytest.raises(BadInput, match="no such column"):
        read_patient_file(source, {"dob": "Born On"})


def test_only_supervisors_and_admins_import(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("correct-horse-2\n"))
    assert run_and_read(capsys, "users", "add", "sam", "--role", "scheduler", "--os-account",
                        "sam_os", "--password-stdin", "--db", db)[0] == 0  # fmt: skip
    as_os(monkeypatch, "sam_os")
    source = _csv(tmp_path / "old.csv", _people(3))
    code, _, err = run_and_read(capsys, "import", "patients", str(source), "--db", db)
    assert code != 0 and "set up sites, providers and visit types" in err
    assert _patients(db) == 0


def test_a_pipe_or_a_folder_is_refused_before_a_byte_is_read(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pipe = tmp_path / "old.csv"
    os.mkfifo(pipe)  # reading it would never end
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    for source in (pipe, folder, tmp_path / "missing.csv"):
        code, _, err = run_and_read(capsys, "import", "patients", str(source), "--db", db)
        assert code == 2 and ("not an ordinary file" in err or "no file" in err), err
