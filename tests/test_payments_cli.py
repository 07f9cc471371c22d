"""`schedtui payments ...` as scripts rely on it: take, list, void, refund, receipt and the
day's close, with JSON in integer cents, and one plain sentence for bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli_helpers import first_mrn, run_and_read


@pytest.fixture
def db(command_db: str) -> str:
    return command_db


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> object:
    code, out, err = run_and_read(capsys, *argv, "--json")
    assert code == 0, err
    return json.loads(out)


def test_a_day_at_the_desk_from_the_command_line(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    mrn = first_mrn(db)
    cash = _json(capsys, "payments", "take", "--patient", mrn, "--amount", "25.00",
                 "--method", "cash", "--site", "DTN", "--db", db)  # fmt: skip
    card = _json(capsys, "payments", "take", "--patient", mrn, "--amount", "40",
                 "--method", "card", "--last4", "4242", "--site", "DTN", "--db", db)  # fmt: skip
    assert isinstance(cash, dict) and isinstance(card, dict)
    assert (cash["amount_cents"], cash["receipt_number"]) == (2500, 1)
    assert card["receipt_number"] == 2
    refunded = _json(capsys, "payments", "refund", str(card["id"]), "--amount", "15",
                     "--reason", "visit not covered as quoted", "--db", db)  # fmt: skip
    assert refunded == {"id": 1, "payment_id": card["id"], "kind": "refund",
                        "amount_cents": 1500, "left_cents": 2500}  # fmt: skip
    listed = _json(capsys, "payments", "list", "--date", "2026-11-27", "--db", db)
    assert isinstance(listed, list)
    assert [(row["amount_cents"], row["reversed_cents"]) for row in listed] == [
        (2500, 0),
        (4000, 1500),
    ]
    code, text, _ = run_and_read(capsys, "payments", "receipt", str(cash["id"]), "--db", db)
    assert code == 0 and "Receipt DTN-000001" in text and "Paid: $25.00 by cash" in text
    closed = _json(capsys, "payments", "close", "--date", "2026-11-27", "--site", "DTN",
                   "--counted-cash", "25.00", "--counted-checks", "0", "--db", db)  # fmt: skip
    assert isinstance(closed, dict)
    assert (closed["expected_cash_cents"], closed["expected_card_cents"]) == (2500, 2500)
    assert (closed["counted_cash_cents"], closed["difference_cents"]) == (2500, 0)
    code, _, err = run_and_read(capsys, "payments", "take", "--patient", mrn, "--amount", "5",
                                "--method", "cash", "--site", "DTN", "--db", db)  # fmt: skip
    assert code == 2 and "is closed for amy" in err


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["--amount", "0", "--method", "cash"], "must be more than zero"),
        (["--amount", "12.345", "--method", "cash"], "more than two decimals"),
        (["--amount", "5", "--method", "iou"], "method 'iou' is not one of"),
        (["--amount", "5", "--method", "card", "--last4", "4111111111111111"], "full card"),
    ],
)
def test_bad_input_is_one_sentence_and_writes_nothing(
    db: str, capsys: pytest.CaptureFixture[str], argv: list[str], named: str
) -> None:
    mrn = first_mrn(db)
    code, _, err = run_and_read(capsys, "payments", "take", "--patient", mrn, *argv,
                                "--site", "DTN", "--db", db)  # fmt: skip
    assert code == 2 and named in err and "Traceback" not in err
    assert "4111111111111111" not in err
    listed = _json(capsys, "payments", "list", "--date", "2026-11-27", "--db", db)
    assert listed == []


def test_the_days_closes_export_to_a_spreadsheet_that_adds_up(
    db: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A supervisor's export of the day's closes: money as numbers that add up to the
    cent, a total line, and a reason typed as a formula kept as text (never run)."""
    mrn = first_mrn(db)
    taken = (("25.00", "cash", []), ("30.10", "check", ["--reference", "1042"]),
             ("12.34", "card", ["--last4", "4242"]))  # fmt: skip
    for amount, method, extra in taken:
        _json(capsys, "payments", "take", "--patient", mrn, "--amount", amount, "--method",
              method, *extra, "--site", "DTN", "--db", db)  # fmt: skip
    reason = '=HYPERLINK("http://example.invalid","short")'
    _json(capsys, "payments", "close", "--date", "2026-11-27", "--site", "DTN", "--counted-cash",
          "20", "--counted-checks", "30.10", "--reason", reason, "--db", db)  # fmt: skip
    book_path, csv_path = tmp_path / "closes.xlsx", tmp_path / "closes.csv"
    for option, path in (("--xlsx", book_path), ("--csv", csv_path)):
        code, out, err = run_and_read(capsys, "payments", "closes", "--date", "2026-11-27",
                                      option, str(path), "--db", db)  # fmt: skip
        assert code == 0, err
        assert f"Wrote 1 closes of 11/27/2026 to {path}" in out
        assert path.stat().st_mode & 0o077 == 0  # the owner's alone
    from openpyxl import load_workbook

    sheet = load_workbook(book_path).active
    assert sheet is not None
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][:4] == ["day", "site", "user", "expected_cash"]
    assert rows[1][1:9] == ["DTN", "amy", 25, 30.1, 12.34, 20, 30.1, -5]
    assert rows[1][9] == reason and sheet.cell(row=2, column=10).data_type == "s"
    assert rows[2][2] == "Total" and rows[2][3:9] == rows[1][3:9]
    lines = csv_path.read_text().splitlines()
    assert lines[1].startswith("2026-11-27,DTN,amy,25.00,30.10,12.34,20.00,30.10,-5.00,")
    assert "'=HYPERLINK" in lines[1]
    assert lines[2].startswith("2026-11-27,,Total,25.00,30.10,12.34,20.00,30.10,-5.00,")


