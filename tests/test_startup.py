"""Starting quickly: `--version` imports nothing heavy, and a command imports only its
own module (the rest of the CLI is not loaded). Times are measured by
benchmarks/startup.py, never here."""

from __future__ import annotations

import subprocess
import sys

import pytest

from schedtui.cli import COMMANDS, command_named, run


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
