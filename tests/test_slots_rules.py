"""Search rules one at a time: monthly templates, notice, per-day caps, ranking, language."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlmodel import col, select

from schedtui.core.schedule.booking import BookingRequest
from schedtui.core.schedule.slots import SlotRequest, find_open_slots
from schedtui.core.security.access import Actor
from schedtui.data import models as m
from schedtui.data.store import Store
from tests.builders import book_self_pay
from tests.engine_clinic import build_engine_clinic

NOW = datetime(2026, 3, 6, 17, 0, tzinfo=UTC)
ACTOR = Actor(None, "ava", "scheduler")


def _find(store: Store, **fields: object) -> list:  # type: ignore[type-arg]
    with store.read() as session:
        return find_open_slots(session, SlotRequest(**fields), now=NOW)  # type: ignore[arg-type]


def test_first_monday_of_the_month_template(sqlite_store: Store) -> None:
    clinic = build_engine_clinic(sqlite_store)
    with sqlite_store.write() as session:
        monthly = m.ScheduleTemplate(
            provider_id=clinic.ortega,
            site_id=clinic.site,
            rrule="FREQ=MONTHLY;BYDAY=1MO",
            start_time=time(8),
            end_time=time(9),
            effective_from=date(2026, 1, 5),
        )
        session.add(monthly)
        session.flush()
        session.add(
            m.TemplateAppointmentType(
                template_id=monthly.id or 0, appointment_type_id=clinic.follow_up
            )
        )
    slots = _find(
        sqlite_store,
        type_code="FU",
        provider_ids=(clinic.ortega,),
        after=date(2026, 3, 7),
        before=date(2026, 5, 31),
        day_part="morning",
        limit=50,
    )
    days = sorted({s.start.astimezone(clinic.zone).date() for s in slots})
    assert days == [date(2026, 4, 6), date(2026, 5, 4)]


def test_minimum_notice_and_per_day_cap(sqlite_store: Store) -> None:
    clinic = build_engine_clinic(sqlite_store)
    with sqlite_store.write() as session:
        session.add(
            m.BookingLimit(appointment_type_id=clinic.follow_up, min_notice_minutes=3 * 24 * 60)
        )
        session.add(
            m.BookingLimit(
                provider_id=clinic.okafor, appointment_type_id=clinic.follow_up, max_per_day=2
            )
        )
    slots = _find(sqlite_store, type_code="FU", provider_ids=(clinic.okafor,), limit=5)
    assert slots[0].start.astimezone(clinic.zone).date() == date(2026, 3, 10)  # Mon is too soon
    monday = date(2026, 3, 12)
    for hour, patient in ((8, 0), (9, 1)):
        book_self_pay(
            sqlite_store,
            ACTOR,
            BookingRequest(clinic.patients[patient], clinic.okafor, "FU", clinic.at(monday, hour)),
            now=NOW,
        )
    later = _find(
        sqlite_store, type_code="FU", provider_ids=(clinic.okafor,), after=monday, before=monday
    )
    assert later == []


def test_own_provider_first_and_spread(sqlite_store: Store) -> None:
    clinic = build_engine_clinic(sqlite_store)
    with sqlite_store.write() as session:
        patient = session.get(m.Patient, clinic.patients[0])
        assert patient is not None
        patient.primary_provider_id = clinic.ortega
    own = _find(
        sqlite_store, type_code="FU", patient_id=clinic.patients[0], limit=4, ranking="own-provider"
    )
    spread = _find(sqlite_store, type_code="FU", limit=4, ranking="spread")
    assert own[0].provider_id == clinic.ortega and "the patient's own provider" in own[0].why
    assert {s.provider_id for s in spread[:2]} == {clinic.okafor, clinic.ortega}


def test_a_language_the_provider_lacks_needs_a_free_interpreter(sqlite_store: Store) -> None:
    clinic = build_engine_clinic(sqlite_store)
    assert _find(sqlite_store, type_code="FU", language="vi") == []
    with sqlite_store.write() as session:
        session.add(m.Resource(kind="interpreter", name="Vietnamese interpreter", language="vi"))
        session.add(m.ProviderLanguage(provider_id=clinic.ortega, language="es"))
    with_interpreter = _find(sqlite_store, type_code="FU", language="vi", limit=2)
    speaks = _find(
        sqlite_store, type_code="FU", language="es", provider_ids=(clinic.ortega,), limit=1
    )
    assert with_interpreter and with_interpreter[0].interpreter_language == "vi"
    assert "Dr. Luis Ortega speaks es" in speaks[0].why and speaks[0].interpreter_language is None


def test_out_of_network_and_closed_panels_are_left_out(sqlite_store: Store) -> None:
    clinic = build_engine_clinic(sqlite_store)
    with sqlite_store.write() as session:
        payer = m.Payer(name="Plan", x12_payer_id="P1")
        session.add(payer)
        session.flush()
        session.add(
            m.Coverage(
                patient_id=clinic.patients[0],
                payer_id=payer.id or 0,
                member_id="M1",
                effective_from=date(2025, 1, 1),
            )
        )
        for provider in (clinic.okafor, clinic.ortega):
            session.add(m.ProviderPayer(provider_id=provider, payer_id=payer.id or 0))
        ortega = session.exec(select(m.Provider).where(col(m.Provider.id) == clinic.ortega)).one()
        ortega.accepts_new_patients = False  # and the patient has never seen him
    slots = _find(sqlite_store, type_code="FU", patient_id=clinic.patients[0], limit=20)
    assert slots and {s.provider_id for s in slots} == {clinic.okafor}
    assert "in network for the patient's plan" in slots[0].why
    with sqlite_store.write() as session:
        link = session.get(m.ProviderPayer, (clinic.okafor, payer.id))
        assert link is not None
        link.in_network = False
    assert _find(sqlite_store, type_code="FU", patient_id=clinic.patients[0]) == []
