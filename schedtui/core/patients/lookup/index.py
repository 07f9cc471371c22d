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
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from itertools import groupby
from operator import itemgetter
from typing import Any

import jellyfish
from nicknames import NickNamer
from rapidfuzz import fuzz, process
from sqlalchemy import Select, select
from sqlmodel import Session

from schedtui.core.patients.lookup.normalize import name_tokens
from schedtui.core.patients.lookup.postings import Postings
from schedtui.core.patients.lookup.query import ParsedQuery
from schedtui.core.patients.lookup.ranking import (
    Ranked,
    Terms,
    Tier,
    best_of,
    name_rank,
    stream_best,
)
from schedtui.data import models as m


@cache
def nicknames() -> NickNamer:
    """The nickname dataset (loaded once)."""
    return NickNamer()


def sound(token: str) -> str:
    """The phonetic key of a name token."""
    return jellyfish.metaphone(token) if token.isalpha() else token


def spellings_wanted(term: str, *, typos: bool, size: int) -> bool:
    """Whether close spellings of `term` are looked for: when the word fits fewer than 5
    patients otherwise (4 letters or more), or always when reading typos (3 or more)."""
    return len(term) >= (3 if typos else 4) and (typos or size < 5)


def close_spellings(
    term: str, vocabulary: list[str], *, typos: bool, size: int
) -> list[tuple[str, float]]:
    """Up to 8 words of `vocabulary` spelt like `term` (and their likeness), when they are
    looked for (`spellings_wanted`)."""
    if not spellings_wanted(term, typos=typos, size=size):
        return []
    cutoff = 65 if typos else 75
    found = process.extract(term, vocabulary, scorer=fuzz.ratio, limit=8, score_cutoff=cutoff)
    return [(token, score) for token, score, _ in found]


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
    first: str
    last: str
    dob: date
    phone_digits: str  # each number's digits, space-separated (one string is smaller)
    tokens: tuple[str, ...]

    @property
    def phones(self) -> list[str]:
        """Each phone number's digits."""
        return self.phone_digits.split()


