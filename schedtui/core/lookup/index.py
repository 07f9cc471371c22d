"""An in-memory index of every patient, built once and kept current, searched per keystroke.

Names are found by prefix ("smi"), by sound (Smyth finds Smith, via jellyfish's
metaphone), by nickname (Bob finds Robert, via the nicknames dataset), and by a fuzzy
match for typos (rapidfuzz); dates of birth, phone digits and MRNs by exact keys.
"""

from __future__ import annotations

import gc
import sys
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable
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
from schedtui.core.lookup.ranking import Ranked, Terms, Tier, best_of, name_rank, stream_best
from schedtui.data import models as m


@cache
def _nicknames() -> NickNamer:
    return NickNamer()


def sound(token: str) -> str:
    """The phonetic key of a name token."""
    return jellyfish.metaphone(token) if token.isalpha() else token


#: Up to this many candidates are simply all scored; more are streamed in name order.
SCORE_ALL_UP_TO = 500
#: A fragment fitting this many times more patients than the narrowest part of the query
#: ("m" beside "kellie") is checked patient by patient instead of gathered up.
GATHER_UP_TO_TIMES = 8


def _everyone_in(tiers: list[Tier]) -> set[int]:
    """Every patient a fragment fits in any way (set unions run at C speed)."""
    return set().union(*(ids for tier in tiers for _, ids in tier.sources))


def _fitting(keyed: list[Keyed], terms: Terms) -> set[int]:
    """The patients who may fit every part typed: the narrow parts intersected (a superset
    of the answer when a broad fragment was left out; scoring drops the rest)."""
    sets = [ids for _, ids, _ in keyed]
    sizes = [sum(tier.size for tier in tiers) for _, tiers in terms]
    narrowest = min([len(ids) for ids in sets] + sizes)
    for (_, tiers), size in zip(terms, sizes, strict=True):
        if size <= narrowest * GATHER_UP_TO_TIMES:
            sets.append(_everyone_in(tiers))
    return set.intersection(*sorted(sets, key=len))


#: A date of birth, phone or MRN typed: what it is, the patients it fits, its weight.
Keyed = tuple[str, set[int], float]


@dataclass(frozen=True, slots=True)
class Entry:
    """What the index knows of one patient (slots: a million of these must stay small)."""

    patient_id: int
    mrn: str
    first: str
    last: str
    dob: date
    phone_digits: str  # each number's digits, space-separated (one string is smaller)
    tokens: tuple[str, ...]

    @property
    def phones(self) -> list[str]:
        """Each phone number's digits."""
        return self.phone_digits.split()

    @property
    def mrn_key(self) -> str:
        """The MRN as looked up (upper case), the same string when it already is."""
        upper = self.mrn.upper()
        return self.mrn if upper == self.mrn else upper


