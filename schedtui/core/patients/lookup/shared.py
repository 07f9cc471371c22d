"""The app's one patient index, shared by its screens: built once in a worker, then
refreshed with what changed (its lock keeps two threads from building it at once)."""

from __future__ import annotations

import threading

from schedtui.core.patients.lookup.index import PatientIndex


class LookupIndex:
    """The app's patient index: built once in a worker, refreshed with what changed."""

    def __init__(self) -> None:
        self.index: PatientIndex | None = None
        self.lock = threading.Lock()