class PatientIndex:
    """Every patient, keyed the ways a caller identifies themselves."""

    def __init__(self) -> None:
        self.entries: dict[int, Entry] = {}
        self.rank: dict[int, int] = {}
        self.by_token: Postings[str] = Postings(self.rank)
        self.by_dob: Postings[date] = Postings(self.rank)
        self.by_last4: Postings[str] = Postings(self.rank)
        self.by_sound: dict[str, set[str]] = defaultdict(set)  # sound -> tokens
        self.seen_until: datetime | None = None
        self._vocabulary: list[str] | None = None

    def add(self, entry: Entry) -> None:
        """Index a patient (replacing what was known of them)."""
        self.remove(entry.patient_id)
        pid = entry.patient_id
        self.entries[pid] = entry
        self.rank[pid] = name_rank(entry.last, entry.first, pid)
        for token in entry.tokens:
            if self._vocabulary is not None and not self.by_token.get(token):
                self._learn(token)
            self.by_token.add(token, pid)
            self.by_sound[sound(token)].add(token)
        self.by_dob.add(entry.dob, pid)
        for phone in entry.phones:
            self.by_last4.add(phone[-4:], pid)

    def remove(self, patient_id: int) -> None:
        """Forget a patient."""
        old = self.entries.pop(patient_id, None)
        if old is None:
            return
        for token in old.tokens:
            self.by_token.discard(token, patient_id)
        self.by_dob.discard(old.dob, patient_id)
        for phone in old.phones:
            self.by_last4.discard(phone[-4:], patient_id)
        del self.rank[patient_id]

    def finish_loading(self) -> None:
        """After the bulk load: every list in name order, the vocabulary sorted."""
        for postings in (self.by_token, self.by_dob, self.by_last4):
            postings.sort()
        self.vocabulary()

    def _learn(self, token: str) -> None:
        """Put a token new to the index into the sorted vocabulary."""
        assert self._vocabulary is not None
        at = bisect_left(self._vocabulary, token)
        if at == len(self._vocabulary) or self._vocabulary[at] != token:
            self._vocabulary.insert(at, token)

    def vocabulary(self) -> list[str]:
        """Every name token known, sorted (prefix ranges, fuzzy matching of typos)."""
        if self._vocabulary is None:
            self._vocabulary = sorted(self.by_token.keys())
        return self._vocabulary

    def tiers(self, term: str, *, typos: bool = False) -> list[Tier]:
        """The ways a name fragment may match, best first (see `Tier`). Close spellings
        count when little else matches, or always when `typos` is asked for."""
        tiers = []
        if exact := self.by_token.get(term):
            tiers.append(Tier(100, [(term, exact)], self._has_token_in({term})))
        vocabulary = self.vocabulary()
        prefixed = []
        for position in range(bisect_left(vocabulary, term), len(vocabulary)):
            token = vocabulary[position]
            if not token.startswith(term):
                break
            if token != term and (ids := self.by_token.get(token)):
                prefixed.append((token, ids))
        if prefixed:
            tiers.append(Tier(90, prefixed, self._starts_with(term)))
        names = nicknames().canonicals_of(term) | nicknames().nicknames_of(term)
        tiers += self._tier_of(80, names)
        tiers += self._tier_of(
            75, self.by_sound.get(sound(term), set()) if len(term) >= 3 else set()
        )
        for token, score in self.close_spellings(
            term, typos=typos, size=sum(t.size for t in tiers)
        ):
            tiers += self._tier_of(score * 0.8, {token})
        tiers.sort(key=lambda tier: -tier.score)
        return tiers

    def close_spellings(self, term: str, *, typos: bool, size: int) -> list[tuple[str, float]]:
        """The known words spelt closest to `term` (up to 8, with their likeness), looked
        for when `size` (the patients the word fits otherwise) is under 5, or always when
        `typos` is asked for."""
        return close_spellings(term, self.vocabulary(), typos=typos, size=size)

    def _tier_of(self, score: float, tokens: set[str]) -> list[Tier]:
        """A tier of patients with any of `tokens` (none if nobody has them)."""
        sources = [(t, ids) for t in sorted(tokens) if (ids := self.by_token.get(t))]
        return [Tier(score, sources, self._has_token_in(tokens))] if sources else []

    def _has_token_in(self, tokens: set[str]) -> Callable[[int], bool]:
        def check(patient_id: int) -> bool:
            return any(t in tokens for t in self.entries[patient_id].tokens)

        return check

    def _starts_with(self, term: str) -> Callable[[int], bool]:
        def check(patient_id: int) -> bool:
            return any(t.startswith(term) for t in self.entries[patient_id].tokens)

        return check

    def search(
        self,
        query: ParsedQuery,
        limit: int = 20,
        mrn_ids: Iterable[int] = (),
        *,
        retry_typos: bool = True,
    ) -> list[tuple[Entry, float, list[str]]]:
        """The best matches, strongest first (then by name), each with why it matched.
        `mrn_ids`: the patients whose MRN was typed (the store looks MRNs up). When nobody
        fits and `retry_typos`, each word is read as possibly misspelt."""
        keyed = self._keyed(query, {pid for pid in mrn_ids if pid in self.entries})
        if not (keyed or query.names):
            return []
        terms = [(term, self.tiers(term)) for term in query.names]
        found = self._ranked(keyed, terms, limit)
        if not found and terms and retry_typos:  # one may be misspelt ("smitn")
            terms = [(term, self.tiers(term, typos=True)) for term in query.names]
            found = self._ranked(keyed, terms, limit)
        why = [f"name ~ {term}" for term, _ in terms] + [label for label, _, _ in keyed]
        return [(self.entries[pid], score, why) for pid, score in found]

    def _ranked(self, keyed: list[Keyed], terms: Terms, limit: int) -> Ranked:
        """Score the few patients who fit every part; stream when there are many."""
        if not keyed and len(terms) == 1:
            return stream_best(terms, self.rank, limit)
        common = _fitting(keyed, terms)
        if keyed or len(common) <= SCORE_ALL_UP_TO:
            bonus = sum(weight for _, _, weight in keyed)
            return best_of(common, terms, bonus, self.rank, limit)
        return stream_best(terms, self.rank, limit, common)

    def _keyed(self, query: ParsedQuery, mrns: set[int]) -> list[Keyed]:
        """Dates of birth, phone digits and MRNs typed, each with the patients it fits. An
        MRN decides: digits that also read as a date or a phone need not fit it too."""
        keyed = []
        if query.birth_dates:
            ids = set().union(*(self.by_dob.get(d) for d in query.birth_dates))
            keyed.append(("date of birth", ids, 100.0))
        if query.phone_digits:
            ids = {
                pid
                for pid in self.by_last4.get(query.phone_digits[-4:])
                if any(p.endswith(query.phone_digits) for p in self.entries[pid].phones)
            }
            if ids or len(query.phone_digits) > 4 or not query.tokens:
                keyed.append(("phone", ids, 100.0))
        if mrns:
            keyed = [k for k in keyed if k[1] & mrns] + [("MRN", mrns, 200.0)]
        return keyed


