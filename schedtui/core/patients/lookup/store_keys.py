"""The lookup's keys kept in the store, shared by every process on every host: each
patient's folded name words with their sounds, and the last four digits of each phone.

A search reads from them only the patients it may be about (the words typed, their
prefixes, nicknames, sounds and, when little matches, close spellings), builds an index
of just those, and ranks them exactly as the in-memory index would: a one-off search (the
CLI, a TUI whose full index is not built yet) answers without reading every patient.

The keys follow the patients by `updated_at`: before a search, every patient changed
since the keys were made (or never keyed) is keyed again, in batches."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from sqlalchemy import and_, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from schedtui.core.patients.lookup.index import (
    PatientIndex,
    close_spellings,
    load_some,
    sound,
    spellings_wanted,
)
from schedtui.core.patients.lookup.normalize import name_tokens
from schedtui.core.patients.lookup.query import ParsedQuery
from schedtui.core.support.writes import in_write
from schedtui.data import models as m
from schedtui.data.store import Store

#: Patients keyed per write transaction.
BATCH = 2000
#: Changes are looked for this far before the mark (writers commit out of order, clocks
#: differ a little), and among this many ids below the highest keyed (a patient added
#: straight into the store with an older time).
OVERLAP = timedelta(minutes=10)
ID_OVERLAP = 1000
#: A token typed is looked for among the words it begins (up to this much longer).
PREFIX_TAIL = "z" * 40

KEY = m.PatientSearchKey.__table__  # type: ignore[attr-defined]
STAMP = m.PatientSearchStamp.__table__  # type: ignore[attr-defined]
STATE = m.PatientSearchState.__table__  # type: ignore[attr-defined]
PATIENT = m.Patient.__table__  # type: ignore[attr-defined]
PHONE = m.PatientPhone.__table__  # type: ignore[attr-defined]


def keys_of(
    first: str, preferred: str, last: str, phones: Iterable[str]
) -> Iterator[dict[str, str]]:
    """A patient's search keys (the words the in-memory index files them under)."""
    for token in sorted(name_tokens(first, preferred) | name_tokens(last)):
        yield {"kind": "name", "token": token, "sound": sound(token)}
    for last4 in sorted({number.lstrip("+")[-4:] for number in phones}):
        yield {"kind": "phone", "token": last4, "sound": ""}


def catch_up(store: Store, now: datetime) -> int:
    """Key every patient changed since their keys were made; how many were keyed. `now`
    (the caller's clock) moves the mark before which every change is known keyed."""
    with store.read() as session:
        checked = session.execute(select(STATE.c.checked_at)).scalar()
        changed = _changed(session, checked)
    for at in range(0, len(changed), BATCH):
        in_write(store, partial(_key, ids=changed[at : at + BATCH]))
    if checked is None or now - checked > OVERLAP / 2:  # (not a write on every search)
        with contextlib.suppress(IntegrityError):  # another process made the first mark
            in_write(store, partial(_mark, now=now))
    return len(changed)


def _changed(session: Session, checked: datetime | None) -> list[int]:
    """Patients whose keys are missing or older than the patient row: among those changed
    since the mark (less the margin) and those added lately (each read through its own
    index), or, before the first mark, all of them."""
    if checked is None:
        return _unkeyed(session, None)
    highest = session.execute(select(func.max(STAMP.c.patient_id))).scalar() or 0
    lately = _unkeyed(session, PATIENT.c.updated_at > checked - OVERLAP)
    added = _unkeyed(session, PATIENT.c.id > highest - ID_OVERLAP)
    return sorted(set(lately) | set(added))


def _mark(session: Session, *, now: datetime) -> None:
    """Move the mark forward (never back: another process's clock may be ahead)."""
    checked = session.execute(select(STATE.c.checked_at).with_for_update()).scalar()
    if checked is None:
        session.execute(insert(STATE), [{"id": 1, "checked_at": now}])
    elif now > checked:
        session.execute(update(STATE).values(checked_at=now))


