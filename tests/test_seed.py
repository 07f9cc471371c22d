"""The synthetic clinic: deterministic for a seed, and shaped like a real multi-site clinic."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import phonenumbers
import pytest
from sqlalchemy import text
from sqlmodel import Session, col, func, select

from schedtui.data import models as m
from schedtui.data.errors import StoreError
from schedtui.data.migrate import upgrade
from schedtui.data.recurrence import windows
from schedtui.data.seed import seed_store
from schedtui.data.store import Store
from tests.conftest import SEED_NOW, SEED_PATIENTS


def _digest(path: Path) -> str:
    store = Store.open(str(path))
    digest = hashlib.sha256()
    with store.read() as session:
        for table in sorted(m.metadata.tables):
            if table in ("store_info", "reference_version", "outbox_cursor"):  # when made; random
                continue
            for row in session.execute(text(f'SELECT * FROM "{table}" ORDER BY 1, 2')):
                digest.update(repr(tuple(row)).encode())
    store.dispose()
    return digest.hexdigest()


def _seed(path: Path, seed: int, patients: int = SEED_PATIENTS) -> Path:
    store = Store.open(str(path))
    upgrade(store)
    seed_store(store, patients=patients, seed=seed, now=SEED_NOW)
    store.dispose()
    return path


def test_same_seed_gives_the_same_clinic(seeded_file: Path, tmp_path: Path) -> None:
    assert _digest(_seed(tmp_path / "again.db", 7)) == _digest(seeded_file)


def test_patients_written_in_small_batches_make_the_same_clinic(
    seeded_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The patients stream to the store in batches (a million never held at once); the
    size of a batch changes nothing written."""
    import schedtui.data.seed as seed_module

    original = seed_module.make_patients
    monkeypatch.setattr(
        seed_module,
        "make_patients",
        lambda *args, **kwargs: original(*args, **kwargs, batch_size=97),
    )
    assert _digest(_seed(tmp_path / "batched.db", 7)) == _digest(seeded_file)


def test_another_seed_gives_another_clinic(seeded_file: Path, tmp_path: Path) -> None:
    assert _digest(_seed(tmp_path / "other.db", 8)) != _digest(seeded_file)


def test_seeding_a_store_that_holds_a_clinic_is_refused(seeded_store: Store) -> None:
    with pytest.raises(StoreError, match="already holds a clinic"):
        seed_store(seeded_store, patients=10, seed=1, now=SEED_NOW)


def test_seed_refuses_a_silly_patient_count(sqlite_store: Store) -> None:
    with pytest.raises(ValueError, match="between 1 and"):
        seed_store(sqlite_store, patients=0, seed=1, now=SEED_NOW)


@pytest.fixture
def session(seeded_store: Store) -> Session:
    with seeded_store.read() as session:
        return session


def _count(session: Session, statement: object) -> int:
    return int(session.execute(statement).scalar_one())  # type: ignore[call-overload]


