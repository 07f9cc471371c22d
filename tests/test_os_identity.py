"""Who a command or the TUI acts as comes from the process's real uid, never the environment.

Regression tests for a command run with `LOGNAME=sup1os` acting as the supervisor linked
to `sup1os`.
"""

from __future__ import annotations

import os
import pwd
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from schedtui.core.security import os_identity
from schedtui.core.security.session import start_session
from schedtui.core.support.clock import FrozenClock
from schedtui.settings import load_settings
from tests.builders import NOW
from tests.cli_helpers import link_first_admin

IMPERSONATED = "sup1os"
SPOOFED = {"LOGNAME": IMPERSONATED, "USER": IMPERSONATED, "SUDO_USER": IMPERSONATED}


def test_the_os_login_is_the_real_uids_name_whatever_the_environment_says(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in {**SPOOFED, "LNAME": IMPERSONATED, "USERNAME": IMPERSONATED}.items():
        monkeypatch.setenv(name, value)
    assert os_identity.current_os_login() == pwd.getpwuid(os.getuid()).pw_name


def test_a_command_with_a_spoofed_logname_does_not_act_as_that_account(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "clinic.db"
    link_first_admin(str(store), monkeypatch, capsys, login=IMPERSONATED)
    real = pwd.getpwuid(os.getuid()).pw_name
    result = subprocess.run(
        [sys.executable, "-m", "schedtui", "audit", "verify", "--db", str(store)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **SPOOFED},
    )
    assert result.returncode == 2, result.stdout
    assert f"The OS account '{real}' is not linked" in result.stderr
    with sqlite3.connect(store) as db:
        last = db.execute("SELECT action, username FROM audit_event ORDER BY id DESC").fetchone()
    assert last == ("login-failed", real)


def test_the_tui_does_not_sign_in_the_account_the_environment_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from schedtui.core.upkeep.stores import open_store

    path = tmp_path / "clinic.db"
    real_lookup = os_identity.current_os_login
    link_first_admin(str(path), monkeypatch, capsys, login=IMPERSONATED)
    monkeypatch.setattr(os_identity, "current_os_login", real_lookup)
    for name, value in SPOOFED.items():
        monkeypatch.setenv(name, value)
    store = open_store(str(path), now=NOW).store
    settings = load_settings(trust_os_accounts=True)
    start = start_session(store, settings, FrozenClock(NOW), sandbox=False)
    assert start.actor is None and start.os_login == pwd.getpwuid(os.getuid()).pw_name
