"""Patient lookup: the patient is on top while the caller is still spelling."""

from __future__ import annotations

import json
import multiprocessing
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from schedtui.cli import run
from schedtui.core.patients.lookup.query import parse_query
from schedtui.core.patients.lookup.service import find_patients, refresh
from schedtui.core.upkeep.stores import open_store
from schedtui.data import models as m
from schedtui.data.store import Store
from tests.builders import DAY, build_tiny_clinic, local
from tests.builders import NOW as TINY_NOW
from tests.cli_helpers import link_first_admin

NOW = datetime(2026, 11, 27, 15, tzinfo=UTC)
TODAY = NOW.date()
PEOPLE = [
    # first, last, dob, phone
    ("Robert", "Smith", date(1961, 3, 4), "+16175554471"),
    ("Jonathan", "Smith", date(1980, 7, 1), "+16175550001"),
    ("Elizabeth", "Garcia-Lopez", date(1975, 12, 24), "+13125550002"),
    ("José", "García", date(1961, 3, 4), "+13125550003"),
    ("Mary-Kate", "O'Neil", date(2001, 5, 6), "+19785550004"),
    ("Ann", "Jones", date(1990, 1, 2), "+17815554471"),
    ("Samuel", "Brooks", date(1955, 8, 9), "+18575550005"),
]


def _add(store: Store, people: list[tuple[str, str, date, str]], first_mrn: int = 1) -> None:
    with store.write() as session:
        for number, (first, last, dob, phone) in enumerate(people, start=first_mrn):
            patient = m.Patient(
                mrn=f"M{number:05d}",
                first_name=first,
                last_name=last,
                dob=dob,
                created_at=NOW,
                updated_at=NOW + timedelta(seconds=number),
            )
            session.add(patient)
            session.flush()
            session.add(m.PatientPhone(patient_id=patient.id or 0, number=phone, is_primary=True))


@pytest.fixture
def store(sqlite_store: Store) -> Store:
    _add(sqlite_store, PEOPLE)
    return sqlite_store


def _top(store: Store, query: str, count: int = 1) -> list[str]:
    with store.read() as session:
        index = refresh(session, None)
        found = find_patients(session, index, query, now=NOW, today=TODAY, region="US")
    return [match.name for match in found[:count]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("smi jo", "Smith, Jonathan"),
        ("jon smith", "Smith, Jonathan"),
        ("jon smyth", "Smith, Jonathan"),
        ("SMITH robert", "Smith, Robert"),
        ("bob smith", "Smith, Robert"),
        ("liz garcia", "Garcia-Lopez, Elizabeth"),
        ("lopez", "Garcia-Lopez, Elizabeth"),
        ("garcialopez", "Garcia-Lopez, Elizabeth"),
        ("jose", "García, José"),
        ("oneil", "O'Neil, Mary-Kate"),
        ("o'neil mary kate", "O'Neil, Mary-Kate"),
        ("broks", "Brooks, Samuel"),
        ("M00007", "Brooks, Samuel"),
        ("(857) 555-0005", "Brooks, Samuel"),
        ("857.555.0005", "Brooks, Samuel"),
        ("12/24/1975", "Garcia-Lopez, Elizabeth"),
        ("12241975", "Garcia-Lopez, Elizabeth"),
        ("1975-12-24", "Garcia-Lopez, Elizabeth"),
        ("december 24 75", "Garcia-Lopez, Elizabeth"),
        ("garcia 3/4/61", "García, José"),
        ("ann 4471", "Jones, Ann"),
        ("smith 4471", "Smith, Robert"),
    ],
)
def test_the_right_patient_is_on_top(store: Store, query: str, expected: str) -> None:
    assert _top(store, query) == [expected]


def test_a_misspelling_that_is_another_real_name_still_finds_the_patient(store: Store) -> None:
    """With no one fitting every part typed, close spellings are tried: "smitn" is nobody's
    name, "jonas" and "may" are."""
    _add(store, [("Max", "Jonas", date(1999, 9, 9), "+16175550042")], first_mrn=20)
    _add(store, [("Kellie", "May", date(1992, 12, 31), "+16175550043")], first_mrn=21)
    assert _top(store, "jonathan smitn") == ["Smith, Jonathan"]
    assert _top(store, "ann jonas") == ["Jones, Ann"]
    assert _top(store, "kellie max") == ["May, Kellie"]


def test_an_mrn_of_digits_is_found_even_where_it_reads_as_a_date_or_phone(
    sqlite_store: Store,
) -> None:
    _add(sqlite_store, PEOPLE)
    with sqlite_store.write() as session:
        for patient in session.exec(select(m.Patient)):
            patient.mrn = f"1012{patient.id:04d}"  # 10120001 also reads as 10/12/0001
    assert _top(sqlite_store, "10120003") == ["Garcia-Lopez, Elizabeth"]
    assert _top(sqlite_store, "10120007") == ["Brooks, Samuel"]


def test_a_date_of_birth_alone_lists_everyone_born_then(store: Store) -> None:
    assert sorted(_top(store, "3/4/61", 5)) == ["García, José", "Smith, Robert"]


def test_nothing_matches_nonsense(store: Store) -> None:
    assert _top(store, "zzqx") == []
    assert _top(store, "   ") == []


def test_rows_carry_what_a_scheduler_needs(store: Store) -> None:
    with store.read() as session:
        [match] = find_patients(
            session, refresh(session, None), "brooks", now=NOW, today=TODAY, region="US"
        )
    assert (match.mrn, match.age, match.phone) == ("M00007", 71, "(857) 555-0005")
    assert match.dob == date(1955, 8, 9) and "name ~ brooks" in match.why