@pytest.mark.parametrize(
    ("files", "said"),
    [
        (["--csv", "closes.txt"], "name a .csv file"),
        (["--xlsx", "closes.csv"], "name a .xlsx file"),
        (["--csv", "a.csv", "--xlsx", "b.xlsx"], "not both"),
        (["--csv", "there.csv"], "already exists; add --force"),
        (["--xlsx", "no-such-folder/closes.xlsx"], "does not exist"),
    ],
)
def test_a_closes_export_refused_writes_nothing(
    db: str,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    files: list[str],
    said: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "there.csv").write_text("kept\n")

    def files_there() -> list[str]:  # beside the store's own (its -wal comes and goes)
        return sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("clinic.db"))

    before = files_there()
    code, _, err = run_and_read(capsys, "payments", "closes", *files, "--db", db)
    assert code == 2 and said in err and "Traceback" not in err
    assert files_there() == before
    assert (tmp_path / "there.csv").read_text() == "kept\n"


def test_a_receipt_is_e_mailed_only_where_the_patient_agreed(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    mrn = first_mrn(db)
    paid = _json(capsys, "payments", "take", "--patient", mrn, "--amount", "25", "--method",
                 "cash", "--site", "DTN", "--db", db)  # fmt: skip
    assert isinstance(paid, dict)
    receipt = ["payments", "receipt", str(paid["id"]), "--email", "--db", db]
    for step in (["patients", "edit", mrn, "--email", "pat.one@example.org"],
                 ["patients", "consent", mrn, "--email", "off"]):  # fmt: skip
        code, _, err = run_and_read(capsys, *step, "--db", db)
        assert code == 0, err
    code, _, err = run_and_read(capsys, *receipt)
    assert code == 2 and "has no e-mail address they agreed to" in err
    code, _, err = run_and_read(capsys, "patients", "consent", mrn, "--email", "on", "--db", db)
    assert code == 0, err
    code, out, err = run_and_read(capsys, *receipt)
    assert code == 0 and f"The receipt of payment {paid['id']} is in the outbox" in out, err
    code, _, err = run_and_read(capsys, *receipt)
    assert code == 2 and "in the outbox already" in err
    queued = _json(capsys, "messages", "list", "--patient", mrn, "--db", db)
    assert isinstance(queued, list)
    assert [row["kind"] for row in queued].count("receipt") == 1
