"""Running commands as an OS account, the way schedtui knows who runs it."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from schedtui.cli import run

PASSWORD = "correct-horse-1"


def as_os(monkeypatch: pytest.MonkeyPatch, login: str) -> None:
    """The next commands (in this process) run as this OS account: schedtui reads the
    account from the real uid, so the test stands in for that lookup."""
    monkeypatch.setattr("schedtui.core.os_identity.current_os_login", lambda: login)


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
