"""Read models: what core reads hand to screens and commands, typed (never a dict a
screen must index by string), each printable as JSON for the CLI."""

from __future__ import annotations

from dataclasses import asdict, is_dataclass
from typing import Any


class JsonRow:
    """A read model (a frozen dataclass) that the CLI prints as JSON, field by field."""

    def to_json(self) -> dict[str, Any]:
        """The row for `--json` (times and days are made text by the printer)."""
        assert is_dataclass(self), f"{type(self).__name__} is not a dataclass"
        return asdict(self)
