"""An in-memory index of every patient, built once and kept current, searched per keystroke.

Names are found by prefix ("smi"), by sound (Smyth finds Smith, via jellyfish's
metaphone), by nickname (Bob finds Robert, via the nicknames dataset), and by a fuzzy
match for typos (rapidfuzz); dates of birth, phone digits and MRNs by exact keys.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache

import jellyfish
from nicknames import NickNamer
from rapidfuzz import fuzz, process
from sqlalchemy import select
from sqlmodel import Session

from schedtui.core.lookup.normalize import name_tokens
from schedtui.core.lookup.query import ParsedQuery
from schedtui.data import models as m

PREFIX = 2


@cache
def _nicknames() -> NickNamer:
    return NickNamer()


def sound(token: str) -> str:
    """The phonetic key of a name token."""
    return jellyfish.metaphone(token) if token.isalpha() else token


@dataclass(frozen=True)
class Entry:
    """What the index knows of one patient."""

    patient_id: int
    mrn: str
    first: str
    last: str
    preferred: str
    dob: date
    phones: tuple[str, ...]
    tokens: frozenset[str]
    given: frozenset[str]
    family: frozenset[str]


@dataclass
class PatientIndex:
    """Every patient, keyed the ways a caller identifies themselves."""

    entries: dict[int, Entry] = field(default_factory=dict)
    by_prefix: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    by_sound: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    by_token: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    by_dob: dict[date, set[int]] = field(default_factory=lambda: defaultdict(set))
    by_last4: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    by_mrn: dict[str, int] = field(default_factory=dict)
    seen_until: datetime | None = None
    _vocabulary: list[str] | None = None

    def add(self, entry: Entry) -> None:
        """Index a patient (replacing what was known of them)."""
        self.remove(entry.patient_id)
        self._vocabulary = None
        self.entries[entry.patient_id] = entry
        for token in entry.tokens:
            self.by_token[token].add(entry.patient_id)
            self.by_prefix[token[:PREFIX]].add(entry.patient_id)
            self.by_sound[sound(token)].add(entry.patient_id)
        self.by_dob[entry.dob].add(entry.patient_id)
        for phone in entry.phones:
            self.by_last4[phone[-4:]].add(entry.patient_id)
        self.by_mrn[entry.mrn.upper()] = entry.patient_id

    def remove(self, patient_id: int) -> None:
        """Forget a patient."""
        old = self.entries.pop(patient_id, None)
        if old is None:
            return
        for token in old.tokens:
            self.by_token[token].discard(patient_id)
            self.by_prefix[token[:PREFIX]].discard(patient_id)
            self.by_sound[sound(token)].discard(patient_id)
        self.by_dob[old.dob].discard(patient_id)
        for phone in old.phones:
            self.by_last4[phone[-4:]].discard(patient_id)
        self.by_mrn.pop(old.mrn.upper(), None)

    def vocabulary(self) -> list[str]:
        """Every name token known (for fuzzy matching of typos), built once per change."""
        if self._vocabulary is None:
            self._vocabulary = [token for token, ids in self.by_token.items() if ids]
        return self._vocabulary

    def name_candidates(self, term: str) -> dict[int, float]:
        """Patients a name fragment may mean, with how well it matches (0-100)."""
        found: dict[int, float] = {}

        def offer(ids: set[int], score: float) -> None:
            for patient_id in ids:
                if found.get(patient_id, 0) < score:
                    found[patient_id] = score

        for patient_id in self.by_prefix.get(term[:PREFIX], ()):
            if any(t.startswith(term) for t in self.entries[patient_id].tokens):
                exact = term in self.entries[patient_id].tokens
                offer({patient_id}, 100 if exact else 90)
        if len(term) >= 3:
            offer(self.by_sound.get(sound(term), set()), 75)
        for name in _nicknames().canonicals_of(term) | _nicknames().nicknames_of(term):
            offer(self.by_token.get(name, set()), 80)
        if len(term) >= 4 and len(found) < 5:
            for token, score, _ in process.extract(
                term, self.vocabulary(), scorer=fuzz.ratio, limit=5, score_cutoff=75
            ):
                offer(self.by_token[token], score * 0.8)
        return found

    def search(self, query: ParsedQuery, limit: int = 20) -> list[tuple[Entry, float, list[str]]]:
        """The best matches, strongest first, each with why it matched."""
        scores: dict[int, float] | None = None
        why: dict[int, list[str]] = defaultdict(list)
        for term in query.names:
            matches = self.name_candidates(term)
            scores = _combine(scores, matches)
            for patient_id in matches:
                why[patient_id].append(f"name ~ {term}")
        for label, ids, weight in self._keyed(query):
            scores = _combine(scores, dict.fromkeys(ids, weight))
            for patient_id in ids:
                why[patient_id].append(label)
        if not scores:
            return []
        ranked = sorted(scores.items(), key=lambda item: (-item[1], self._sort_key(item[0])))
        return [(self.entries[pid], score, why[pid]) for pid, score in ranked[:limit]]

    def _keyed(self, query: ParsedQuery) -> list[tuple[str, set[int], float]]:
        keyed = []
        if query.birth_dates:
            ids = set().union(*(self.by_dob.get(d, set()) for d in query.birth_dates))
            keyed.append(("date of birth", ids, 100.0))
        if query.phone_digits:
            ids = {
                pid
                for pid in self.by_last4.get(query.phone_digits[-4:], set())
                if any(p.endswith(query.phone_digits) for p in self.entries[pid].phones)
            }
            if ids or len(query.phone_digits) > 4 or not query.tokens:
                keyed.append(("phone", ids, 100.0))
        mrns = {self.by_mrn[t] for t in query.tokens if t in self.by_mrn}
        if mrns:
            keyed.append(("MRN", mrns, 200.0))
        return keyed

    def _sort_key(self, patient_id: int) -> tuple[str, str]:
        entry = self.entries[patient_id]
        return (entry.last.casefold(), entry.first.casefold())


def _combine(scores: dict[int, float] | None, matches: dict[int, float]) -> dict[int, float]:
    """Every part of a query must match: intersect, adding up how well each part matched."""
    if scores is None:
        return dict(matches)
    return {pid: score + matches[pid] for pid, score in scores.items() if pid in matches}


def load_index(
    session: Session, since: datetime | None = None, index: PatientIndex | None = None
) -> PatientIndex:
    """Build the index (or bring it up to date with patients changed after `since`)."""
    index = index or PatientIndex()
    p = m.Patient.__table__  # type: ignore[attr-defined]
    statement = select(
        p.c.id, p.c.mrn, p.c.first_name, p.c.last_name, p.c.preferred_name, p.c.dob, p.c.updated_at
    )
    if since is not None:
        statement = statement.where(p.c.updated_at > since)
    rows = session.execute(statement).all()
    if not rows:
        return index
    phones = _phones(session, None if since is None else [row.id for row in rows])
    for row in rows:
        given, family = name_tokens(row.first_name, row.preferred_name), name_tokens(row.last_name)
        index.add(
            Entry(
                row.id,
                row.mrn,
                row.first_name,
                row.last_name,
                row.preferred_name,
                row.dob,
                tuple(phones.get(row.id, ())),
                given | family,
                given,
                family,
            )
        )
        if index.seen_until is None or row.updated_at > index.seen_until:
            index.seen_until = row.updated_at
    index.vocabulary()  # built now, not on the keystroke that first needs it
    if since is None:
        # Hundreds of thousands of long-lived objects: keep the garbage collector from
        # walking them all during a keystroke (a full collection took ~0.3 s).
        gc.freeze()
    return index


def _phones(session: Session, ids: list[int] | None) -> dict[int, list[str]]:
    t = m.PatientPhone.__table__  # type: ignore[attr-defined]
    statement = select(t.c.patient_id, t.c.number)
    if ids is not None:
        statement = statement.where(t.c.patient_id.in_(ids))
    found: dict[int, list[str]] = defaultdict(list)
    for patient_id, number in session.execute(statement):
        found[patient_id].append(number.lstrip("+"))
    return found