def _unkeyed(session: Session, among: Any) -> list[int]:
    stamp = STAMP.alias("stamp")
    statement = (
        select(PATIENT.c.id)
        .select_from(PATIENT.outerjoin(stamp, stamp.c.patient_id == PATIENT.c.id))
        .where(or_(stamp.c.updated_at.is_(None), stamp.c.updated_at != PATIENT.c.updated_at))
    )
    if among is not None:
        statement = statement.where(among)
    # sorted here: an ORDER BY id would have SQLite scan every patient in id order
    return sorted(row.id for row in session.execute(statement))


def _key(session: Session, *, ids: list[int]) -> None:
    """Key these patients afresh (their rows locked on PostgreSQL, so two processes
    catching up at once key each patient once)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            select(PATIENT.c.id)
            .where(PATIENT.c.id.in_(ids))
            .order_by(PATIENT.c.id)
            .with_for_update()
        )
    rows = session.execute(
        select(
            PATIENT.c.id,
            PATIENT.c.first_name,
            PATIENT.c.preferred_name,
            PATIENT.c.last_name,
            PATIENT.c.updated_at,
            PATIENT.c.merged_into_id,
        ).where(PATIENT.c.id.in_(ids))
    ).all()
    phones: dict[int, list[str]] = {}
    for patient_id, number in session.execute(
        select(PHONE.c.patient_id, PHONE.c.number).where(PHONE.c.patient_id.in_(ids))
    ):
        phones.setdefault(patient_id, []).append(number)
    session.execute(delete(KEY).where(KEY.c.patient_id.in_(ids)))
    session.execute(delete(STAMP).where(STAMP.c.patient_id.in_(ids)))
    keys = [
        {"patient_id": row.id, **key}
        for row in rows
        if row.merged_into_id is None  # a merged chart is found as its survivor
        for key in keys_of(
            row.first_name, row.preferred_name, row.last_name, phones.get(row.id, [])
        )
    ]
    if keys:
        session.execute(insert(KEY), keys)
    if rows:
        session.execute(
            insert(STAMP), [{"patient_id": row.id, "updated_at": row.updated_at} for row in rows]
        )


class Candidates:
    """The patients a query may be about, and the close spellings of each word typed as
    the full index would find them (from every word known, not only the candidates')."""

    def __init__(self, session: Session, nicknames: Any) -> None:
        self.session = session
        self.nicknames = nicknames
        self.spellings: dict[tuple[str, bool], list[tuple[str, float]]] = {}
        self._vocabulary: list[str] | None = None

    def of(self, query: ParsedQuery, mrns: list[int], *, typos: bool) -> set[int]:
        """Whoever may rank: those who fit every word typed (each word: the word itself, a
        word it begins, a nickname, its sound, a close spelling) and the date of birth or
        MRN typed; and everyone with the phone digits typed and every MRN owner (the index
        weighs those parts by who has them)."""
        fitting: set[int] | None = None
        for term in query.names:
            ids = self._term(term, typos=False)
            if typos:
                ids |= self._term(term, typos=True)
            fitting = ids if fitting is None else fitting & ids
        phone = set()
        if query.phone_digits:
            last4 = and_(KEY.c.kind == "phone", KEY.c.token == query.phone_digits[-4:])
            phone = _having(self.session, last4)
        born = set()
        if query.birth_dates:
            dob = PATIENT.c.dob.in_(sorted(query.birth_dates))
            born = {row.id for row in self.session.execute(select(PATIENT.c.id).where(dob))}
        if fitting is None:
            return born | phone | set(mrns)
        if mrns:  # an MRN decides (dates or phones typed may be dropped for it)
            fitting &= set(mrns)
        elif query.birth_dates:
            fitting &= born
        return fitting | phone | set(mrns)

    def _term(self, term: str, *, typos: bool) -> set[int]:
        ids, size = _named(self.session, term, self.nicknames)
        close = close_spellings(term, self._words(term, typos, size), typos=typos, size=size)
        self.spellings[(term, typos)] = close
        if close:
            tokens = [token for token, _ in close]
            ids |= _having(self.session, and_(KEY.c.kind == "name", KEY.c.token.in_(tokens)))
        return ids

    def _words(self, term: str, typos: bool, size: int) -> list[str]:
        """Every name word known, read only when close spellings will be looked for."""
        if not spellings_wanted(term, typos=typos, size=size):
            return []
        if self._vocabulary is None:
            self._vocabulary = _vocabulary(self.session)
        return self._vocabulary


def _named(session: Session, term: str, nicknames: Any) -> tuple[set[int], int]:
    """Whoever has the word, a word it begins, a nickname or (3 letters or more) its
    sound; and how many the index's tiers count for it (a patient once per way)."""
    names = set(nicknames.canonicals_of(term)) | set(nicknames.nicknames_of(term))
    key = sound(term) if len(term) >= 3 else None
    # one statement per way (each read through its own index; an OR of them is a scan)
    ways = [and_(KEY.c.token >= term, KEY.c.token <= term + PREFIX_TAIL)]
    if names:
        ways.append(KEY.c.token.in_(sorted(names)))
    if key is not None:
        ways.append(KEY.c.sound == key)
    having: dict[str, set[int]] = {}
    for way in ways:
        statement = select(KEY.c.patient_id, KEY.c.token, KEY.c.sound).where(
            KEY.c.kind == "name", way
        )
        for patient_id, token, token_sound in session.execute(statement):
            fits = token.startswith(term) or token in names or token_sound == key
            if fits:  # (a collation may widen the range: only what truly fits counts)
                having.setdefault(token, set()).add(patient_id)
    size = sum(
        len(ids) * (token.startswith(term) + (token in names) + (sound(token) == key))
        for token, ids in having.items()
    )
    return set().union(*having.values()), size


def _having(session: Session, condition: Any) -> set[int]:
    return {row.patient_id for row in session.execute(select(KEY.c.patient_id).where(condition))}


def _vocabulary(session: Session) -> list[str]:
    """Every name word known (for close spellings)."""
    statement = select(KEY.c.token).where(KEY.c.kind == "name").distinct()
    return [row.token for row in session.execute(statement)]


class CandidateIndex(PatientIndex):
    """An index of a search's candidates that finds close spellings as the full index
    would (among every word known)."""

    def __init__(self, spellings: dict[tuple[str, bool], list[tuple[str, float]]]) -> None:
        super().__init__()
        self.spellings = spellings

    def close_spellings(self, term: str, *, typos: bool, size: int) -> list[tuple[str, float]]:
        return self.spellings.get((term, typos), [])


def index_for(
    session: Session, query: ParsedQuery, nicknames: Any, *, typos: bool, mrn_ids: list[int]
) -> PatientIndex:
    """An index of just the patients this query may be about (their name words read from
    the keys, not made again)."""
    found = Candidates(session, nicknames)
    ids = found.of(query, mrn_ids, typos=typos)
    index = CandidateIndex(found.spellings)
    return load_some(session, ids, partial(_tokens_of, session), index)


def _tokens_of(session: Session, ids: list[int]) -> dict[int, tuple[str, ...]]:
    # by patient id alone: its index leads (a filter on the kind would scan every name)
    statement = select(KEY.c.patient_id, KEY.c.kind, KEY.c.token).where(KEY.c.patient_id.in_(ids))
    tokens: dict[int, list[str]] = {}
    for patient_id, kind, token in session.execute(statement):
        if kind == "name":
            tokens.setdefault(patient_id, []).append(token)
    return {patient_id: tuple(sorted(words)) for patient_id, words in tokens.items()}