@dataclass
class PatientIndex:
    """Every patient, keyed the ways a caller identifies themselves."""

    entries: dict[int, Entry] = field(default_factory=dict)
    by_sound: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    by_token: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    by_dob: dict[date, set[int]] = field(default_factory=lambda: defaultdict(set))
    by_last4: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    by_mrn: dict[str, int] = field(default_factory=dict)
    rank: dict[int, int] = field(default_factory=dict)
    seen_until: datetime | None = None
    _vocabulary: list[str] | None = None
    _ordered: dict[str, list[int]] = field(default_factory=dict)

    def add(self, entry: Entry) -> None:
        """Index a patient (replacing what was known of them)."""
        self.remove(entry.patient_id)
        self.entries[entry.patient_id] = entry
        self.rank[entry.patient_id] = name_rank(entry.last, entry.first, entry.patient_id)
        for token in entry.tokens:
            ids = self.by_token[token]
            if not ids and self._vocabulary is not None:
                self._learn(token)
            ids.add(entry.patient_id)
            self.by_sound[sound(token)].add(token)
            self._ordered.pop(token, None)
        self.by_dob[entry.dob].add(entry.patient_id)
        for phone in entry.phones:
            self.by_last4[phone[-4:]].add(entry.patient_id)
        self.by_mrn[entry.mrn_key] = entry.patient_id

    def remove(self, patient_id: int) -> None:
        """Forget a patient."""
        old = self.entries.pop(patient_id, None)
        if old is None:
            return
        for token in old.tokens:
            self.by_token[token].discard(patient_id)
            self._ordered.pop(token, None)
        self.by_dob[old.dob].discard(patient_id)
        for phone in old.phones:
            self.by_last4[phone[-4:]].discard(patient_id)
        self.by_mrn.pop(old.mrn_key, None)

    def _learn(self, token: str) -> None:
        """Put a token new to the index into the sorted vocabulary."""
        assert self._vocabulary is not None
        at = bisect_left(self._vocabulary, token)
        if at == len(self._vocabulary) or self._vocabulary[at] != token:
            self._vocabulary.insert(at, token)

    def vocabulary(self) -> list[str]:
        """Every name token known, sorted (prefix ranges, fuzzy matching of typos)."""
        if self._vocabulary is None:
            self._vocabulary = sorted(token for token, ids in self.by_token.items() if ids)
        return self._vocabulary

    def in_name_order(self, key: str, ids: set[int]) -> list[int]:
        """`ids` (the patients of a token or sound `key`) sorted by name, kept until they
        change."""
        listed = self._ordered.get(key)
        if listed is None:
            listed = self._ordered[key] = sorted(ids, key=self.rank.__getitem__)
        return listed

    def put_in_name_order(self) -> None:
        """Sort every token's and sound's patients now, not on a keystroke."""
        for token, ids in self.by_token.items():
            self.in_name_order(token, ids)

    def tiers(self, term: str, *, typos: bool = False) -> list[Tier]:
        """The ways a name fragment may match, best first (see `Tier`). Close spellings
        count when little else matches, or always when `typos` is asked for."""
        exact = self.by_token.get(term, set())
        tiers = [Tier(100, [(term, exact)], lambda pid: pid in exact)] if exact else []
        vocabulary = self.vocabulary()
        prefixed = []
        for position in range(bisect_left(vocabulary, term), len(vocabulary)):
            token = vocabulary[position]
            if not token.startswith(term):
                break
            ids = self.by_token.get(token)
            if token != term and ids:
                prefixed.append((token, ids))
        if prefixed:
            tiers.append(Tier(90, prefixed, self._starts_with(term)))
        names = _nicknames().canonicals_of(term) | _nicknames().nicknames_of(term)
        nick = [(name, ids) for name in sorted(names) if (ids := self.by_token.get(name))]
        if nick:
            tiers.append(Tier(80, nick, lambda pid: any(pid in ids for _, ids in nick)))
        alike = self.by_sound.get(sound(term), set()) if len(term) >= 3 else set()
        sounds = [(token, ids) for token in sorted(alike) if (ids := self.by_token.get(token))]
        if sounds:
            tiers.append(Tier(75, sounds, self._has_token_in(alike)))
        if len(term) >= 3 + (not typos) and (typos or sum(t.size for t in tiers) < 5):
            for token, score, _ in process.extract(
                term, vocabulary, scorer=fuzz.ratio, limit=8, score_cutoff=65 if typos else 75
            ):
                if ids := self.by_token.get(token):
                    tiers.append(Tier(score * 0.8, [(token, ids)], ids.__contains__))
        tiers.sort(key=lambda tier: -tier.score)
        return tiers

    def _has_token_in(self, tokens: set[str]) -> Callable[[int], bool]:
        def check(patient_id: int) -> bool:
            return any(t in tokens for t in self.entries[patient_id].tokens)

        return check

    def _starts_with(self, term: str) -> Callable[[int], bool]:
        def check(patient_id: int) -> bool:
            return any(t.startswith(term) for t in self.entries[patient_id].tokens)

        return check

    def search(self, query: ParsedQuery, limit: int = 20) -> list[tuple[Entry, float, list[str]]]:
        """The best matches, strongest first (then by name), each with why it matched."""
        keyed = self._keyed(query)
        if not (keyed or query.names):
            return []
        terms = [(term, self.tiers(term)) for term in query.names]
        found = self._ranked(keyed, terms, limit)
        if not found and terms:  # nobody has every part: one may be misspelt ("smitn")
            terms = [(term, self.tiers(term, typos=True)) for term in query.names]
            found = self._ranked(keyed, terms, limit)
        why = [f"name ~ {term}" for term, _ in terms] + [label for label, _, _ in keyed]
        return [(self.entries[pid], score, why) for pid, score in found]

    def _ranked(self, keyed: list[Keyed], terms: Terms, limit: int) -> Ranked:
        """Score the few patients who fit every part; stream when there are many."""
        if not keyed and len(terms) == 1:
            return stream_best(self, terms, self.rank, limit)
        common = _fitting(keyed, terms)
        if keyed or len(common) <= SCORE_ALL_UP_TO:
            bonus = sum(weight for _, _, weight in keyed)
            return best_of(common, terms, bonus, self.rank, limit)
        return stream_best(self, terms, self.rank, limit, common)

    def _keyed(self, query: ParsedQuery) -> list[Keyed]:
        """Dates of birth, phone digits and MRNs typed, each with the patients it fits. An
        MRN decides: digits that also read as a date or a phone need not fit it too."""
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
            keyed = [k for k in keyed if k[1] & mrns] + [("MRN", mrns, 200.0)]
        return keyed


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
        changed = [row.id for row in session.execute(statement)]
        if not changed:
            return index
        phones = _phones(session, changed)
    else:
        phones = _phones(session, None)
    shared = Shared()
    for row in session.execute(statement):
        tokens = name_tokens(row.first_name, row.preferred_name) | name_tokens(row.last_name)
        index.add(
            Entry(
                row.id,
                row.mrn,
                shared.text(row.first_name),
                shared.text(row.last_name),
                shared.day(row.dob),
                " ".join(phones.pop(row.id, ())),
                tuple(shared.text(token) for token in sorted(tokens)),
            )
        )
        if index.seen_until is None or row.updated_at > index.seen_until:
            index.seen_until = row.updated_at
    index.vocabulary()  # built now, not on the keystroke that first needs it
    if since is None:
        index.put_in_name_order()
        # Millions of long-lived objects: keep the garbage collector from walking them
        # all during a keystroke (a full collection took ~0.3 s).
        gc.freeze()
    return index


class Shared:
    """One copy of each repeated name and birth date (a million patients share far fewer)."""

    def __init__(self) -> None:
        self.days: dict[date, date] = {}

    def text(self, value: str) -> str:
        """The one copy of this string."""
        return sys.intern(value)

    def day(self, value: date) -> date:
        """The one copy of this date."""
        return self.days.setdefault(value, value)


def _phones(session: Session, ids: list[int] | None) -> dict[int, list[str]]:
    t = m.PatientPhone.__table__  # type: ignore[attr-defined]
    statement = select(t.c.patient_id, t.c.number)
    if ids is not None:
        statement = statement.where(t.c.patient_id.in_(ids))
    found: dict[int, list[str]] = defaultdict(list)
    for patient_id, number in session.execute(statement):
        found[patient_id].append(number.lstrip("+"))
    return found
