"""Keeping a chart true: each field checked as at registration and named when wrong,
nothing written unless all are right, only what changed in the audit row (before and
after), the lookup finding the new number at once. A death recorded: coming visits
cancelled as "Patient: deceased", off the waitlist, no booking and no message after."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlmodel import col, select

from schedtui.core.messages.consent import call_point, contact_points
from schedtui.core.patients.chart_edit import ChartEdit, edit_patient
from schedtui.core.patients.lookup.service import find_in_store
from schedtui.core.patients.registration import RegistrationInvalid
from schedtui.core.schedule.booking import BookingRequest, book
from schedtui.core.schedule.deceased import record_death, take_back_death
from schedtui.core.support.errors import BadInput
from schedtui.data import models as m
from schedtui.data.store import Store
from schedtui.settings import load_settings
from tests.builders import NOW, SELF_PAY, Staff, TinyClinic, add_staff, build_tiny_clinic, local
from tests.cli_helpers import first_mrn
from tests.cli_helpers import run_and_read as _cli
from tests.test_cli_messages import db  # noqa: F401 (the fixture)

TODAY = NOW.date()
REGION = "US"


@pytest.fixture
def clinic(any_store: Store) -> TinyClinic:
    return build_tiny_clinic(any_store)


@pytest.fixture
def staff(any_store: Store, clinic: TinyClinic) -> Staff:
    return add_staff(any_store)


def _edit(store: Store, staff: Staff, mrn: str, **change: object) -> object:
    return edit_patient(store, staff.scheduler, mrn, ChartEdit(**change), now=NOW,  # type: ignore[arg-type]
                        region=REGION, today=TODAY)  # fmt: skip


def _patient(store: Store, mrn: str) -> m.Patient:
    with store.read() as session:
        return session.exec(select(m.Patient).where(col(m.Patient.mrn) == mrn)).one()


def _audit(store: Store, mrn: str) -> list[m.AuditEvent]:
    with store.read() as session:
        return list(session.exec(
            select(m.AuditEvent).where(col(m.AuditEvent.entity) == "patient")
            .where(col(m.AuditEvent.entity_id) == mrn).where(col(m.AuditEvent.action) == "update")
        ))  # fmt: skip


def test_a_new_number_becomes_the_primary_and_the_lookup_finds_it_at_once(
    any_store: Store, staff: Staff
) -> None:
    later = NOW + timedelta(minutes=5)
    edited = edit_patient(any_store, staff.scheduler, "MRN0001",
                          ChartEdit(phone="(617) 555-0199", phone_kind="home"), now=later,
                          region=REGION, today=TODAY)  # fmt: skip
    assert edited.after["phones"] == ["+16175550199 (home, primary)", "+16175550123 (mobile)"]
    found = find_in_store(any_store, "617 555 0199", now=later, today=TODAY, region=REGION)
    assert [match.mrn for match in found] == ["MRN0001"]
    patient = _patient(any_store, "MRN0001")
    assert patient.updated_at == later and patient.version == 2


def test_only_what_changed_is_kept_before_and_after(any_store: Store, staff: Staff) -> None:
    _edit(any_store, staff, "MRN0003", email="mk@example.org", language="ES",
          interpreter_needed=True, preferred_contact="email", city="Boston",
          emergency_contact_name="Pat O'Neil", emergency_contact_phone="617-555-0150")  # fmt: skip
    patient = _patient(any_store, "MRN0003")
    assert (patient.email, patient.language, patient.interpreter_needed) == (
        "mk@example.org", "es", True,
    )  # fmt: skip
    assert (patient.preferred_contact, patient.emergency_contact_phone) == ("email", "+16175550150")
    [row] = _audit(any_store, "MRN0003")
    detail = json.loads(row.detail_json)
    assert detail["before"] == {
        "email": "", "language": "en", "interpreter_needed": False, "city": "",
        "preferred_contact": "", "emergency_contact_name": "", "emergency_contact_phone": "",
    }  # fmt: skip
    assert detail["after"]["emergency_contact_phone"] == "+16175550150"
    assert row.patient_id == patient.id


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"email": "ann.example.org"}, "email: 'ann.example.org' is not an e-mail address"),
        ({"phone": "555"}, "phone: '555' is not a valid number in US"),
        ({"dob": "2030-01-01"}, "dob: is in the future"),
        ({"language": "english"}, "language: a language code like en, es, vi"),
        ({"preferred_contact": "fax"}, "preferred_contact: sms, email, voice"),
        ({"first_name": "  "}, "first_name: required"),
        ({"emergency_contact_phone": "12"}, "emergency_contact_phone: '12' is not a"),
        ({"city": "Bos\x1b[2Jton"}, "city: contains control characters"),
    ],
)
def test_a_wrong_field_is_named_and_nothing_is_written(
    any_store: Store, staff: Staff, change: dict[str, object], said: str
) -> None:
    with pytest.raises(RegistrationInvalid) as refused:
        _edit(any_store, staff, "MRN0001", last_name="Jones", **change)
    assert said in str(refused.value)
    patient = _patient(any_store, "MRN0001")
    assert (patient.last_name, patient.version) == ("Smith", 1) and _audit(
        any_store, "MRN0001"
    ) == []


def test_the_only_number_cannot_be_removed_nor_one_the_patient_does_not_have(
    any_store: Store, staff: Staff
) -> None:
    with pytest.raises(BadInput, match="only number; add another first"):
        _edit(any_store, staff, "MRN0001", remove_phone="+16175550123")
    with pytest.raises(BadInput, match="is not one of the patient's numbers"):
        _edit(any_store, staff, "MRN0001", remove_phone="617-555-0100")
    with pytest.raises(BadInput, match="Say what to change"):
        _edit(any_store, staff, "MRN0001")
    with pytest.raises(BadInput, match="There is no patient with MRN 'MRN9999'"):
        _edit(any_store, staff, "MRN9999", city="Boston")
    edited = _edit(any_store, staff, "MRN0001", phone="6175550177", remove_phone="6175550123")
    assert edited.after["phones"] == ["+16175550177 (mobile, primary)"]  # type: ignore[attr-defined]


def test_a_death_cancels_the_coming_visits_and_nothing_is_booked_or_sent_after(
    any_store: Store, clinic: TinyClinic, staff: Staff
) -> None:
    settings = load_settings()
    li = clinic.patients["li"]  # a visit tomorrow at 8:00 in Boston
    with any_store.write() as session:
        session.add(m.WaitlistEntry(patient_id=li, appointment_type_id=clinic.follow_up,
                                    earliest_date=TODAY, created_at=NOW))  # fmt: skip
        session.add(m.ContactConsent(patient_id=li, channel="voice", granted=True,
                                     recorded_at=NOW))  # fmt: skip
        session.add(m.PatientPhone(patient_id=li, number="+16175550111", is_primary=True))
    cancelled = record_death(any_store, staff.scheduler, "MRN0004", "2026-03-08", now=NOW,
                             today=TODAY, settings=settings)  # fmt: skip
    assert cancelled == 1
    with any_store.read() as session:
        visits = session.exec(select(m.Appointment).where(col(m.Appointment.patient_id) == li)
                              .where(col(m.Appointment.start) > NOW)).all()  # fmt: skip
        entry = session.exec(select(m.WaitlistEntry)).one()
        patient = session.get(m.Patient, li)
        assert patient is not None
        assert contact_points(session, patient, settings) == []
        assert call_point(session, patient) == []
    assert [(v.status, v.cancellation_reason) for v in visits] == [("cancelled", "pat-dec")]
    assert entry.status == "removed" and patient.deceased_on == date(2026, 3, 8)
    request = BookingRequest(li, clinic.okafor, "FU", local(TODAY + timedelta(days=2), 9, 0,
                             "America/New_York"), override_reason=SELF_PAY)  # fmt: skip
    with pytest.raises(BadInput, match="MRN0004 is recorded as deceased on 03/08/2026"):
        book(any_store, staff.scheduler, request, now=NOW, settings=settings)
    take_back_death(any_store, staff.scheduler, "MRN0004", now=NOW)
    assert not _patient(any_store, "MRN0004").deceased


@pytest.mark.parametrize(
    ("day", "said"),
    [("2026-03-10", "is in the future"), ("1950-01-01", "is before the patient's birth"),
     ("last blue moon", "is not a date")],
)  # fmt: skip
def test_a_death_day_that_cannot_be_is_refused(
    any_store: Store, staff: Staff, day: str, said: str
) -> None:
    with pytest.raises(BadInput, match=said):
        record_death(any_store, staff.scheduler, "MRN0004", day, now=NOW, today=TODAY,
                     settings=load_settings())  # fmt: skip
    assert not _patient(any_store, "MRN0004").deceased


def test_patients_edit_changes_what_is_asked_and_names_a_wrong_option(
    db: str,  # noqa: F811 (the fixture)
    capsys: pytest.CaptureFixture[str],
) -> None:
    mrn = first_mrn(db)
    code, out, err = _cli(capsys, "patients", "edit", mrn, "--email", "new@example.org",
                                  "--prefers", "email", "--json", "--db", db)  # fmt: skip
    assert code == 0, err
    changed = json.loads(out)
    assert changed["after"] == {"email": "new@example.org", "preferred_contact": "email"}
    code, _, err = _cli(capsys, "patients", "edit", mrn, "--phone", "12", "--city",
                                "X\x1b", "--db", db)  # fmt: skip
    assert code == 2 and "--phone: '12' is not a valid number in US" in err
    assert "--city: contains control characters" in err
    code, _, err = _cli(capsys, "patients", "edit", mrn, "--deceased", "2026-11-01",
                                "--city", "Boston", "--db", db)  # fmt: skip
    assert code == 2 and "Record a death (or take one back) on its own" in err
    shown = _cli(capsys, "patients", "show", mrn, "--db", db)[1]
    assert "prefers e-mail" in shown and "new@example.org" in shown


def test_the_panel_says_deceased_and_the_emergency_contact_which_the_mask_hides(
    any_store: Store, clinic: TinyClinic, staff: Staff
) -> None:
    from zoneinfo import ZoneInfo

    from schedtui.core.views.patient_panel import patient_panel
    from schedtui.widgets.patient_panel_view import panel_text

    _edit(any_store, staff, "MRN0004", emergency_contact_name="Mei Li",
          emergency_contact_phone="6175550150", preferred_contact="voice")  # fmt: skip
    record_death(any_store, staff.scheduler, "MRN0004", "03/08/2026", now=NOW, today=TODAY,
                 settings=load_settings())  # fmt: skip
    panel = patient_panel(any_store, staff.scheduler, clinic.patients["li"], now=NOW)
    zone = ZoneInfo("America/New_York")
    shown = panel_text(panel, mask=False, region=REGION, zone=zone).plain
    hidden = panel_text(panel, mask=True, region=REGION, zone=zone).plain
    assert "DECEASED on 03/08/2026: no visits are booked, no messages sent" in shown
    assert "Mei Li, +16175550150" in shown and "prefers calls" in shown
    assert "Mei Li" not in hidden and "6175550150" not in hidden
