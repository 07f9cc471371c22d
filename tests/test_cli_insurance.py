"""`payers list`, `coverage add|show`, `auth list|update` from the shell."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from schedtui.core.upkeep.stores import open_store
from schedtui.data import models as m
from tests.builders import NOW, build_tiny_clinic
from tests.cli_helpers import as_os, link_first_admin
from tests.cli_helpers import run_and_read as _cli


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> str:
    path = tmp_path / "clinic.db"
    store = open_store(str(path), now=NOW).store
    clinic = build_tiny_clinic(store)
    with store.write() as session:
        payer = m.Payer(name="Bluebird Health Plan", x12_payer_id="BBHP01")
        session.add(payer)
        session.flush()
        session.add(m.ProviderPayer(provider_id=clinic.okafor, payer_id=payer.id or 0))
        session.add(
            m.PriorAuthorization(
                patient_id=clinic.patients["ann"],
                appointment_type_id=clinic.follow_up,
                status="submitted",
                follow_up_on=date(2000, 1, 1),
                updated_at=NOW,
            )
        )
    store.dispose()
    link_first_admin(str(path), monkeypatch, capsys)
    return str(path)


def test_coverage_add_then_show_with_the_checklist(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    assert _cli(capsys, "payers", "list", "--db", db)[1].startswith("BBHP01")
    code, out, err = _cli(
        capsys,
        "coverage",
        "add",
        "--patient",
        "MRN0001",
        "--payer",
        "BBHP01",
        "--member",
        "B123",
        "--from",
        "2025-01-01",
        "--copay",
        "25",
        "--db",
        db,
    )
    assert code == 0, err
    code, out, _ = _cli(
        capsys,
        "coverage",
        "show",
        "MRN0001",
        "--type",
        "FU",
        "--provider",
        "1",
        "--date",
        "2026-03-20",
        "--json",
        "--db",
        db,
    )
    shown = json.loads(out)
    assert shown["coverages"][0]["member_id"] == "B123"
    assert {line["topic"]: line["mark"] for line in shown["checklist"]}["Network"] == "✓"
    assert (
        shown["estimate"]
        == "Estimate: $25.00 copay at the visit; the payer decides the final amount."
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--payer", "NOPE"], "no payer with X12 id 'NOPE'"),
        (["--copay", "lots"], "Copay 'lots' is not an amount"),
        (["--patient", "X9"], "no patient with MRN 'X9'"),
    ],
)
def test_bad_coverage_exits_2(
    capsys: pytest.CaptureFixture[str], db: str, argv: list[str], message: str
) -> None:
    base = {"--patient": "MRN0001", "--payer": "BBHP01", "--member": "B1"}
    base.update(dict(zip(argv[::2], argv[1::2], strict=True)))
    code, _, err = _cli(
        capsys, "coverage", "add", *[x for p in base.items() for x in p], "--db", db
    )
    assert code == 2 and message in err


def test_authorization_worklist(capsys: pytest.CaptureFixture[str], db: str) -> None:
    code, out, _ = _cli(capsys, "auth", "list", "--db", db)
    assert code == 0 and "OVERDUE submitted" in out
    code, _, err = _cli(capsys, "auth", "update", "1", "--status", "granted", "--db", db)
    assert code == 2 and "Status 'granted' is not one of" in err
    code, _, _ = _cli(
        capsys,
        "auth",
        "update",
        "1",
        "--status",
        "approved",
        "--number",
        "A9",
        "--units",
        "3",
        "--from",
        "2026-03-01",
        "--to",
        "2026-06-30",
        "--db",
        db,
    )
    assert code == 0
    [row] = json.loads(_cli(capsys, "auth", "list", "--json", "--db", db)[1])
    assert (row["status"], row["auth_number"], row["approved_units"], row["overdue"]) == (
        "approved",
        "A9",
        3,
        False,
    )


def test_supervisors_edit_payers_networks_and_rules(
    capsys: pytest.CaptureFixture[str], db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = _cli(
        capsys, "payers", "add", "--name", "Lakeside Mutual", "--x12", "LKM05", "--db", db
    )
    assert code == 0, err
    code, _, err = _cli(capsys, "payers", "add", "--name", "Again", "--x12", "LKM05", "--db", db)
    assert code == 2 and "already a payer with X12 id 'LKM05'" in err
    assert (
        _cli(capsys, "payers", "network", "LKM05", "--provider", "1", "--out", "--db", db)[0] == 0
    )
    assert (
        _cli(capsys, "payers", "rule", "LKM05", "--type", "FU", "--prior-auth", "--db", db)[0] == 0
    )
    code, _, err = _cli(capsys, "payers", "rule", "LKM05", "--type", "FU", "--db", db)
    assert code == 2 and "needs --prior-auth, --referral or --visit-limit" in err
    fee = ["payers", "fee", "LKM05", "--cpt", "99213"]
    code, out, err = _cli(capsys, *fee, "--allowed", "150.00", "--db", db)
    assert code == 0 and out.strip() == "LKM05 allows 150.00 for CPT 99213.", err
    code, _, err = _cli(capsys, *fee, "--allowed", "1.005", "--db", db)
    assert code == 2 and "dollars and cents" in err
    _cli(
        capsys,
        "users",
        "add",
        "sam",
        "--role",
        "scheduler",
        "--os-account",
        "sam_os",
        "--no-password",
        "--db",
        db,
    )
    as_os(monkeypatch, "sam_os")
    code, _, err = _cli(capsys, "payers", "add", "--name", "X", "--x12", "X1", "--db", db)
    assert code == 2 and "payers.manage" in err
