"""Starting quickly: `--version` imports nothing heavy, and a command imports only its
own module (the rest of the CLI is not loaded). Times are measured by
benchmarks/startup.py, never here."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from schedtui.cli import COMMANDS, command_named, run
from schedtui.launch import tui_options


def _modules_after(code: str) -> set[str]:
    """The modules a fresh interpreter has loaded after running `code`."""
    probe = f"{code}\nimport sys\nprint('\\n'.join(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(done.stdout.split())


def test_version_answers_before_anything_heavy_is_imported() -> None:
    loaded = _modules_after(
        "import sys\nsys.argv = ['schedtui', '--version']\nfrom schedtui import launch\n"
        "try:\n    launch.main()\nexcept SystemExit:\n    pass"
    )
    assert "schedtui" in loaded
    assert not {"sqlalchemy", "textual", "typer", "schedtui.cli"} & loaded


def test_a_command_loads_only_its_own_module() -> None:
    loaded = _modules_after("from schedtui.cli import build_app\nbuild_app('patients')")
    commands = {name for name in loaded if name.startswith("schedtui.commands.")}
    patients = {
        "schedtui.commands.patients",
        "schedtui.commands.patients_edit",
        "schedtui.commands.patients_merge",
    }  # the patients group's three modules
    assert commands == {"schedtui.commands.common", *patients}
    assert not {"textual", "schedtui.app"} & loaded


def test_the_tui_loads_no_command_module() -> None:
    loaded = _modules_after("from schedtui.cli import build_app, command_named\n"
                            "build_app(command_named(['--sandbox']))")  # fmt: skip
    commands = {name for name in loaded if name.startswith("schedtui.commands.")}
    assert commands == {"schedtui.commands.common"}


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["patients", "search", "smith"], "patients"),
        (["--db", "patients", "book", "--help"], "book"),  # a store file named 'patients'
        (["--db=x.db", "--sandbox", "coverage", "show"], "coverage"),
        (["call", "--from", "+16175550123"], "call"),
        (["--help"], None),
        (["--sandbox", "--help"], None),
        (["patinets", "search"], None),  # a typo gets every command (and click's message)
        ([], "call"),  # the TUI
        (["--sandbox"], "call"),
        (["--db", "clinic.db"], "call"),
    ],
)
def test_the_command_to_load_is_read_from_the_arguments(argv: list[str], named: str | None) -> None:
    assert command_named(argv) == named


def test_help_still_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["--help"]) == 0
    listed = capsys.readouterr().out
    for _, _, names in COMMANDS:
        for name in names:
            assert f" {name} " in listed or f" {name}\n" in listed, name


def test_the_tui_draws_its_first_frame_before_loading_the_store() -> None:
    loaded = _modules_after("import schedtui.tui_start")  # the TUI's start, up to .run()
    assert "textual" in loaded
    assert not {"sqlalchemy", "sqlmodel", "typer", "schedtui.cli", "schedtui.data.store"} & loaded
    assert not any(name.startswith("schedtui.commands") for name in loaded)


@pytest.mark.parametrize(
    ("argv", "options"),
    [
        ([], (None, False)),
        (["--sandbox"], (None, True)),
        (["--db", "clinic.db"], ("clinic.db", False)),
        (["--db=clinic.db", "--sandbox"], ("clinic.db", True)),  # refused later, as ever
        (["--db"], None),  # no value: the CLI says so
        (["--db", "--sandbox"], None),
        (["--sandbox", "--sandbox"], None),
        (["call", "--from", "+16175550123"], None),  # through the CLI
        (["--help"], None),
        (["patients", "search", "smith"], None),
    ],
)
def test_the_tui_is_started_straight_only_when_nothing_else_is_asked(
    argv: list[str], options: tuple[str | None, bool] | None
) -> None:
    assert tui_options(argv) == options


def test_a_store_that_cannot_open_is_said_as_a_command_says_it(tmp_path: Path) -> None:
    missing = tmp_path / "typo.db"
    done = subprocess.run(
        [sys.executable, "-m", "schedtui", "--db", str(missing)],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    assert done.returncode == 2
    assert f"schedtui: There is no store at {missing}" in done.stderr
    assert not missing.exists()  # a typo is not a new clinic
