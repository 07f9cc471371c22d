"""Which patients carry a key (a name token, a birth date, the last 4 phone digits), kept
as compact arrays of ids in name order: a million patients' postings take tens of
megabytes instead of the hundreds that Python sets would."""

from __future__ import annotations

from array import array
from bisect import insort
from collections.abc import Hashable, Iterator
from typing import Generic, TypeVar

Key = TypeVar("Key", bound=Hashable)


class Postings(Generic[Key]):
    """key -> patient ids, each list sorted by `rank` (name order) once `sort` has run."""

    def __init__(self, rank: dict[int, int]) -> None:
        self.rank = rank
        self.lists: dict[Key, array[int]] = {}
        self.sorted = False

    def add(self, key: Key, patient_id: int) -> None:
        """File `patient_id` under `key` (in name order once the index is built)."""
        ids = self.lists.get(key)
        if ids is None:
            ids = self.lists[key] = array("q")
        if self.sorted:
            insort(ids, patient_id, key=self.rank.__getitem__)
        else:
            ids.append(patient_id)

    def discard(self, key: Key, patient_id: int) -> None:
        """Take `patient_id` out from under `key`."""
        ids = self.lists.get(key)
        if ids is not None and patient_id in ids:
            ids.remove(patient_id)

    def sort(self) -> None:
        """Put every list in name order (once, after the bulk load)."""
        for key, ids in self.lists.items():
            self.lists[key] = array("q", sorted(ids, key=self.rank.__getitem__))
        self.sorted = True

    def get(self, key: Key) -> array[int]:
        """The patients under `key`, in name order (empty if none)."""
        return self.lists.get(key) or _EMPTY

    def keys(self) -> Iterator[Key]:
        """Keys with at least one patient."""
        return (key for key, ids in self.lists.items() if ids)


_EMPTY: array[int] = array("q")
