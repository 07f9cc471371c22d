"""The schema refuses wrong data by itself, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from schedtui.data import models as m
from schedtui.data.store import Store
from tests.builders import NOW, build_tiny_clinic


def _appointment(clinic_ids: dict[str, int], **changes: object) -> m.Appointment:
    start = NOW + timedelta(days=2)
    values: dict[str, object] = {
        "patient_id": clinic_ids["patient"],
        "provider_id": clinic_ids["provider"],
        "site_id": clinic_ids["site"],
        "appointment_type_id": clinic_ids["type"],
        "start": start,
        "end": start + timedelta(minutes=20),
        "booked_at": NOW,
        "updated_at": NOW,
    }
    values.update(changes)
    return m.Appointment(**values)


@pytest.fixture
def ids(any_store: Store) -> dict[str, int]:
    clinic = build_tiny_clinic(any_store)
    return {
        "patient": clinic.patients["ann"],
        "provider": clinic.okafor,
        "site": clinic.boston,
        "type": clinic.follow_up,
    }


def _refused(store: Store, row: m.SQLModel) -> None:
    with pytest.raises(IntegrityError), store.write() as session:
        session.add(row)


def test_appointment_that_ends_before_it_starts_is_refused(
    any_store: Store, ids: dict[str, int]
) -> None:
    _refused(any_store, _appointment(ids, end=NOW + timedelta(days=2) - timedelta(minutes=1)))


def test_appointment_with_unknown_fhir_status_is_refused(
    any_store: Store, ids: dict[str, int]
) -> None:
    _refused(any_store, _appointment(ids, status="done"))


def test_appointment_with_unknown_cancellation_reason_is_refused(
    any_store: Store, ids: dict[str, int]
) -> None:
    _refused(any_store, _appointment(ids, status="cancelled", cancellation_reason="pat-bored"))


def test_appointment_for_missing_patient_is_refused(any_store: Store, ids: dict[str, int]) -> None:
    _refused(any_store, _appointment(ids, patient_id=999_999))


def test_overbooking_without_a_reason_is_refused(any_store: Store, ids: dict[str, int]) -> None:
    _refused(any_store, _appointment(ids, overbooked=True, overbook_reason=""))


def test_valid_appointment_is_stored_with_utc_times(any_store: Store, ids: dict[str, int]) -> None:
    with any_store.write() as session:
        row = _appointment(ids, cancellation_reason=None)
        session.add(row)
    with any_store.read() as session:
        stored = session.get(m.Appointment, row.id)
        assert stored is not None
        assert stored.start == NOW + timedelta(days=2)
        assert stored.start.tzinfo is not None and stored.start.utcoffset() == timedelta(0)


def test_naive_datetime_is_refused_before_reaching_the_database(
    any_store: Store, ids: dict[str, int]
) -> None:
    naive = datetime(2026, 3, 10, 9, 0)
    with pytest.raises(Exception, match="naive datetime"), any_store.write() as session:
        session.add(_appointment(ids, start=naive, end=naive + timedelta(minutes=20)))


def test_duplicate_mrn_is_refused(any_store: Store, ids: dict[str, int]) -> None:
    _refused(
        any_store,
        m.Patient(
            mrn="MRN0001",
            first_name="Other",
            last_name="Person",
            dob=date(1990, 1, 1),
            created_at=NOW,
            updated_at=NOW,
        ),
    )


def test_duplicate_user_name_is_refused(any_store: Store) -> None:
    with any_store.write() as session:
        session.add(m.User(username="ava", role="scheduler", created_at=NOW))
    _refused(any_store, m.User(username="ava", role="supervisor", created_at=NOW))


def test_unknown_role_is_refused(any_store: Store) -> None:
    _refused(any_store, m.User(username="eve", role="superuser", created_at=NOW))


@pytest.mark.parametrize("amount", [0, -500])
def test_payment_must_be_positive_cents(any_store: Store, ids: dict[str, int], amount: int) -> None:
    _refused(
        any_store,
        m.Payment(
            patient_id=ids["patient"],
            amount_cents=amount,
            method="card",
            kind="copay",
            received_at=NOW,
        ),
    )


def test_negative_patient_balance_is_refused(any_store: Store, ids: dict[str, int]) -> None:
    _refused(
        any_store,
        m.Patient(
            mrn="NEW1",
            first_name="A",
            last_name="B",
            dob=date(1990, 1, 1),
            balance_cents=-1,
            created_at=NOW,
            updated_at=NOW,
        ),
    )


def test_coverage_copay_cannot_be_negative(any_store: Store, ids: dict[str, int]) -> None:
    with any_store.write() as session:
        payer = m.Payer(name="Test payer", x12_payer_id="TP1")
        session.add(payer)
    _refused(
        any_store,
        m.Coverage(
            patient_id=ids["patient"],
            payer_id=payer.id or 0,
            member_id="X1",
            effective_from=date(2025, 1, 1),
            copay_cents=-100,
        ),
    )


def test_block_of_unknown_kind_is_refused(any_store: Store, ids: dict[str, int]) -> None:
    _refused(
        any_store,
        m.ScheduleBlock(
            provider_id=ids["provider"], kind="nap", start=NOW, end=NOW + timedelta(hours=1)
        ),
    )


def test_template_window_must_end_after_it_starts(any_store: Store, ids: dict[str, int]) -> None:
    _refused(
        any_store,
        m.ScheduleTemplate(
            provider_id=ids["provider"],
            site_id=ids["site"],
            rrule="FREQ=WEEKLY;BYDAY=MO",
            start_time=time(17),
            end_time=time(8),
            effective_from=date(2026, 1, 5),
        ),
    )


def test_failed_write_leaves_nothing_behind(any_store: Store, ids: dict[str, int]) -> None:
    with pytest.raises(IntegrityError), any_store.write() as session:
        session.add(
            m.Patient(
                mrn="HALF1",
                first_name="Half",
                last_name="Written",
                dob=date(1990, 1, 1),
                created_at=NOW,
                updated_at=NOW,
            )
        )
        session.flush()
        session.add(_appointment(ids, status="bogus"))
    with any_store.read() as session:
        assert session.exec(select(m.Patient).where(m.Patient.mrn == "HALF1")).first() is None


def test_every_domain_noun_has_its_table() -> None:
    expected = {
        "site",
        "specialty",
        "provider",
        "provider_site",
        "provider_specialty",
        "provider_language",
        "provider_payer",
        "resource",
        "appointment_type",
        "schedule_template",
        "template_appointment_type",
        "schedule_block",
        "closure",
        "patient",
        "patient_phone",
        "contact_consent",
        "payer",
        "payer_rule",
        "coverage",
        "eligibility_check",
        "prior_authorization",
        "referral",
        "appointment",
        "slot_hold",
        "waitlist_entry",
        "call_note",
        "message",
        "payment",
        "escalation",
        "complaint",
        "recall_campaign",
        "recall_entry",
        "app_user",
        "audit_event",
        "domain_event",
        "site_hours",
    }
    assert expected <= set(m.metadata.tables)


def test_lookup_indexes_exist() -> None:
    def indexed(table: str) -> set[tuple[str, ...]]:
        found = {tuple(c.name for c in index.columns) for index in m.metadata.tables[table].indexes}
        found |= {
            tuple(c.name for c in u.columns)
            for u in m.metadata.tables[table].constraints
            if u.__class__.__name__ == "UniqueConstraint"
        }
        return found

    assert {("last_name", "first_name"), ("dob",), ("mrn",)} <= indexed("patient")
    assert ("number",) in indexed("patient_phone")
    assert {("provider_id", "start"), ("patient_id", "start")} <= indexed("appointment")
