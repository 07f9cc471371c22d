"""Merging duplicate charts: everything of the duplicate moves to the survivor (visits,
coverage, notes, referrals, waitlist, messages, consent the survivor lacks), the
duplicate is kept as merged and its old MRN finds the survivor (lookup, show, book);
supervisors only; a merge into itself or of a merged chart is refused, nothing written;
likely duplicates are listed across the store."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlmodel import col, select

from schedtui.core.patients.duplicates import likely_duplicates
from schedtui.core.patients.lookup.service import find_in_store
from schedtui.core.patients.merge import merge_charts
from schedtui.core.schedule.directory import patient_id_for
from schedtui.core.security.access import PermissionDenied
from schedtui.core.support.errors import BadInput
from schedtui.data import models as m
from schedtui.data.store import Store
from tests.builders import NOW, Staff, TinyClinic, add_staff, build_tiny_clinic
from tests.cli_helpers import run_and_read as _cli
from tests.test_cli_messages import db  # noqa: F401 (the fixture)

TODAY = NOW.date()


@pytest.fixture
def clinic(any_store: Store) -> TinyClinic:
    clinic = build_tiny_clinic(any_store)
    with any_store.write() as session:  # Ann registered twice, as "Anne Smith"
        twin = m.Patient(mrn="MRN0099", first_name="Anne", last_name="Smith",
                         dob=date(1961, 1, 1), created_at=NOW, updated_at=NOW,
                         balance_cents=2500)  # fmt: skip
        session.add(twin)
        session.flush()
        assert twin.id is not None
        clinic.patients["twin"] = twin.id
        session.add(m.PatientPhone(patient_id=twin.id, number="+16175550123", is_primary=True))
        session.add(m.PatientPhone(patient_id=twin.id, number="+16175550188"))
        for channel in ("sms", "voice"):
            session.add(m.ContactConsent(patient_id=twin.id, channel=channel, granted=True,
                                         recorded_at=NOW))  # fmt: skip
        session.add(m.ContactConsent(patient_id=clinic.patients["ann"], channel="voice",
                                     granted=False, recorded_at=NOW))  # fmt: skip
        start = NOW + timedelta(days=2)
        session.add(m.Appointment(
            patient_id=twin.id, provider_id=clinic.okafor, site_id=clinic.boston,
            appointment_type_id=clinic.follow_up, start=start, end=start + timedelta(minutes=20),
            booked_at=NOW, updated_at=NOW,
        ))  # fmt: skip
        session.add(m.WaitlistEntry(patient_id=twin.id, appointment_type_id=clinic.follow_up,
                                    earliest_date=TODAY, created_at=NOW))  # fmt: skip
    return clinic


@pytest.fixture
def staff(any_store: Store, clinic: TinyClinic) -> Staff:
    return add_staff(any_store)


def _owner_counts(store: Store, patient_id: int) -> dict[str, int]:
    with store.read() as session:
        return {
            model.__tablename__: len(session.exec(  # type: ignore[attr-defined]
                select(model).where(col(model.patient_id) == patient_id)  # type: ignore[attr-defined]
            ).all())
            for model in (m.Appointment, m.WaitlistEntry, m.PatientPhone, m.ContactConsent)
        }  # fmt: skip


def test_everything_moves_and_the_old_mrn_finds_the_survivor(
    any_store: Store, clinic: TinyClinic, staff: Staff
) -> None:
    ann, twin = clinic.patients["ann"], clinic.patients["twin"]
    done = merge_charts(any_store, staff.supervisor, "MRN0001", "MRN0099", now=NOW)
    assert done.moved["appointment"] == 1 and done.moved["waitlist_entry"] == 1
    assert _owner_counts(any_store, twin) == {
        "appointment": 0, "waitlist_entry": 0, "patient_phone": 0, "contact_consent": 0,
    }  # fmt: skip
    with any_store.read() as session:
        owned = select(m.PatientPhone.number).where(col(m.PatientPhone.patient_id) == ann)
        numbers = sorted(session.exec(owned).all())
        consent = {c.channel: c.granted for c in session.exec(
            select(m.ContactConsent).where(col(m.ContactConsent.patient_id) == ann))}  # fmt: skip
        merged, survivor = session.get(m.Patient, twin), session.get(m.Patient, ann)
        assert merged is not None and survivor is not None
        assert patient_id_for(session, "MRN0099") == ann
        [row] = session.exec(select(m.AuditEvent)
                             .where(col(m.AuditEvent.entity) == "patient-merge")).all()  # fmt: skip
    assert numbers == ["+16175550123", "+16175550188"]  # the shared number once
    assert consent == {"sms": True, "voice": False}  # the survivor's own answer wins
    assert merged.merged_into_id == ann and survivor.balance_cents == 2500
    assert json.loads(row.detail_json)["survivor"] == "MRN0001"
    found = find_in_store(any_store, "MRN0099", now=NOW + timedelta(minutes=1), today=TODAY,
                          region="US")  # fmt: skip
    assert [match.mrn for match in found] == ["MRN0001"]
    by_name = find_in_store(any_store, "anne smith", now=NOW + timedelta(minutes=1),
                            today=TODAY, region="US")  # fmt: skip
    assert "MRN0099" not in [match.mrn for match in by_name]


@pytest.mark.parametrize(
    ("survivor", "merged", "said"),
    [("MRN0001", "MRN0001", "cannot be merged into itself"),
     ("MRN0001", "MRN7777", "There is no patient with MRN 'MRN7777'")],
)  # fmt: skip
def test_a_merge_that_cannot_be_is_refused_and_writes_nothing(
    any_store: Store, clinic: TinyClinic, staff: Staff, survivor: str, merged: str, said: str
) -> None:
    with pytest.raises(BadInput, match=said):
        merge_charts(any_store, staff.supervisor, survivor, merged, now=NOW)
    assert _owner_counts(any_store, clinic.patients["twin"])["appointment"] == 1


def test_only_a_supervisor_merges_and_a_merged_chart_is_not_merged_again(
    any_store: Store, clinic: TinyClinic, staff: Staff
) -> None:
    with pytest.raises(PermissionDenied, match="merge duplicate charts"):
        merge_charts(any_store, staff.scheduler, "MRN0001", "MRN0099", now=NOW)
    merge_charts(any_store, staff.supervisor, "MRN0001", "MRN0099", now=NOW)
    with pytest.raises(BadInput, match="MRN0099 was merged into MRN0001"):
        merge_charts(any_store, staff.supervisor, "MRN0002", "MRN0099", now=NOW)


def test_likely_duplicates_are_listed_by_birthday_and_name_or_by_phone(
    any_store: Store, clinic: TinyClinic, staff: Staff
) -> None:
    pairs = likely_duplicates(any_store, staff.scheduler, now=NOW)
    assert [(p.first_mrn, p.second_mrn) for p in pairs] == [("MRN0001", "MRN0099")]
    assert pairs[0].reason == "same date of birth, similar name" and pairs[0].likeness >= 80
    merge_charts(any_store, staff.supervisor, "MRN0001", "MRN0099", now=NOW)
    assert likely_duplicates(any_store, staff.scheduler, now=NOW) == []


def test_merge_and_duplicates_from_the_shell(
    db: str,  # noqa: F811 (the fixture)
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = _cli(capsys, "patients", "duplicates", "--json", "--db", db)
    assert code == 0, err
    assert isinstance(json.loads(out), list)
    code, _, err = _cli(capsys, "patients", "merge", "X1", "X1", "--db", db)
    assert code == 2 and "X1 cannot be merged into itself" in err
