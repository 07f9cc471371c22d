"""Ranking lookup matches: strongest first, then by name, the top few only.

On a million patients a fragment like "ma" matches a hundred thousand of them; scoring
each would miss the frame. Instead the fragment's ways of matching (`Tier`s) are read
best first, each in name order, and reading stops as soon as nothing further could rank
among the top rows.
"""

from __future__ import annotations

import heapq
from bisect import insort
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from schedtui.core.patients.lookup.normalize import fold

#: Names sort exactly on this many leading characters, then by patient id.
RANK_CHARS = 12


@dataclass(frozen=True)
class Tier:
    """One way a name fragment matches: its score, the patients it draws on (by token or
    sound key), and a test of whether a given patient matches this way."""

    score: float
    sources: Sequence[tuple[str, Sequence[int]]]  # token -> its patients, in name order
    has: Callable[[int], bool]

    @property
    def size(self) -> int:
        """How many patients (at most) match this way."""
        return sum(len(ids) for _, ids in self.sources)


Terms = list[tuple[str, list[Tier]]]
Ranked = list[tuple[int, float]]


def name_rank(last: str, first: str, patient_id: int) -> int:
    """A number that sorts patients by last name, then first name, then id."""
    text = f"{fold(last)}\x01{fold(first)}"[:RANK_CHARS]
    raw = text.encode("latin-1", "replace").ljust(RANK_CHARS, b"\0")
    return (int.from_bytes(raw, "big") << 32) | patient_id


def term_score(patient_id: int, tiers: list[Tier]) -> float:
    """How well one fragment matches a patient (its best tier), 0 if not at all."""
    for tier in tiers:
        if tier.has(patient_id):
            return tier.score
    return 0.0


def best_of(
    candidates: set[int], terms: Terms, bonus: float, rank: dict[int, int], limit: int
) -> Ranked:
    """Score every candidate (a few: those of a date of birth, a phone or an MRN)."""
    scored = []
    for patient_id in candidates:
        total = bonus
        for _, tiers in terms:
            score = term_score(patient_id, tiers)
            if not score:
                break
            total += score
        else:
            scored.append((-total, rank[patient_id], patient_id))
    return [(pid, -negative) for negative, _, pid in heapq.nsmallest(limit, scored)]


def _in_order(tier: Tier, rank: dict[int, int]) -> Iterator[int]:
    lists = [ids for _, ids in tier.sources]
    return iter(lists[0]) if len(lists) == 1 else heapq.merge(*lists, key=rank.__getitem__)


def stream_best(
    terms: Terms,
    rank: dict[int, int],
    limit: int,
    common: set[int] | None = None,
) -> Ranked:
    """The top `limit` by score, then name, reading only as far as needed: the fragment
    with the fewest candidates leads, tier by tier, each tier in name order. `common`, if
    given, holds everyone who fits every fragment: the others are passed over cheaply."""
    lead = min(range(len(terms)), key=lambda i: sum(t.size for t in terms[i][1]))
    others = [tiers for i, (_, tiers) in enumerate(terms) if i != lead]
    if any(not tiers for tiers in others):
        return []
    others_best = sum(tiers[0].score for tiers in others)
    kept: list[tuple[float, int, int]] = []  # (-score, rank, id), best first
    seen: set[int] = set()
    for tier in terms[lead][1]:
        ceiling = -(tier.score + others_best)
        for patient_id in _in_order(tier, rank):
            if len(kept) == limit and kept[-1] < (ceiling, rank[patient_id]):
                break  # later rows of this tier sort after the last one kept
            if patient_id in seen or (common is not None and patient_id not in common):
                continue
            seen.add(patient_id)
            total = tier.score
            for tiers in others:
                score = term_score(patient_id, tiers)
                if not score:
                    break
                total += score
            else:
                insort(kept, (-total, rank[patient_id], patient_id))
                del kept[limit:]
    return [(pid, -negative) for negative, _, pid in kept]