def _patients(session: Session) -> tuple[Any, Select[Any]]:
    p = m.Patient.__table__  # type: ignore[attr-defined]
    return p, select(
        p.c.id, p.c.first_name, p.c.last_name, p.c.preferred_name, p.c.dob, p.c.updated_at,
        p.c.merged_into_id,
    )  # fmt: skip


def _entry(
    row: Any, phones: _Phones, shared: Shared, tokens: tuple[str, ...] | None = None
) -> Entry:
    if tokens is None:
        tokens = tuple(
            sorted(name_tokens(row.first_name, row.preferred_name) | name_tokens(row.last_name))
        )
    return Entry(
        row.id,
        shared.text(row.first_name),
        shared.text(row.last_name),
        shared.day(row.dob),
        phones.of(row.id),
        tuple(shared.text(token) for token in tokens),
    )


#: Patients added between two looks at whether the build is still wanted.
STOP_EVERY = 2000


class BuildStopped(Exception):
    """The index was no longer wanted (the program is quitting) and was left unbuilt."""


def load_index(
    session: Session,
    since: datetime | None = None,
    index: PatientIndex | None = None,
    stop: Callable[[], bool] | None = None,
) -> PatientIndex:
    """Build the index (or bring it up to date with patients changed after `since`).
    `stop`, looked at every few thousand patients, ends the build (`BuildStopped`)."""
    index = index or PatientIndex()
    p, statement = _patients(session)
    if since is not None:
        statement = statement.where(p.c.updated_at > since)
        changed = [row.id for row in session.execute(statement)]
        if not changed:
            return index
    phones = _phones(session, changed if since is not None else None)
    shared = Shared()
    for count, row in enumerate(session.execute(statement.order_by(p.c.id))):
        if stop is not None and count % STOP_EVERY == 0 and stop():
            raise BuildStopped
        if row.merged_into_id is None:
            index.add(_entry(row, phones, shared))
        else:  # a chart merged into another is found as the survivor
            index.remove(row.id)
        if index.seen_until is None or row.updated_at > index.seen_until:
            index.seen_until = row.updated_at
    if since is None:
        index.finish_loading()  # lists in name order now, not on the first keystroke
        # Millions of long-lived objects: keep the garbage collector from walking them
        # all during a keystroke (a full collection took ~0.3 s).
        gc.freeze()
    return index


#: Patients read per statement when an index of a few is built.
ID_CHUNK = 5000


def load_some(
    session: Session,
    ids: Iterable[int],
    tokens_of: Callable[[list[int]], dict[int, tuple[str, ...]]] | None = None,
    index: PatientIndex | None = None,
) -> PatientIndex:
    """An index of just these patients (the candidates for one search), in `index` if
    given. `tokens_of`, if given, reads their name tokens already made (else they are
    made from the names)."""
    index = index if index is not None else PatientIndex()
    wanted = sorted(set(ids))
    p, statement = _patients(session)
    shared = Shared()
    for at in range(0, len(wanted), ID_CHUNK):
        chunk = wanted[at : at + ID_CHUNK]
        phones = _phones(session, chunk)
        made = tokens_of(chunk) if tokens_of is not None else {}
        for row in session.execute(statement.where(p.c.id.in_(chunk)).order_by(p.c.id)):
            if row.merged_into_id is None:
                index.add(_entry(row, phones, shared, made.get(row.id)))
    index.finish_loading()
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


class _Phones:
    """Each patient's phone digits, read in patient order alongside the patients (a
    million-entry dictionary would outlive the build in the process's memory)."""

    def __init__(self, rows: Iterator[tuple[int, str]]) -> None:
        self.groups = groupby(rows, key=itemgetter(0))
        self.at: tuple[int, str] | None = None
        self._next()

    def _next(self) -> None:
        group = next(self.groups, None)
        if group is None:
            self.at = None
        else:
            patient_id, numbers = group
            self.at = (patient_id, " ".join(number.lstrip("+") for _, number in numbers))

    def of(self, patient_id: int) -> str:
        """The digits of `patient_id`'s phones (ids asked for in increasing order)."""
        while self.at is not None and self.at[0] < patient_id:
            self._next()
        if self.at is not None and self.at[0] == patient_id:
            return self.at[1]
        return ""


def _phones(session: Session, ids: list[int] | None) -> _Phones:
    t = m.PatientPhone.__table__  # type: ignore[attr-defined]
    statement = select(t.c.patient_id, t.c.number).order_by(
        t.c.patient_id, t.c.is_primary.desc(), t.c.id
    )
    if ids is not None:
        statement = statement.where(t.c.patient_id.in_(ids))
    return _Phones((row[0], row[1]) for row in session.execute(statement))
