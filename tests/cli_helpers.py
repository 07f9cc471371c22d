"""Running commands as an OS account, the way schedtui knows who runs it."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from schedtui.cli import run

PASSWORD = "correct-horse-1"


def as_os(monkeypatch: pytest.MonkeyPatch, login: str) -> None:
    """The next commands (in this process) run as this OS account: schedtui reads the
    account from the real uid, so the test stands in for that lookup."""
    monkeypatch.setattr("schedtui.core.security.os_identity.current_os_login", lambda: login)


def run_and_read(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run a command in this process: its exit code, stdout and stderr."""
    code = run(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def link_first_admin(
    db: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    login: str = "amy_os",
) -> None:
    """Create the store (if new) and its first admin, linked to (and running as) `login`."""
    as_os(monkeypatch, login)
    if not Path(db).exists():
        assert run(["init", "--db", db]) == 0, capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    code = run(
        [
            "users",
            "add",
            "amy",
            "--role",
            "admin",
            "--os-account",
            login,
            "--password-stdin",
            "--db",
            db,
        ]
    )
    assert code == 0, capsys.readouterr().err
    capsys.readouterr()


def seeded_clinic_for_commands(
    seeded_file: Path,
    folder: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Path:
    """A private copy of the seeded clinic whose admin is the OS account running the
    commands, with the commands' clock frozen at the seed's "now"."""
    from schedtui.core.support.clock import FrozenClock
    from tests.conftest import SEED_NOW

    path = folder / "clinic.db"
    shutil.copyfile(seeded_file, path)
    monkeypatch.setattr("schedtui.cli.SystemClock", lambda: FrozenClock(SEED_NOW))
    link_first_admin(str(path), monkeypatch, capsys)
    return path


def first_mrn(db: str) -> str:
    """The MRN of the store's first patient."""
    from sqlmodel import col, select

    from schedtui.core.upkeep.stores import open_store
    from schedtui.data import models as m
    from tests.builders import NOW

    store = open_store(db, now=NOW).store
    with store.read() as session:
        mrn = session.exec(select(m.Patient.mrn).order_by(col(m.Patient.id))).first()
    store.dispose()
    assert mrn is not None, "the store has no patient"
    return mrn
