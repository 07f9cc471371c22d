"""The command line: exit 0 on success, 2 with one plain line on bad input, 1 on a fault."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from schedtui import __version__
from schedtui.cli import run


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = run(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _one_line_error(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(capsys, "--version") == (0, f"schedtui {__version__}\n", "")


def test_python_dash_m_runs_the_same_program() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "schedtui", "--version"], capture_output=True, text=True, check=False
    )
    assert (result.returncode, result.stdout.strip()) == (0, f"schedtui {__version__}")


def test_init_creates_then_reopens_a_store(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "clinic.db"
    code, out, _ = _run(capsys, "init", "--db", str(path))
    assert code == 0 and out.startswith(f"Created the store at {path}")
    code, out, _ = _run(capsys, "--db", str(path), "init")
    assert code == 0 and out.startswith(f"Opened the store at {path}")


def test_schedtui_db_environment_variable_names_the_store(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "from-env.db"
    monkeypatch.setenv("SCHEDTUI_DB", str(path))
    assert _run(capsys, "init")[0] == 0
    assert path.exists()


def test_db_upgrade_reports_the_schema(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "clinic.db"
    code, _, err = _run(capsys, "db", "upgrade", "--db", str(path))
    assert code == 2 and "There is no store at" in err and not path.exists()
    assert _run(capsys, "init", "--db", str(path))[0] == 0
    code, out, _ = _run(capsys, "db", "upgrade", "--db", str(path))
    assert code == 0 and "already at schema" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["init", "--db", "/no/such/folder/x.db"], "The folder /no/such/folder does not exist"),
        (["init", "--db", "oracle://x/y"], "Unsupported database 'oracle'"),
        (["seed", "--patients", "0"], "--patients must be between 1 and"),
        (["seed", "--today", "someday"], "--today: 'someday' is not a day I can read"),
        (["seed", "--patients", "many"], "Invalid value for '--patients'"),
        (["frobnicate"], "No such command 'frobnicate'"),
        (["--sandbox", "--db", "x.db", "init"], "--sandbox always opens the sandbox store"),
    ],
)
def test_bad_input_exits_2_with_one_clear_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, _, err = _run(capsys, *argv)
    assert code == 2
    assert message in _one_line_error(err)


def test_bad_input_changes_nothing(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "clinic.db"
    assert _run(capsys, "seed", "--db", str(path), "--patients", "-5")[0] == 2
    assert not path.exists()


def test_store_from_a_newer_version_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import sqlite3

    path = tmp_path / "clinic.db"
    assert _run(capsys, "init", "--db", str(path))[0] == 0
    connection = sqlite3.connect(path)
    connection.execute("UPDATE alembic_version SET version_num = '9999_future'")
    connection.commit()
    connection.close()
    code, _, err = _run(capsys, "init", "--db", str(path))
    assert code == 2 and "newer schedtui" in _one_line_error(err)


def test_postgresql_server_down_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "init", "--db", "postgresql://nobody@127.0.0.1:1/none")
    assert code == 2 and "Cannot reach the PostgreSQL server" in _one_line_error(err)


def test_bad_settings_file_exits_2(capsys: pytest.CaptureFixture[str], isolated_home: Path) -> None:
    (isolated_home / "config.toml").write_text("idle_lock_minutes = -1\n")
    code, _, err = _run(capsys, "config", "show")
    assert code == 2 and "idle_lock_minutes" in _one_line_error(err)


def test_unexpected_fault_exits_1_and_is_logged(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, isolated_home: Path
) -> None:
    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the disk caught fire")

    monkeypatch.setattr("schedtui.commands.common.open_store", explode)
    code, _, err = _run(capsys, "init", "--db", str(isolated_home / "x.db"))
    assert code == 1
    line = _one_line_error(err)
    assert "unexpected fault: an unexpected RuntimeError" in line
    assert "the disk caught fire" not in line
    log = Path(line.rsplit("details in ", 1)[1])
    assert "Traceback" in log.read_text() and "the disk caught fire" in log.read_text()


def test_json_errors_also_go_to_stdout(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "argv", ["schedtui", "seed", "--patients", "0", "--json"])
    code, out, _ = _run(capsys, "seed", "--patients", "0", "--json")
    assert code == 2
    assert json.loads(out)["error"].startswith("--patients must be between 1 and")


def test_seed_prints_a_summary_and_json(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "demo.db"
    assert _run(capsys, "init", "--db", str(path))[0] == 0
    code, out, _ = _run(
        capsys,
        "seed",
        "--not-a-real-clinic",
        "--db",
        str(path),
        "--patients",
        "40",
        "--seed",
        "5",
        "--today",
        "2026-03-09",
        "--json",
    )
    assert code == 0
    facts = json.loads(out)
    assert facts["patients"] == 40 and facts["sites"] == 3 and facts["providers"] == 12
    assert facts["appointments"] > 1000


def test_config_show_lists_every_setting_without_secrets(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCHEDTUI_DB", "postgresql://clinic:hunter2@db.example/sched")
    code, out, _ = _run(capsys, "config", "show")
    assert code == 0
    assert "hunter2" not in out
    for name in ("region", "clinic_name", "idle_lock_minutes", "timezone", "db"):
        assert f"\n{name} = " in out
    code, out, _ = _run(capsys, "config", "show", "--json")
    shown = json.loads(out)
    assert "hunter2" not in out and shown["settings"]["region"] == "US"
    assert shown["store"] == "postgresql://clinic:***@db.example/sched" and not shown["sandbox"]


def test_config_show_names_the_store_the_invocation_opens(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCHEDTUI_SANDBOX_DB", str(tmp_path / "sandbox.db"))
    monkeypatch.setenv("SCHEDTUI_DB", str(tmp_path / "clinic.db"))
    code, out, _ = _run(capsys, "--sandbox", "config", "show", "--json")
    shown = json.loads(out)
    assert code == 0 and (shown["store"], shown["sandbox"]) == (str(tmp_path / "sandbox.db"), True)
    code, out, _ = _run(capsys, "--sandbox", "config", "show")
    assert f"# store: {tmp_path / 'sandbox.db'} (the sandbox)" in out
    code, out, _ = _run(capsys, "config", "show", "--db", str(tmp_path / "other.db"))
    assert f"# store: {tmp_path / 'other.db'}\n" in out


def test_sandbox_is_created_on_first_use_and_refuses_a_clinic_store(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sandbox = tmp_path / "sandbox.db"
    monkeypatch.setenv("SCHEDTUI_SANDBOX_DB", str(sandbox))
    code, _, err = _run(capsys, "--sandbox", "init")
    assert code == 0 and "Creating the sandbox clinic" in err
    code, _, err = _run(capsys, "init", "--db", str(sandbox))
    assert code == 2 and "open it with --sandbox" in _one_line_error(err)
    clinic = tmp_path / "clinic.db"
    assert _run(capsys, "init", "--db", str(clinic))[0] == 0
    seeding = ["seed", "--not-a-real-clinic", "--db", str(clinic), "--patients", "5"]
    assert _run(capsys, *seeding)[0] == 0
    monkeypatch.setenv("SCHEDTUI_SANDBOX_DB", str(clinic))
    code, _, err = _run(capsys, "--sandbox", "init")
    assert code == 2 and "the sandbox only ever opens a sandbox store" in _one_line_error(err)
