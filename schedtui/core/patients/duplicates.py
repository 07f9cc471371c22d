"""Likely duplicate charts across the whole store, to work through: two charts with the
same date of birth and a similar name, or sharing a phone number. Merged charts are
left out. Reading the list is an audited view of the patients on it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import combinations
from typing import Any

from rapidfuzz import fuzz
from sqlalchemy import func, select

from schedtui.core.patients.lookup.normalize import fold
from schedtui.core.security import audit
from schedtui.core.security.access import Actor, Permission
from schedtui.core.security.guard import require
from schedtui.core.support.rows import JsonRow
from schedtui.data import models as m
from schedtui.data.store import Store

#: How alike two names must be (rapidfuzz token sort ratio, 0-100), as at registration.
NAME_LIKENESS = 80


@dataclass(frozen=True)
class DuplicatePair(JsonRow):
    """Two charts that may be one patient."""

    first_mrn: str
    first_name: str
    second_mrn: str
    second_name: str
    dob: date | None
    reason: str
    likeness: int


def likely_duplicates(
    store: Store, actor: Actor, *, now: datetime, limit: int = 500
) -> list[DuplicatePair]:
    """The likely duplicates, the most alike first (an audited view)."""
    require(store, actor, Permission.VIEW_PATIENTS, now=now, what="patient")
    with store.read() as session:
        patients = m.Patient.__table__  # type: ignore[attr-defined]
        live = patients.c.merged_into_id.is_(None)
        shared_days = (
            select(patients.c.dob).where(live).group_by(patients.c.dob)
            .having(func.count() > 1)
        )  # fmt: skip
        people = session.execute(
            select(patients.c.id, patients.c.mrn, patients.c.first_name, patients.c.last_name,
                   patients.c.dob).where(live).where(patients.c.dob.in_(shared_days))
        ).all()  # fmt: skip
        pairs = _same_birthday(people) + _same_phone(session, patients)
    pairs.sort(key=lambda pair: (-pair.likeness, pair.first_mrn, pair.second_mrn))
    kept: dict[tuple[str, str], DuplicatePair] = {}
    for pair in pairs:  # a pair found both ways is listed once, as the most alike
        kept.setdefault((pair.first_mrn, pair.second_mrn), pair)
    found = list(kept.values())[:limit]
    audit.append(
        store, actor=actor, action="view", now=now, entity="patient-duplicates",
        detail={"patients": sorted({mrn for p in found for mrn in (p.first_mrn, p.second_mrn)})},
    )  # fmt: skip
    return found


def _same_birthday(people: Sequence[Any]) -> list[DuplicatePair]:
    by_day: dict[date, list[Any]] = {}
    for person in people:
        by_day.setdefault(person.dob, []).append(person)
    pairs = []
    for day, born in by_day.items():
        for one, other in combinations(sorted(born, key=lambda p: p.id), 2):
            likeness = round(fuzz.token_sort_ratio(_name(one), _name(other)))
            if likeness >= NAME_LIKENESS:
                pairs.append(_pair(one, other, day, "same date of birth, similar name", likeness))
    return pairs


def _same_phone(session: Any, patients: Any) -> list[DuplicatePair]:
    phones = m.PatientPhone.__table__  # type: ignore[attr-defined]
    shared = select(phones.c.number).group_by(phones.c.number).having(func.count() > 1)
    rows = session.execute(
        select(phones.c.number, patients.c.id, patients.c.mrn, patients.c.first_name,
               patients.c.last_name, patients.c.dob)
        .join(patients, patients.c.id == phones.c.patient_id)
        .where(patients.c.merged_into_id.is_(None)).where(phones.c.number.in_(shared))
    ).all()  # fmt: skip
    by_number: dict[str, list[Any]] = {}
    for row in rows:
        by_number.setdefault(row.number, []).append(row)
    pairs = []
    for number, owners in by_number.items():
        for one, other in combinations(sorted(owners, key=lambda p: p.id), 2):
            likeness = round(fuzz.token_sort_ratio(_name(one), _name(other)))
            same_day = one.dob if one.dob == other.dob else None
            pairs.append(_pair(one, other, same_day, f"same phone {number}", likeness))
    return pairs


def _name(person: Any) -> str:
    return fold(f"{person.first_name} {person.last_name}")


def _pair(one: Any, other: Any, day: date | None, reason: str, likeness: int) -> DuplicatePair:
    return DuplicatePair(
        one.mrn, f"{one.last_name}, {one.first_name}", other.mrn,
        f"{other.last_name}, {other.first_name}", day, reason, likeness,
    )  # fmt: skip