@pytest.mark.parametrize(
    ("text", "dates"),
    [
        ("3/4/61", {date(1961, 3, 4)}),
        ("03041961", {date(1961, 3, 4)}),
        ("1961-03-04", {date(1961, 3, 4)}),
        ("march 4 61", {date(1961, 3, 4)}),
        ("4 mar 1961", {date(1961, 3, 4)}),
        ("3/4/30", {date(1930, 3, 4)}),
        ("3/4/25", {date(2025, 3, 4)}),
        ("13/40/61", set()),
        ("3/4/2090", set()),
    ],
)
def test_dates_of_birth_in_the_forms_people_say_them(text: str, dates: set[date]) -> None:
    assert parse_query(text, TODAY).birth_dates == dates


def _register_elsewhere(url: str) -> None:
    store = Store.open(url)
    _add(store, [("Priya", "Raman", date(1970, 2, 2), "+16175550099")], first_mrn=50)
    store.dispose()


def test_the_index_sees_patients_another_process_adds(store: Store) -> None:
    with store.read() as session:
        index = refresh(session, None)
    assert index.search(parse_query("raman", TODAY)) == []
    process = multiprocessing.get_context("spawn").Process(
        target=_register_elsewhere, args=(str(store.path),)
    )
    process.start()
    process.join(timeout=60)
    with store.read() as session:
        index = refresh(session, index)
        [match] = find_patients(session, index, "raman", now=NOW, today=TODAY, region="US")
    assert match.mrn == "M00050"


def test_an_edit_replaces_what_the_index_knew(store: Store) -> None:
    with store.read() as session:
        index = refresh(session, None)
    with store.write() as session:
        patient = session.get(m.Patient, 7)
        assert patient is not None
        patient.last_name = "Brooks-Hale"
        patient.updated_at = NOW + timedelta(days=1)
    with store.read() as session:
        index = refresh(session, index)
        names = [
            m.name for m in find_patients(session, index, "hale", now=NOW, today=TODAY, region="US")
        ]
    assert names == ["Brooks-Hale, Samuel"]
    assert len(index.entries) == len(PEOPLE)


def test_cli_find(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "clinic.db"
    seeded = open_store(str(path), now=NOW).store
    _add(seeded, PEOPLE)
    seeded.dispose()
    link_first_admin(str(path), monkeypatch, capsys)
    assert run(["patients", "find", "bob smith", "--json", "--db", str(path)]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["mrn"] == "M00001" and set(rows[0]) >= {
        "mrn",
        "name",
        "dob",
        "age",
        "phone",
        "next_appointment",
        "alerts",
    }


def _misspelt(p: m.Patient) -> list[str]:
    """What schedulers type for this patient: misspelt, partial, nickname-free forms."""
    first, last = p.first_name, p.last_name
    swapped = last[:1] + last[2:3] + last[1:2] + last[3:] if len(last) > 3 else last + "e"
    return [
        f"{first} {last[:-1]}x",  # the last letter wrong
        f"{swapped} {first}",  # two letters swapped, names in the other order
        f"{last[:4]} {first[:3]}",  # fragments
        f"{last.lower()} {p.dob:%-m/%-d/%y}",  # surname and birth date
        f"{first[:2]} {last} {p.dob:%m%d%Y}",
    ]


def test_misspelt_and_partial_queries_find_the_patient_in_the_top_3(
    seeded_store: Store,
) -> None:
    """On the seeded clinic, every query made from 40 patients puts them (or a namesake)
    in the top 3."""
    with seeded_store.read() as session:
        patients = session.exec(select(m.Patient).order_by(m.Patient.id).limit(40)).all()
        index = refresh(session, None)
        missed = []
        for patient in patients:
            for query in _misspelt(patient):
                found = find_patients(session, index, query, now=NOW, today=TODAY, region="US")
                if not any(
                    x.patient_id == patient.id
                    or x.name == f"{patient.last_name}, {patient.first_name}"
                    for x in found[:3]
                ):
                    missed.append((query, [x.name for x in found[:3]]))
    assert missed == []


def test_next_visit_is_dated_in_its_sites_zone_and_alerts_come_brief_too(
    sqlite_store: Store,
) -> None:
    clinic = build_tiny_clinic(sqlite_store)
    evening = local(DAY + timedelta(days=2), 20, 30, "America/New_York")  # 00:30 UTC next day
    with sqlite_store.write() as session:
        session.add(
            m.Appointment(
                patient_id=clinic.patients["jose"],
                provider_id=clinic.okafor,
                site_id=clinic.boston,
                appointment_type_id=clinic.follow_up,
                start=evening,
                end=evening + timedelta(minutes=20),
                status="booked",
                booked_at=TINY_NOW,
                updated_at=TINY_NOW,
            )
        )
    with sqlite_store.read() as session:
        index = refresh(session, None)
        (match,) = find_patients(
            session, index, "garcia", now=TINY_NOW, today=DAY, region="US", limit=1
        )
    assert match.next_appointment is not None
    assert evening.date() == DAY + timedelta(days=3)  # the UTC date is the day after
    assert match.next_appointment.date() == DAY + timedelta(days=2)
    assert f"{match.next_appointment:%H:%M %Z}" == "20:30 EDT"
    assert match.alerts == ("interpreter (es)",)
    assert match.brief_alerts == ("interp es",)
