"""A patient search is a view of every patient it shows: the audit trail records what a
lookup showed, once the typing settles (not on every keystroke, which would write a row
per letter while the caller spells)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from schedtui.core.security import audit
from schedtui.core.security.access import Actor
from schedtui.data.store import Store


def record_patient_search(
    store: Store, actor: Actor, *, now: datetime, query: str, shown: Iterable[str]
) -> None:
    """One audit row: what was searched for and the MRNs of the patients it showed."""
    audit.append(
        store,
        actor=actor,
        action="view",
        now=now,
        entity="patient-search",
        detail={"query": query, "results": list(shown)},
    )


@dataclass
class SearchTrail:
    """What a lookup has shown since it was last written to the audit trail."""

    query: str = ""
    shown: dict[str, None] = field(default_factory=dict)

    def saw(self, query: str, mrns: Iterable[str]) -> None:
        """The lookup showed these patients for `query` (kept until taken)."""
        self.query = query
        self.shown.update(dict.fromkeys(mrns))

    def take(self) -> tuple[str, list[str]] | None:
        """The last query and every patient shown since the last take; None when no
        patient was shown (nothing to record)."""
        if not self.shown:
            return None
        taken = (self.query, list(self.shown))
        self.query, self.shown = "", {}
        return taken