class TestClinicShape:
    def test_three_sites_in_two_timezones(self, session: Session) -> None:
        sites = session.exec(select(m.Site)).all()
        assert len(sites) == 3
        assert len({site.timezone for site in sites}) == 2
        assert _count(session, select(func.count()).select_from(m.SiteHours)) >= 15

    def test_twelve_providers_across_the_six_specialties(self, session: Session) -> None:
        assert _count(session, select(func.count()).select_from(m.Provider)) == 12
        specialties = session.exec(select(m.Specialty.code)).all()
        assert set(specialties) == {"FM", "CARD", "ORTH", "RAD", "PT", "BH"}
        linked = session.exec(select(func.count(func.distinct(m.ProviderSpecialty.specialty_id))))
        assert linked.one() == 6

    def test_some_providers_are_bilingual_and_some_do_telehealth(self, session: Session) -> None:
        languages = session.exec(
            select(m.ProviderLanguage.provider_id, func.count()).group_by(
                col(m.ProviderLanguage.provider_id)
            )
        ).all()
        assert sum(1 for _, count in languages if count > 1) >= 3
        assert session.exec(select(m.Provider).where(col(m.Provider.telehealth))).first()
        assert session.exec(
            select(m.Provider).where(col(m.Provider.accepts_new_patients).is_(False))
        ).first()

    def test_visit_types_have_durations_categories_and_fasting_prep(self, session: Session) -> None:
        types = session.exec(select(m.AppointmentType)).all()
        assert {t.category for t in types} == {"new", "follow-up", "procedure"}
        assert all(t.duration_minutes > 0 for t in types)
        assert any("eat" in t.prep_instructions for t in types if t.code in ("LAB", "MRI", "CT"))
        assert {t.code for t in types if t.needs_prior_auth} >= {"MRI", "CT"}

    def test_templates_blocks_and_closures(self, session: Session) -> None:
        kinds = set(session.exec(select(m.ScheduleBlock.kind)).all())
        assert kinds == {"lunch", "admin", "vacation", "on-call", "meeting"}
        rules = set(session.exec(select(m.ScheduleTemplate.rrule)).all())
        assert any("INTERVAL=2" in rule for rule in rules)
        closures = session.exec(select(m.Closure)).all()
        assert any(c.name == "Thanksgiving Day" for c in closures)
        assert any(c.site_id is not None for c in closures)

    def test_six_payers_with_expired_coverage_and_imaging_auth_rules(
        self, session: Session
    ) -> None:
        assert _count(session, select(func.count()).select_from(m.Payer)) == 6
        expired = select(func.count()).where(col(m.Coverage.effective_to) < SEED_NOW.date())
        assert _count(session, expired) > 0
        rules = session.exec(select(m.PayerRule).where(col(m.PayerRule.requires_prior_auth))).all()
        assert len({rule.payer_id for rule in rules}) >= 2

    def test_waitlist_referrals_and_authorizations(self, session: Session) -> None:
        for model in (m.WaitlistEntry, m.Referral, m.PriorAuthorization):
            assert _count(session, select(func.count()).select_from(model)) > 0


class TestPatients:
    def test_phone_numbers_are_valid_e164(self, session: Session) -> None:
        numbers = session.exec(select(m.PatientPhone.number)).all()
        assert len(numbers) >= SEED_PATIENTS
        for number in numbers:
            parsed = phonenumbers.parse(number)
            assert phonenumbers.is_valid_number(parsed), number
            assert phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164) == number

    def test_emails_only_use_reserved_example_domains(self, session: Session) -> None:
        emails = [e for e in session.exec(select(m.Patient.email)).all() if e]
        assert len(emails) > SEED_PATIENTS // 2
        assert all(e.split("@")[1] in ("example.com", "example.org", "example.net") for e in emails)

    def test_languages_and_interpreter_needs(self, session: Session) -> None:
        needing = _count(session, select(func.count()).where(col(m.Patient.interpreter_needed)))
        assert 0.03 * SEED_PATIENTS < needing < 0.2 * SEED_PATIENTS
        assert set(session.exec(select(m.Patient.language)).all()) >= {"en", "es", "vi"}

    def test_hard_names_are_present(self, session: Session) -> None:
        names = [
            f"{f} {last}"
            for f, last in session.exec(select(m.Patient.first_name, m.Patient.last_name)).all()
        ]
        assert any("'" in name for name in names)
        assert any("-" in name for name in names)
        assert any("[" in name for name in names)
        assert any(any(ord(ch) > 127 for ch in name) for name in names)

    def test_consent_is_recorded_per_channel(self, session: Session) -> None:
        assert _count(session, select(func.count()).select_from(m.ContactConsent)) == (
            3 * SEED_PATIENTS
        )


