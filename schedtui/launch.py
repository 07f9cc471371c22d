"""The `schedtui` console script: answers `--version` before importing anything heavy,
then hands over to the CLI (`schedtui.cli`)."""

from __future__ import annotations

import sys

from schedtui import __version__


def main() -> None:
    """Console script entry point."""
    if sys.argv[1:] == ["--version"]:
        print(f"schedtui {__version__}")
        sys.exit(0)
    from schedtui.cli import run

    sys.exit(run())
