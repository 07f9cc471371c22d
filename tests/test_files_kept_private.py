"""Files schedtui leaves on disk: never readable by other accounts, never holding patient
data or secrets in the fault log, never half-written under a backup's name.

Regression tests for `init`, `backup` and the eligibility outbox creating `-rw-r--r--`
files, for faults logging the values of the failing row, and for a killed backup
leaving a half-written file (with a -journal) where the backup should be.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import random
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError

from schedtui.cli import run
from schedtui.core.upkeep.backup import inspect_backup
from tests.cli_helpers import link_first_admin

OTHERS = 0o007


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def clinic(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Path:
    path = tmp_path / "clinic.db"
    link_first_admin(str(path), monkeypatch, capsys)
    return path


def test_the_store_and_its_journal_files_are_for_owner_and_group_only(clinic: Path) -> None:
    assert _mode(clinic) == 0o660
    for suffix in ("-wal", "-shm"):
        companion = Path(f"{clinic}{suffix}")
        if companion.exists():
            assert _mode(companion) & OTHERS == 0, suffix


def test_backup_restore_and_their_copies_are_not_for_other_accounts(
    clinic: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    backup = tmp_path / "backup.db"
    assert run(["backup", str(backup), "--db", str(clinic)]) == 0
    assert _mode(backup) & OTHERS == 0
    assert run(["restore", str(backup), "--confirm", "--db", str(clinic)]) == 0
    copies = list(tmp_path.glob("clinic.db.before-restore.*.bak"))
    assert copies and all(_mode(copy) & OTHERS == 0 for copy in copies)
    assert not list(tmp_path.glob(".*partial*")) and not list(tmp_path.glob("backup.db-*"))


def test_a_store_folder_anyone_may_write_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    open_folder = tmp_path / "shared"
    open_folder.mkdir()
    open_folder.chmod(0o777)
    assert run(["init", "--db", str(open_folder / "clinic.db")]) == 2
    err = capsys.readouterr().err
    assert "writable by every account" in err and err.count("\n") == 1
    assert not list(open_folder.iterdir())


def test_a_fault_log_holds_no_value_of_the_failing_row(
    clinic: Path,
    isolated_home: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    secrets = ("Zelda Quintessa", "1961-07-04", "hunter2-password", "+16175550123")

    def failing(*_args: object, **_kwargs: object) -> None:
        raise IntegrityError(
            "INSERT INTO patient (first_name, dob, note) VALUES (?, ?, ?)",
            secrets,
            ValueError(f"UNIQUE constraint failed for {secrets[0]} {secrets[2]}"),
        )

    monkeypatch.setattr("schedtui.commands.patients.find_in_store", failing)
    assert run(["patients", "find", "Zelda", "--db", str(clinic)]) == 1
    err = capsys.readouterr().err
    log = isolated_home / "xdg_state_home" / "schedtui" / "log" / "faults.log"
    written = log.read_text()
    assert "sqlalchemy.exc.IntegrityError" in written and "faults.log" in err
    for secret in secrets:
        assert secret not in written and secret not in err
    assert _mode(log) == 0o600 and _mode(log.parent) & 0o077 == 0


def test_an_eligibility_file_is_for_owner_and_group_only(clinic: Path, tmp_path: Path) -> None:
    from schedtui.core.security.private_files import write_file

    written = write_file(tmp_path / "270.x12", "ISA*00~")
    assert _mode(written) == 0o660


def _backup_until_killed(store: Path, target: Path, after: float) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "schedtui", "backup", str(target), "--db", str(store)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _sleep_or_end(process, after)
    process.send_signal(signal.SIGKILL)
    process.wait()


def _sleep_or_end(process: subprocess.Popen[bytes], seconds: float) -> None:
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=seconds)


def test_a_backup_killed_at_any_moment_leaves_a_whole_audited_copy_or_none(
    seeded_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    store = tmp_path / "clinic.db"
    shutil.copyfile(seeded_file, store)
    link_first_admin(str(store), monkeypatch, capsys)
    me = pwd.getpwuid(os.getuid()).pw_name  # the subprocesses act as the real account
    with sqlite3.connect(store) as db:
        db.execute("UPDATE app_user SET os_account = ? WHERE username = 'amy'", (me,))
    started = time.monotonic()
    _backup_until_killed(store, tmp_path / "backup-whole.db", 600)  # ends by itself
    whole = time.monotonic() - started  # the copy happens near the end of that time
    chance = random.Random(20261130)
    for round_number in range(4):
        target = tmp_path / f"backup-{round_number}.db"
        _backup_until_killed(store, target, chance.uniform(0.5 * whole, 1.05 * whole))
        if target.exists():
            assert inspect_backup(target).kind == "clinic"
            with sqlite3.connect(store) as db:
                exported = db.execute(
                    "SELECT count(*) FROM audit_event WHERE action = 'export'"
                    " AND detail_json LIKE ?",
                    (f"%{target.name}%",),
                ).fetchone()[0]
            assert exported == 1, f"round {round_number}: a copy without its export row"
        assert not Path(f"{target}-journal").exists()
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith("backup-")]
    assert all(name.endswith(".db") for name in leftovers), leftovers


def test_checking_a_backup_leaves_nothing_beside_it(tmp_path: Path) -> None:
    """Regression test: checking a backup during restore left -wal and -shm beside it."""
    from schedtui.core.upkeep.stores import open_store
    from tests.conftest import SEED_NOW

    backup = tmp_path / "backup.db"
    open_store(str(backup), now=SEED_NOW).store.dispose()
    for suffix in ("-wal", "-shm"):
        Path(f"{backup}{suffix}").unlink(missing_ok=True)
    assert inspect_backup(backup).kind == "clinic"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backup.db"]


def test_an_upgrade_copy_is_written_whole_or_marked_partial(tmp_path: Path) -> None:
    """The copy made before an upgrade appears under its name only once complete."""
    from datetime import UTC, datetime

    from schedtui.core.upkeep.stores import open_store
    from schedtui.data import migrate

    path = tmp_path / "clinic.db"
    open_store(str(path), now=datetime(2026, 11, 30, tzinfo=UTC)).store.dispose()
    copy = migrate.copy_aside(path, "test", datetime(2026, 11, 30, tzinfo=UTC))
    assert copy.exists() and _mode(copy) & OTHERS == 0
    assert not [p.name for p in tmp_path.iterdir() if "partial" in p.name]
