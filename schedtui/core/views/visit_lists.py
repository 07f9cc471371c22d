"""Lists of visits a supervisor exports: a day's schedule (at a site or every site) and
the no-shows of a period, each visit in its site's own time with the patient named
(reading them is for those who see the clinic's measures; the command audits the
patients as a view or an export)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from schedtui.core.schedule.directory import site_id_for
from schedtui.core.security.access import Actor, Permission
from schedtui.core.security.guard import require
from schedtui.core.support.formats import listed_name
from schedtui.core.support.rows import JsonRow
from schedtui.core.views.kpis import Period
from schedtui.data import models as m
from schedtui.data.codes import CANCELLATION_REASONS, NO_SHOW_REASONS
from schedtui.data.store import Store

#: The columns of a visit list, in order.
VISIT_COLUMNS = ("day", "time", "site", "provider", "type", "status", "mrn", "patient", "why")


@dataclass(frozen=True)
class VisitLine(JsonRow):
    """One visit as the list shows it (its site's own day and time)."""

    day: date
    time: str
    site: str
    provider: str
    type: str
    status: str
    mrn: str
    patient: str
    why: str

    def cells(self) -> tuple[date | str, ...]:
        """The row for a spreadsheet, in `VISIT_COLUMNS` order."""
        return (self.day, self.time, self.site, self.provider, self.type, self.status,
                self.mrn, self.patient, self.why)  # fmt: skip


def no_show_list(store: Store, actor: Actor, when: Period, *, now: datetime) -> list[VisitLine]:
    """The no-shows of the period, the earliest first."""
    require(store, actor, Permission.VIEW_KPIS, now=now, what="report")
    with store.read() as session:
        query = _visits(when.start, when.end).where(col(m.Appointment.status) == "noshow")
        return _lines(session, query, None)


def day_schedule(
    store: Store, actor: Actor, day: date, site: str | None, *, now: datetime
) -> list[VisitLine]:
    """Every visit of a site's day (or every site's), cancelled ones too, by time."""
    require(store, actor, Permission.VIEW_KPIS, now=now, what="report")
    with store.read() as session:
        site_id = site_id_for(session, site) if site is not None else None
        around = datetime.combine(day, datetime.min.time(), tzinfo=ZoneInfo("UTC"))
        query = _visits(around - timedelta(hours=14), around + timedelta(hours=38))
        query = query.where(col(m.Appointment.status) != "entered-in-error")
        if site_id is not None:
            query = query.where(col(m.Appointment.site_id) == site_id)
        return _lines(session, query, day)


def _visits(start: datetime, end: datetime) -> Any:
    a = m.Appointment
    return (
        select(a, m.Patient, m.Provider, m.AppointmentType)
        .join(m.Patient, col(m.Patient.id) == col(a.patient_id))
        .join(m.Provider, col(m.Provider.id) == col(a.provider_id))
        .join(m.AppointmentType, col(m.AppointmentType.id) == col(a.appointment_type_id))
        .where(col(a.start) >= start, col(a.start) < end)
        .order_by(col(a.start), col(a.id))
    )


def _lines(session: Session, query: Any, day: date | None) -> list[VisitLine]:
    sites = {s.id: s for s in session.exec(select(m.Site))}
    lines = []
    for visit, patient, provider, kind in session.exec(query):
        site = sites[visit.site_id]
        local = visit.start.astimezone(ZoneInfo(site.timezone))
        if day is not None and local.date() != day:
            continue  # another day in this site's own time
        why = NO_SHOW_REASONS.get(visit.no_show_reason, "") if visit.status == "noshow" else (
            CANCELLATION_REASONS.get(visit.cancellation_reason or "", "")
        )  # fmt: skip
        lines.append(VisitLine(
            local.date(), f"{local:%I:%M %p %Z}", site.code, listed_name(provider), kind.code,
            visit.status, patient.mrn, listed_name(patient), why,
        ))  # fmt: skip
    return lines
