"""The day's appointments across every provider and site (the "Today" view)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, or_
from sqlalchemy import select as select_columns
from sqlmodel import Session, col, select

from schedtui.core.security import audit
from schedtui.core.security.access import Actor, Permission
from schedtui.core.security.guard import require
from schedtui.core.support.clock import Clock
from schedtui.data.models import Appointment, AppointmentType, Patient, Provider, Site
from schedtui.data.store import Store


@dataclass(frozen=True)
class TodayRow:
    """One appointment as the Today view lists it."""

    appointment_id: int
    start: datetime
    end: datetime
    site_code: str
    site_zone: str
    provider_name: str
    patient_name: str
    patient_mrn: str
    type_code: str
    status: str
    visit_mode: str
    interpreter_language: str | None
    overbooked: bool
    provider_id: int = 0
    #: The patient said they will come (replied C to a text).
    confirmed: bool = False

    @property
    def local_start(self) -> datetime:
        """The start in the site's own timezone."""
        return self.start.astimezone(ZoneInfo(self.site_zone))

    @property
    def local_time(self) -> str:
        """'08:40 EST': start time in the site's timezone, with its abbreviation."""
        return self.local_start.strftime("%H:%M %Z")

    @property
    def minutes(self) -> int:
        """Length of the visit in minutes."""
        return int((self.end - self.start).total_seconds() // 60)


@dataclass(frozen=True)
class DaySchedule:
    """A day of appointments, with how many are in each status."""

    day: date
    site_code: str | None
    rows: tuple[TodayRow, ...]

    @property
    def counts(self) -> Counter[str]:
        """Number of appointments per FHIR status."""
        return Counter(row.status for row in self.rows)


def clinic_today(clock: Clock, zone: tzinfo) -> date:
    """Today's date in the call center's timezone."""
    return clock.now().astimezone(zone).date()


def site_codes(session: Session) -> list[str]:
    """Codes of the active sites, in order."""
    return list(session.exec(select(Site.code).where(col(Site.active)).order_by(Site.code)))


def day_schedule(session: Session, day: date, site_code: str | None = None) -> DaySchedule:
    """Every appointment on `day` (each site's own local day), by start time then provider.

    Entries marked entered-in-error are left out: they never happened.
    """
    sites = list(session.exec(select(Site).where(col(Site.active))))
    if site_code is not None:
        sites = [site for site in sites if site.code == site_code]
    if not sites:
        return DaySchedule(day, site_code, ())
    statement = (
        select_columns(*_COLUMNS)  # columns, not whole rows: a busy day reads fast
        .join(Patient, col(Appointment.patient_id) == col(Patient.id))
        .join(Provider, col(Appointment.provider_id) == col(Provider.id))
        .join(Site, col(Appointment.site_id) == col(Site.id))
        .join(AppointmentType, col(Appointment.appointment_type_id) == col(AppointmentType.id))
        .where(or_(*(_site_day(site, day) for site in sites)))
        .where(col(Appointment.status) != "entered-in-error")
        .order_by(col(Appointment.start), col(Provider.last_name), col(Appointment.id))
    )
    rows = tuple(_row(found) for found in session.execute(statement))
    return DaySchedule(day, site_code, rows)


_COLUMNS = (
    col(Appointment.id),
    col(Appointment.start),
    col(Appointment.end),
    col(Site.code),
    col(Site.timezone),
    col(Provider.last_name),
    col(Provider.first_name),
    col(Patient.last_name),
    col(Patient.first_name),
    col(Patient.mrn),
    col(AppointmentType.code),
    col(Appointment.status),
    col(Appointment.visit_mode),
    col(Appointment.interpreter_language),
    col(Appointment.overbooked),
    col(Appointment.provider_id),
    col(Appointment.confirmed_at),
)


def _site_day(site: Site, day: date) -> ColumnElement[bool]:
    zone = ZoneInfo(site.timezone)
    start = datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
    starts = col(Appointment.start)
    return and_(col(Appointment.site_id) == site.id, starts >= start, starts < end)


def _row(found: Any) -> TodayRow:
    (
        appointment_id, start, end, site_code, site_zone, provider_last, provider_first,
        patient_last, patient_first, mrn, type_code, status, visit_mode, language, overbooked,
        provider_id, confirmed_at,
    ) = found  # fmt: skip
    return TodayRow(
        appointment_id=appointment_id,
        start=start,
        end=end,
        site_code=site_code,
        site_zone=site_zone,
        provider_name=f"{provider_last}, {provider_first[:1]}.",
        patient_name=f"{patient_last}, {patient_first}",
        patient_mrn=mrn,
        type_code=type_code,
        status=status,
        visit_mode=visit_mode,
        interpreter_language=language,
        overbooked=overbooked,
        provider_id=provider_id,
        confirmed=confirmed_at is not None,
    )


def view_day(
    store: Store,
    actor: Actor,
    day: date,
    site_code: str | None,
    *,
    now: datetime,
    record: bool,
) -> tuple[DaySchedule, list[str]]:
    """The day's schedule for the Today view (permission-checked).

    With `record`, the listing is written to the audit trail (one row per day and site
    looked at, not per automatic refresh).
    """
    require(store, actor, Permission.VIEW_PATIENTS, now=now, what="schedule")
    with store.read() as session:
        schedule = day_schedule(session, day, site_code)
        sites = site_codes(session)
    if record:
        audit.append(
            store,
            actor=actor,
            action="view",
            now=now,
            entity="schedule",
            entity_id=day.isoformat(),
            detail={"site": site_code or "all", "appointments": len(schedule.rows)},
        )
    return schedule, sites