class TestAppointments:
    def _past(self, session: Session, status: str) -> int:
        return _count(
            session,
            select(func.count()).where(
                col(m.Appointment.status) == status, col(m.Appointment.end) <= SEED_NOW
            ),
        )

    def test_no_show_rate_is_realistic(self, session: Session) -> None:
        noshow, seen = self._past(session, "noshow"), self._past(session, "fulfilled")
        assert 0.08 <= noshow / (noshow + seen) <= 0.20

    def test_some_cancellations_are_late(self, session: Session) -> None:
        late = session.exec(select(m.Appointment).where(col(m.Appointment.late_cancel))).all()
        assert late
        assert all(a.cancelled_at and a.start - a.cancelled_at < timedelta(hours=24) for a in late)
        early = session.exec(
            select(m.Appointment).where(
                col(m.Appointment.status) == "cancelled", col(m.Appointment.late_cancel).is_(False)
            )
        ).all()
        assert early and all(a.cancelled_at and a.cancelled_at <= a.start for a in early)

    def test_six_months_back_and_eight_weeks_ahead(self, session: Session) -> None:
        starts = select(m.Appointment.start).limit(1)
        first = session.exec(starts.order_by(col(m.Appointment.start))).one()
        last = session.exec(starts.order_by(col(m.Appointment.start).desc())).one()
        assert timedelta(days=170) <= SEED_NOW - first <= timedelta(days=183)
        assert timedelta(days=50) <= last - SEED_NOW <= timedelta(days=57)

    def test_next_eight_weeks_are_60_to_80_percent_booked(self, session: Session) -> None:
        zones = {s.id: ZoneInfo(s.timezone) for s in session.exec(select(m.Site)).all()}
        spans = windows(
            list(session.exec(select(m.ScheduleTemplate))),
            list(session.exec(select(m.ScheduleBlock))),
            list(session.exec(select(m.Closure))),
            zones,  # type: ignore[arg-type]
            SEED_NOW.date() + timedelta(days=1),
            SEED_NOW.date() + timedelta(days=56),
        )
        open_minutes = sum(span.open_minutes for span in spans)
        booked = session.exec(
            select(m.Appointment).where(
                col(m.Appointment.start) >= spans[0].start,
                col(m.Appointment.status) == "booked",
                col(m.Appointment.overbooked).is_(False),
            )
        ).all()
        minutes = sum((a.end - a.start).total_seconds() / 60 for a in booked)
        assert 0.60 <= minutes / open_minutes <= 0.80

    def test_providers_are_never_double_booked_except_marked_overbooks(
        self, session: Session
    ) -> None:
        overlaps = session.execute(
            text(
                "SELECT COUNT(*) FROM appointment a JOIN appointment b"
                " ON a.provider_id = b.provider_id"
                ' AND a.id < b.id AND a.start < b."end" AND b.start < a."end"'
                " WHERE NOT a.overbooked AND NOT b.overbooked"
                " AND a.status <> 'cancelled' AND b.status <> 'cancelled'"
            )
        ).scalar_one()
        assert overlaps == 0
        assert _count(session, select(func.count()).where(col(m.Appointment.overbooked))) > 0

    def test_no_patient_is_in_two_places_at_once(self, session: Session) -> None:
        overlaps = session.execute(
            text(
                "SELECT COUNT(*) FROM appointment a JOIN appointment b"
                " ON a.patient_id = b.patient_id"
                ' AND a.id < b.id AND a.start < b."end" AND b.start < a."end"'
            )
        ).scalar_one()
        assert overlaps == 0

    def test_nothing_is_booked_on_a_holiday_or_outside_site_hours(self, session: Session) -> None:
        holidays = {
            c.first_day
            for c in session.exec(select(m.Closure).where(col(m.Closure.site_id).is_(None))).all()
        }
        zones = {s.id: ZoneInfo(s.timezone) for s in session.exec(select(m.Site)).all()}
        for appointment in session.exec(select(m.Appointment)).all():
            start = appointment.start.astimezone(zones[appointment.site_id])
            end = appointment.end.astimezone(zones[appointment.site_id])
            assert start.date() not in holidays
            assert start.hour >= 7 and (end.hour, end.minute) <= (18, 0)


def test_seeded_postgresql_store_takes_new_rows_after_the_seeded_ids(pg_store: Store) -> None:
    seed_store(pg_store, patients=50, seed=3, now=SEED_NOW)
    with pg_store.write() as session:
        patient = m.Patient(
            mrn="NEW-AFTER-SEED",
            first_name="Nia",
            last_name="Late",
            dob=SEED_NOW.date() - timedelta(days=9000),
            created_at=SEED_NOW,
            updated_at=SEED_NOW,
        )
        session.add(patient)
    assert patient.id == 51
