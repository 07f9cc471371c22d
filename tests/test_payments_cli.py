"""`schedtui payments ...` as scripts rely on it: take, list, void, refund, receipt and the
day's close, with JSON in integer cents, and one plain sentence for bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli_helpers import first_mrn, run_and_read, seeded_clinic_for_commands


@pytest.fixture
def db(
    seeded_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> str:
    return str(seeded_clinic_for_commands(seeded_file, tmp_path, monkeypatch, capsys))


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
