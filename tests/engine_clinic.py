"""A small hand-made clinic for engine tests, in any timezone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from schedtui.data import models as m
from schedtui.data.store import Store

T0 = datetime(2026, 1, 1, tzinfo=UTC)
WEEKDAYS = "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"


@dataclass
class EngineClinic:
    """Ids of the engine clinic's rows."""

    zone: ZoneInfo
    site: int
    okafor: int
    ortega: int
    follow_up: int
    mri: int
    scanner: int
    patients: list[int]
    closed_on: date

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        """A local wall time at the site as UTC."""
        return datetime.combine(day, time(hour, minute), tzinfo=self.zone).astimezone(UTC)


def _id(row: m.SQLModel) -> int:
    value = getattr(row, "id", None)
    assert isinstance(value, int)
    return value


def build_engine_clinic(
    store: Store,
    zone: str = "America/New_York",
    *,
    patients: int = 12,
    closed_on: date = date(2026, 3, 11),
) -> EngineClinic:
    """One site; Okafor weekdays 08:00-12:00 (admin block 10:00-10:30 daily, takes FU and
    MRI, one walk-in an hour); Ortega Mon/Wed 13:00-17:00 (FU only); one MRI scanner;
    the site closed on `closed_on`."""
    with store.write() as session:
        site = m.Site(code="S1", name="Test Site", timezone=zone)
        fm = m.Specialty(code="FM", name="Family medicine")
        session.add_all([site, fm])
        session.flush()
        okafor = m.Provider(
            npi="1234567893", first_name="Amara", last_name="Okafor", credentials="MD"
        )
        ortega = m.Provider(
            npi="1245319599", first_name="Luis", last_name="Ortega", credentials="MD"
        )
        follow_up = m.AppointmentType(
            code="FU",
            name="Follow-up",
            category="follow-up",
            duration_minutes=20,
            specialty_id=fm.id,
            telehealth_allowed=True,
        )
        mri = m.AppointmentType(
            code="MRI",
            name="MRI",
            category="procedure",
            duration_minutes=60,
            resource_kind="equipment",
            specialty_id=fm.id,
        )
        scanner = m.Resource(site_id=site.id, kind="equipment", name="MRI 1")
        session.add_all([okafor, ortega, follow_up, mri, scanner])
        session.flush()
        for provider in (okafor, ortega):
            session.add(m.ProviderSite(provider_id=_id(provider), site_id=_id(site)))
            session.add(m.ProviderSpecialty(provider_id=_id(provider), specialty_id=_id(fm)))
        session.add(
            m.AppointmentTypeResource(appointment_type_id=_id(mri), resource_id=_id(scanner))
        )
        morning = m.ScheduleTemplate(
            provider_id=_id(okafor),
            site_id=_id(site),
            rrule=WEEKDAYS,
            start_time=time(8),
            end_time=time(12),
            effective_from=date(2025, 12, 29),
            overbook_per_hour=1,
        )
        afternoon = m.ScheduleTemplate(
            provider_id=_id(ortega),
            site_id=_id(site),
            rrule="FREQ=WEEKLY;BYDAY=MO,WE",
            start_time=time(13),
            end_time=time(17),
            effective_from=date(2025, 12, 29),
        )
        session.add_all([morning, afternoon])
        session.flush()
        session.add_all(
            [
                m.TemplateAppointmentType(
                    template_id=_id(morning), appointment_type_id=_id(follow_up)
                ),
                m.TemplateAppointmentType(template_id=_id(morning), appointment_type_id=_id(mri)),
                m.TemplateAppointmentType(
                    template_id=_id(afternoon), appointment_type_id=_id(follow_up)
                ),
            ]
        )
        first = datetime.combine(date(2025, 12, 29), time(10), tzinfo=ZoneInfo(zone))
        session.add(
            m.ScheduleBlock(
                provider_id=_id(okafor),
                site_id=_id(site),
                kind="admin",
                reason="Charting",
                start=first.astimezone(UTC),
                end=(first + timedelta(minutes=30)).astimezone(UTC),
                rrule=WEEKDAYS,
            )
        )
        session.add(
            m.Closure(site_id=_id(site), first_day=closed_on, last_day=closed_on, name="Snow day")
        )
        ids = []
        for number in range(patients):
            patient = m.Patient(
                mrn=f"E{number:04d}",
                first_name=f"Pat{number}",
                last_name="Test",
                dob=date(1980, 1, 1) + timedelta(days=number),
                created_at=T0,
                updated_at=T0,
            )
            session.add(patient)
            session.flush()
            ids.append(_id(patient))
        return EngineClinic(
            ZoneInfo(zone),
            _id(site),
            _id(okafor),
            _id(ortega),
            _id(follow_up),
            _id(mri),
            _id(scanner),
            ids,
            closed_on,
        )
