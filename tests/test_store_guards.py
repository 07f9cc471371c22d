"""What stops a command from making, filling or wiping a store by mistake: a mistyped
--db is not a new clinic, a device or pipe is never opened, seeding needs an admin (or
a store that says it is not real), and a restore cannot leave the clinic empty-handed.

Regression tests for `--db` typos creating empty stores, `--db /dev/zero` hanging,
`seed` needing no user, and a restore of an empty store wiping the clinic and its admins.
"""

from __future__ import annotations

import io
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from schedtui.cli import run
from schedtui.core.upkeep.stores import open_store
from tests.cli_helpers import PASSWORD, as_os, link_first_admin
from tests.conftest import SEED_NOW


def _err(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    return err


@pytest.mark.parametrize(
    "argv",
    [
        ["users", "list"],
        ["patients", "find", "smith"],
        ["db", "upgrade"],
        ["users", "add", "eve", "--role", "admin", "--password-stdin"],
        ["seed", "--not-a-real-clinic", "--patients", "5"],
    ],
)
def test_a_store_that_does_not_exist_is_not_created(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    typo = tmp_path / "clinci.db"
    assert run([*argv, "--db", str(typo)]) == 2
    assert "There is no store at" in _err(capsys)
    assert not typo.exists()


@pytest.mark.parametrize("target", ["/dev/zero", "/dev/null", "fifo"])
def test_a_device_or_pipe_is_never_opened_as_a_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], target: str
) -> None:
    if target == "fifo":
        target = str(tmp_path / "pipe")
        os.mkfifo(target)
    assert run(["init", "--db", target]) == 2
    assert "not an ordinary file" in _err(capsys)


def test_a_nul_in_a_store_path_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    """Regression test: the CLI fuzz found `init --db 'nul\\x00here'` exiting 1."""
    assert run(["init", "--db", "nul\x00here"]) == 2
    assert "control characters" in _err(capsys)


def test_a_name_too_long_for_the_file_system_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["init", "--db", str(tmp_path / ("x" * 300))]) == 2
    assert "name too long" in _err(capsys).lower()


def test_seeding_a_store_with_no_admin_needs_to_be_told_it_is_not_real(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "clinic.db")
    assert run(["init", "--db", db]) == 0
    capsys.readouterr()
    assert run(["seed", "--patients", "5", "--db", db]) == 2
    assert "--not-a-real-clinic" in _err(capsys)
    assert run(["seed", "--patients", "5", "--not-a-real-clinic", "--db", db]) == 0
    with sqlite3.connect(db) as connection:
        seeded = connection.execute(
            "SELECT username FROM audit_event WHERE detail_json LIKE '%seeded%'"
        ).fetchall()
    assert seeded == [("(no admin yet)",)]


def test_only_an_admin_seeds_a_clinic_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "clinic.db")
    link_first_admin(db, monkeypatch, capsys)
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    add = ["users", "add", "ava", "--role", "scheduler", "--os-account", "ava_os"]
    assert run([*add, "--password-stdin", "--db", db]) == 0
    as_os(monkeypatch, "ava_os")
    capsys.readouterr()
    assert run(["seed", "--patients", "5", "--db", db]) == 2
    assert "fill the store with a synthetic clinic" in _err(capsys)
    as_os(monkeypatch, "amy_os")
    assert run(["seed", "--patients", "5", "--db", db]) == 0
    with sqlite3.connect(db) as connection:
        (seeded,) = connection.execute(
            "SELECT username FROM audit_event WHERE detail_json LIKE '%seeded%'"
        ).fetchone()
    assert seeded == "amy"


@pytest.fixture
def clinic(
    seeded_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> str:  # fmt: skip
    path = tmp_path / "clinic.db"
    shutil.copyfile(seeded_file, path)
    link_first_admin(str(path), monkeypatch, capsys)
    return str(path)


def _count(db: str, table: str) -> int:
    with sqlite3.connect(db) as connection:
        return int(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def test_restoring_a_store_without_an_admin_is_refused_and_changes_nothing(
    clinic: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty.db"
    open_store(str(empty), now=SEED_NOW).store.dispose()
    patients, users = _count(clinic, "patient"), _count(clinic, "app_user")
    assert run(["restore", str(empty), "--confirm", "--db", clinic]) == 2
    assert "has no active admin" in _err(capsys)
    assert (_count(clinic, "patient"), _count(clinic, "app_user")) == (patients, users)


def test_a_restore_says_what_it_would_change_and_waits_for_confirm(
    clinic: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    backup = tmp_path / "monday.db"
    assert run(["backup", str(backup), "--db", clinic]) == 0
    with sqlite3.connect(clinic) as connection:
        connection.execute("UPDATE patient SET last_name = 'Changed' WHERE id = 1")
    capsys.readouterr()
    assert run(["restore", str(backup), "--db", clinic]) == 3
    out = capsys.readouterr().out
    patients = _count(clinic, "patient")
    assert f"patients: {patients:,} -> {patients:,}" in out and "active admins: 1 -> 1" in out
    assert run(["restore", str(backup), "--confirm", "--db", clinic]) == 0
    with sqlite3.connect(clinic) as connection:
        (name,) = connection.execute("SELECT last_name FROM patient WHERE id = 1").fetchone()
        rows = connection.execute(
            "SELECT user_id, username FROM audit_event WHERE detail_json LIKE '%restored_from%'"
        ).fetchall()
    assert name != "Changed"
    assert rows == [(None, "amy")]  # in the restored store, named but not linked
    copies = list(tmp_path.glob("clinic.db.before-restore.*.bak"))
    with sqlite3.connect(copies[0]) as connection:
        before = connection.execute(
            "SELECT count(*) FROM audit_event WHERE detail_json LIKE '%restored_from%'"
        ).fetchone()[0]
    assert before == 1  # and in the store as it was


def test_an_encrypted_backup_given_to_a_plain_store_is_called_encrypted(
    clinic: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scrambled = tmp_path / "encrypted.db"
    scrambled.write_bytes(os.urandom(8192))
    assert run(["restore", str(scrambled), "--db", clinic]) == 2
    assert "either an encrypted backup" in _err(capsys)
