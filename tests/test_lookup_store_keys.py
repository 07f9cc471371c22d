"""The lookup's keys kept in the store: a search made from them ranks exactly as the
in-memory index does (every query form: names misspelt, partial, nicknames, sounds, dates
of birth, phone digits, MRNs), and a patient added or changed by another process is
found at the next search."""

from __future__ import annotations

import multiprocessing
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select
from sqlmodel import col
from sqlmodel import select as sm_select

from schedtui.core.patients.lookup.service import find_in_store, find_patients, refresh
from schedtui.core.patients.lookup.store_keys import catch_up
from schedtui.data import models as m
from schedtui.data.store import Store

NOW = datetime(2026, 11, 27, 15, tzinfo=UTC)
TODAY = NOW.date()

#: What schedulers type, beyond the misspellings made from each patient below.
QUERIES = [
    "smith", "smi", "s", "bob", "liz", "jon smth", "smyth", "garcai", "o'neil",
    "mary kate", "1/1/1980", "march 4 61", "4471", "555-0003", "zzzz", "ann 4471",
    "gonzales maria", "kat", "chris", "will", "alex", "jo", "mc", "van",
]  # fmt: skip


def _misspelt(first: str, last: str) -> list[str]:
    swapped = last[:1] + last[2:3] + last[1:2] + last[3:] if len(last) > 3 else last + "e"
    return [
        f"{first} {last}",
        last[:3],
        f"{first[:2]} {last[:4]}",
        swapped,
        f"{last[:-1]}{'x' if last[-1] != 'x' else 'y'}",
        f"{first.lower()} {swapped}",
    ]


def _shown(found: list) -> list[tuple[int, float]]:  # type: ignore[type-arg]
    return [(match.patient_id, round(match.score, 6)) for match in found]


def test_the_store_keys_rank_as_the_full_index_does(seeded_store: Store) -> None:
    with seeded_store.read() as session:
        people = session.exec(sm_select(m.Patient).order_by(col(m.Patient.id)).limit(40)).all()
        mrns = [p.mrn for p in people[:5]]
        queries = QUERIES + mrns + [q for p in people for q in _misspelt(p.first_name, p.last_name)]
        queries += [f"{p.dob:%m/%d/%Y}" for p in people[:10]]
        # names with a date of birth, an MRN or phone digits: every part must fit
        queries += [f"{p.last_name} {p.dob:%m/%d/%y}" for p in people[10:16]]
        queries += [f"{p.first_name[:3]} {p.mrn}" for p in people[16:20]]
        queries += [f"{p.last_name} {people[0].mrn}" for p in people[20:22]]  # not theirs
        phones = session.exec(sm_select(m.PatientPhone).limit(6).offset(30)).all()
        owned = col(m.Patient.id).in_([ph.patient_id for ph in phones])
        owners = {p.id: p for p in session.exec(sm_select(m.Patient).where(owned))}
        queries += [f"{owners[ph.patient_id].last_name[:4]} {ph.number[-4:]}" for ph in phones]
        queries += [f"{people[0].last_name} {ph.number[-4:]}" for ph in phones[:2]]
        index = refresh(session, None)
        expected = {
            q: _shown(find_patients(session, index, q, now=NOW, today=TODAY, region="US"))
            for q in queries
        }
    differ = {}
    for query in queries:
        got = _shown(find_in_store(seeded_store, query, now=NOW, today=TODAY, region="US"))
        if got != expected[query]:
            differ[query] = (got[:3], expected[query][:3])
    assert sum(1 for found in expected.values() if found) > len(queries) * 0.8
    assert differ == {}


def test_keys_are_made_once_and_only_for_what_changed(seeded_store: Store) -> None:
    keyed = catch_up(seeded_store, NOW)
    with seeded_store.read() as session:
        patients = session.execute(select(func.count()).select_from(m.Patient)).scalar()
    assert keyed == patients
    assert catch_up(seeded_store, NOW) == 0
    with seeded_store.write() as session:
        someone = session.exec(sm_select(m.Patient).order_by(col(m.Patient.id)).limit(1)).one()
        someone.last_name = "Quetzalcoatl"
        someone.updated_at = NOW + timedelta(days=1)
    assert catch_up(seeded_store, NOW) == 1
    (found,) = find_in_store(seeded_store, "quetzalcoatl", now=NOW, today=TODAY, region="US")
    assert found.patient_id == someone.id


def _register_elsewhere(url: str) -> None:
    """Another process adds a patient straight into the store (not through this one)."""
    store = Store.open(url)
    with store.write() as session:
        patient = m.Patient(
            mrn="ELSEWHERE1",
            first_name="Ottoline",
            last_name="Vandersteen",
            dob=date(1970, 2, 3),
            created_at=NOW,
            updated_at=NOW - timedelta(days=400),  # an old clock: found all the same
        )
        session.add(patient)
    store.dispose()


def test_a_patient_added_by_another_process_is_found_at_the_next_search(
    any_store: Store,
) -> None:
    store = any_store
    assert find_in_store(store, "vandersteen", now=NOW, today=TODAY, region="US") == []
    process = multiprocessing.get_context("spawn").Process(
        target=_register_elsewhere, args=(store.url.render_as_string(hide_password=False),)
    )
    process.start()
    process.join(60)
    assert process.exitcode == 0
    (found,) = find_in_store(store, "vandersten", now=NOW, today=TODAY, region="US")
    assert found.mrn == "ELSEWHERE1"
