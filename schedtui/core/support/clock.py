"""The injected notion of "now", so tests and snapshots can freeze it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Anything that can say what time it is (timezone-aware, UTC)."""

    def now(self) -> datetime:
        """The current moment, timezone-aware."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        """The current moment in UTC."""
        return datetime.now(UTC)


class FrozenClock:
    """A clock that stands still until told to move; for tests, snapshots and demos."""

    def __init__(self, moment: datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("FrozenClock needs a timezone-aware moment")
        self._moment = moment.astimezone(UTC)

    def now(self) -> datetime:
        """The frozen moment."""
        return self._moment

    def advance(self, delta: timedelta) -> None:
        """Move the clock forward by `delta`."""
        self._moment += delta
