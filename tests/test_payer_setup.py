"""Keeping the payer directory true from the command line: a payer's name, X12 id and
phone changed (checked, audited, on the feed), taken out of use so no new coverage
names it, and bad input refused with nothing written."""

from __future__ import annotations

import json
import sqlite3

import pytest

from tests.cli_helpers import first_mrn, run_and_read


def _payers(db: str) -> dict[str, tuple[str, str, int]]:
    with sqlite3.connect(db) as connection:
        rows = connection.execute("SELECT x12_payer_id, name, phone, active FROM payer")
        return {x12: (name, phone, active) for x12, name, phone, active in rows}


def _a_payer(db: str) -> str:
    return sorted(_payers(db))[0]


def test_a_payer_is_renamed_given_a_new_id_and_phone_then_taken_out_of_use(
    command_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    x12 = _a_payer(command_db)
    code, out, err = run_and_read(capsys, "payers", "edit", x12, "--name", "Harbor Health Plan",
                                  "--x12", "HHP77", "--phone", "(617) 555-0190", "--json",
                                  "--db", command_db)  # fmt: skip
    assert code == 0, err
    assert json.loads(out) == {"changed": ["name", "phone", "x12_payer_id"]}
    assert _payers(command_db)["HHP77"] == ("Harbor Health Plan", "+16175550190", 1)
    with sqlite3.connect(command_db) as connection:
        [(detail,)] = connection.execute(
            "SELECT detail_json FROM audit_event WHERE entity = 'payer' AND action = 'update'"
        ).fetchall()
        feed = connection.execute(
            "SELECT count(*) FROM domain_event WHERE kind = 'payer.changed'"
        ).fetchone()[0]
    assert json.loads(detail)["before"]["x12_payer_id"] == x12 and feed == 1
    code, _, err = run_and_read(capsys, "payers", "deactivate", "HHP77", "--db", command_db)
    assert code == 0, err
    code, _, err = run_and_read(capsys, "coverage", "add", "--patient", first_mrn(command_db),
                                "--payer",
                                "HHP77", "--member", "M123", "--from", "2026-01-01",
                                "--db", command_db)  # fmt: skip
    assert code == 2 and "out of use" in err
    listed = run_and_read(capsys, "payers", "list", "--json", "--db", command_db)[1]
    assert "HHP77" not in {row["x12_payer_id"] for row in json.loads(listed)}


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["--x12", "NOT VALID!"], "1 to 15 letters and digits"),
        (["--phone", "12"], "is not a valid number"),
        (["--name", "  "], "name is required"),
    ],
)
def test_a_payer_edit_that_does_not_fit_is_refused_and_changes_nothing(
    command_db: str, capsys: pytest.CaptureFixture[str], argv: list[str], said: str
) -> None:
    before = _payers(command_db)
    code, _, err = run_and_read(capsys, "payers", "edit", _a_payer(command_db), *argv,
                                "--db", command_db)  # fmt: skip
    assert code == 2 and said in err and "Traceback" not in err
    assert _payers(command_db) == before


def test_an_unknown_payer_or_a_taken_id_is_named(
    command_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = sorted(_payers(command_db))[:2]
    code, _, err = run_and_read(capsys, "payers", "edit", "NOPE9", "--name", "X",
                                "--db", command_db)  # fmt: skip
    assert code == 2 and "no payer with X12 id 'NOPE9'" in err
    code, _, err = run_and_read(capsys, "payers", "edit", first, "--x12", second,
                                "--db", command_db)  # fmt: skip
    assert code == 2 and f"already a payer with X12 id '{second}'" in err
