"""The layers stay apart (ARCHITECTURE.md): core and data never import Textual, widgets never
touch the store. import-linter checks the same in CI; this test checks it at run time too."""

from __future__ import annotations

import subprocess
import sys

import pytest

PROBE = """
import sys
import {module}
bad = sorted(name for name in sys.modules if name.split('.')[0] in {forbidden!r})
print(','.join(bad))
"""


@pytest.mark.parametrize(
    ("module", "forbidden"),
    [
        ("schedtui.core.views.today", ("textual",)),
        ("schedtui.core.upkeep.stores", ("textual",)),
        ("schedtui.data.seed", ("textual",)),
        ("schedtui.cli", ("textual",)),
    ],
)
def test_module_does_not_pull_in(module: str, forbidden: tuple[str, ...]) -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(module=module, forbidden=forbidden)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == ""


def test_widgets_do_not_import_the_store() -> None:
    import ast
    from pathlib import Path

    import schedtui.widgets

    folder = Path(schedtui.widgets.__file__).parent
    for path in folder.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            for name in names:
                assert not name.startswith(("schedtui.data", "sqlalchemy", "sqlmodel")), (
                    f"{path.name} imports {name}"
                )


def test_screens_are_styled_in_the_style_files() -> None:
    """Screen CSS lives in schedtui/styles/*.tcss, one file per area (reusable widgets
    keep their DEFAULT_CSS), and every style file is one the app loads."""
    from pathlib import Path

    from schedtui.app import SchedApp

    package = Path(__file__).parents[1] / "schedtui"
    inline = [p.name for p in (package / "screens").glob("*.py") if "DEFAULT_CSS" in p.read_text()]
    files = sorted(p.name for p in (package / "styles").glob("*.tcss"))
    loaded = sorted(Path(str(path)).name for path in SchedApp.CSS_PATH)
    assert inline == []
    assert files == loaded


@pytest.mark.parametrize(
    ("module", "line"),
    [
        ("screens/today.py", "from schedtui.data.store import Store"),
        ("commands/waitlist.py", "from sqlmodel import select"),
        ("screens/workspace.py", "import schedtui.app"),
    ],
)
def test_the_import_contracts_catch_a_screen_or_command_reaching_past_core(
    tmp_path_factory: pytest.TempPathFactory, module: str, line: str
) -> None:
    """lint-imports (run in CI) fails when a screen or a command imports the store, the
    tables or SQL, or when a screen imports the app: checked on a copy with that import."""
    import shutil
    from pathlib import Path

    root = Path(__file__).parents[1]
    copy = tmp_path_factory.mktemp("contracts")
    shutil.copytree(
        root / "schedtui", copy / "schedtui", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(root / "pyproject.toml", copy / "pyproject.toml")
    target = copy / "schedtui" / module
    target.write_text(f"{target.read_text()}\n{line}\n")
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint), "--config", str(copy / "pyproject.toml"), "--no-cache"],
        capture_output=True,
        text=True,
        cwd=copy,
        env={"PYTHONPATH": str(copy), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode != 0, result.stdout
    assert "BROKEN" in result.stdout
