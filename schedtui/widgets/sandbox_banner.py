"""The banner every sandbox screen carries, so nobody mistakes practice for real work."""

from __future__ import annotations

from textual.widgets import Static

SANDBOX_TEXT = "SANDBOX · synthetic patients for practice · nothing here is real"


class SandboxBanner(Static):
    """A bright line at the top of the screen in sandbox mode."""

    DEFAULT_CSS = """
    SandboxBanner {
        width: 100%;
        height: 1;
        content-align: center middle;
        background: $warning;
        color: $background;
        text-style: bold;
    }
    """

    def __init__(self) -> None:
        super().__init__(SANDBOX_TEXT, id="sandbox-banner", markup=False)
