"""`schedtui users`, `audit` and `backup`/`restore` from the command line."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

import pytest

from schedtui.cli import run
from tests.cli_helpers import as_os

PASSWORD = "correct-horse-1"


@pytest.fixture
def store_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A new, empty store (only `init` creates one)."""
    path = tmp_path / "clinic.db"
    assert run(["init", "--db", str(path)]) == 0
    capsys.readouterr()
    return path


def _cli(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *argv: str, stdin: str = ""
) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = run(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def admin_store(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, store_path: Path
) -> Path:
    """A store whose first admin is linked to the OS account 'amy_os', which runs commands."""
    as_os(monkeypatch, "amy_os")
    code, out, err = _cli(
        capsys,
        monkeypatch,
        "users",
        "add",
        "amy.admin",
        "--role",
        "admin",
        "--os-account",
        "amy_os",
        "--password-stdin",
        "--db",
        str(store_path),
        stdin=PASSWORD + "\n",
    )
    assert code == 0, err
    assert "first admin" in out
    return store_path


def test_first_user_must_be_an_admin(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, store_path: Path
) -> None:
    code, _, err = _cli(
        capsys,
        monkeypatch,
        "users",
        "add",
        "bob",
        "--role",
        "scheduler",
        "--password-stdin",
        "--db",
        str(store_path),
        stdin=PASSWORD + "\n",
    )
    assert code == 2 and "no admin yet" in err


def test_admin_adds_lists_and_manages_users(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, admin_store: Path
) -> None:
    db = ("--db", str(admin_store))
    assert (
        _cli(
            capsys,
            monkeypatch,
            "users",
            "add",
            "ava.jensen",
            "--role",
            "scheduler",
            "--name",
            "Ava Jensen",
            "--password-stdin",
            *db,
            stdin=PASSWORD + "\n",
        )[0]
        == 0
    )
    assert _cli(capsys, monkeypatch, "users", "role", "ava.jensen", "supervisor", *db)[0] == 0
    assert _cli(capsys, monkeypatch, "users", "disable", "ava.jensen", *db)[0] == 0
    code, out, _ = _cli(capsys, monkeypatch, "users", "list", "--json", *db)
    assert code == 0
    listed = {user["username"]: user for user in json.loads(out)}
    assert listed["ava.jensen"]["role"] == "supervisor"
    assert listed["ava.jensen"]["active"] is False
    assert "password_hash" not in out and "argon2" not in out


def test_unlinked_os_account_is_refused_plainly(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, admin_store: Path
) -> None:
    as_os(monkeypatch, "mallory")
    code, _, err = _cli(capsys, monkeypatch, "users", "list", "--db", str(admin_store))
    assert code == 2 and "'mallory' is not linked to a schedtui user" in err


def test_scheduler_may_not_manage_users_and_is_told_why(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, admin_store: Path
) -> None:
    db = ("--db", str(admin_store))
    code, out, _ = _cli(
        capsys,
        monkeypatch,
        "users",
        "add",
        "ben",
        "--role",
        "scheduler",
        "--os-account",
        "ben_os",
        "--no-password",
        "--json",
        *db,
    )
    assert code == 0
    assert json.loads(out) == {"username": "ben", "role": "scheduler", "first_admin": False}
    as_os(monkeypatch, "ben_os")
    code, _, err = _cli(
        capsys, monkeypatch, "users", "add", "eve", "--role", "admin", "--no-password", *db
    )
    assert code == 2
    assert "ben (scheduler) may not manage users: that needs the 'users.manage' permission" in err


def test_audit_verify_and_show(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, admin_store: Path
) -> None:
    db = ("--db", str(admin_store))
    code, out, _ = _cli(capsys, monkeypatch, "audit", "verify", *db)
    assert code == 0 and out.startswith("Audit trail intact:")
    code, out, _ = _cli(capsys, monkeypatch, "audit", "show", "--user", "amy.admin", "--json", *db)
    shown = json.loads(out)
    assert code == 0 and {row["action"] for row in shown} >= {"create", "login"}
    raw = sqlite3.connect(admin_store, isolation_level=None)
    raw.execute("DROP TRIGGER audit_event_no_update")
    raw.execute("UPDATE audit_event SET username = 'nobody' WHERE id = 2")
    raw.close()
    code, _, err = _cli(capsys, monkeypatch, "audit", "verify", *db)
    assert code == 1 and "Audit trail BROKEN at row 2: altered after it was written" in err


def test_audit_show_groups_or_leaves_out_the_sign_ins(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, admin_store: Path
) -> None:
    """Every command signs in (one row each): in plain text a run of one user's sign-ins
    is one line; --no-logins leaves them out (JSON and CSV keep every row otherwise)."""
    db = ("--db", str(admin_store))
    for _ in range(3):
        assert _cli(capsys, monkeypatch, "users", "list", *db)[0] == 0
    code, plain, _ = _cli(capsys, monkeypatch, "audit", "show", *db)
    code2, out, _ = _cli(capsys, monkeypatch, "audit", "show", "--no-logins", "--json", *db)
    _, everything, _ = _cli(capsys, monkeypatch, "audit", "show", "--json", *db)
    assert code == code2 == 0
    runs = [line for line in plain.splitlines() if "| login x" in line]
    assert runs and runs[0].endswith("| amy.admin | login x4")  # 3 lists and this show
    assert "login" not in {row["action"] for row in json.loads(out)}
    logins = [row for row in json.loads(everything) if row["action"] == "login"]
    assert len(logins) >= 5


def test_audit_csv_neutralises_formulas(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, admin_store: Path
) -> None:
    db = ("--db", str(admin_store))
    _cli(
        capsys,
        monkeypatch,
        "users",
        "add",
        "x-evil",
        "--role",
        "scheduler",
        "--name",
        '=HYPERLINK("http://x")',
        "--no-password",
        *db,
    )
    code, out, _ = _cli(capsys, monkeypatch, "audit", "show", "--csv", *db)
    cells = [cell for row in csv.reader(io.StringIO(out)) for cell in row]
    assert code == 0
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)


def test_audit_show_rejects_a_bad_date(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, admin_store: Path
) -> None:
    code, _, err = _cli(
        capsys, monkeypatch, "audit", "show", "--from", "last week", "--db", str(admin_store)
    )
    assert code == 2 and "--from: 'last week' is not a day I can read" in err


def test_scheduler_cannot_read_the_audit(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, admin_store: Path
) -> None:
    db = ("--db", str(admin_store))
    _cli(
        capsys,
        monkeypatch,
        "users",
        "add",
        "ben",
        "--role",
        "scheduler",
        "--os-account",
        "ben_os",
        "--no-password",
        *db,
    )
    as_os(monkeypatch, "ben_os")
    code, _, err = _cli(capsys, monkeypatch, "audit", "show", *db)
    assert code == 2 and "audit.view" in err
