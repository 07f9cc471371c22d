"""The clinic's directory for scripts and pickers: sites, providers, appointment types,
patients by MRN, and appointments listed with the keys the CLI's JSON promises."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from schedtui.core.schedule.reference import load_reference
from schedtui.core.support.errors import BadInput
from schedtui.core.support.formats import listed_name
from schedtui.core.support.rows import JsonRow
from schedtui.data import models as m


@dataclass(frozen=True)
class SiteRow(JsonRow):
    """An active site."""

    id: int
    code: str
    name: str
    timezone: str
    address: str


@dataclass(frozen=True)
class SpecialtyRow(JsonRow):
    """A specialty."""

    id: int
    code: str
    name: str


def specialties(session: Session) -> list[SpecialtyRow]:
    """Every specialty, by code."""
    rows = session.exec(select(m.Specialty).order_by(col(m.Specialty.code)))
    return [SpecialtyRow(s.id or 0, s.code, s.name) for s in rows]


def sites(session: Session) -> list[SiteRow]:
    """Active sites."""
    return [
        SiteRow(
            s.id or 0,
            s.code,
            s.name,
            s.timezone,
            ", ".join(p for p in (s.address_line, s.city, s.state) if p),
        )
        for s in session.exec(select(m.Site).where(col(m.Site.active)).order_by(col(m.Site.id)))
    ]


@dataclass(frozen=True)
class ProviderRow(JsonRow):
    """An active provider: what they do, where, in which languages."""

    id: int
    name: str
    credentials: str
    specialties: list[str]
    sites: list[int]
    languages: list[str]
    telehealth: bool
    accepts_new_patients: bool


def providers(
    session: Session, *, site_id: int | None = None, specialty: str | None = None
) -> list[ProviderRow]:
    """Active providers, optionally at a site or in a specialty (by code)."""
    ref = load_reference(session)
    codes = {sid: code for code, sid in ref.specialty_codes.items()}
    if specialty and specialty.upper() not in ref.specialty_codes:
        raise BadInput(f"There is no specialty '{specialty}'.")
    if site_id is not None and site_id not in ref.sites:
        raise BadInput(f"There is no active site with id {site_id}.")
    found = []
    for provider_id, provider in sorted(ref.providers.items()):
        in_sites = ref.provider_sites[provider_id]
        specialties = sorted(codes[s] for s in ref.specialties[provider_id])
        if site_id is not None and site_id not in in_sites:
            continue
        if specialty and specialty.upper() not in specialties:
            continue
        found.append(
            ProviderRow(
                id=provider_id,
                name=f"{provider.first_name} {provider.last_name}",
                credentials=provider.credentials,
                specialties=specialties,
                sites=sorted(in_sites),
                languages=sorted(ref.languages[provider_id]),
                telehealth=provider.telehealth,
                accepts_new_patients=provider.accepts_new_patients,
            )
        )
    return found


def specialty_names(session: Session) -> dict[str, str]:
    """Specialties by code: their names."""
    return {
        s.code: s.name for s in session.exec(select(m.Specialty).order_by(col(m.Specialty.name)))
    }


@dataclass(frozen=True)
class TypeRow(JsonRow):
    """An active appointment type."""

    code: str
    name: str
    category: str
    duration_minutes: int
    telehealth_allowed: bool
    prep_instructions: str
    needs_prior_auth: bool
    needs_referral: bool


def appointment_types(session: Session) -> list[TypeRow]:
    """Active appointment types."""
    return [
        TypeRow(
            t.code,
            t.name,
            t.category,
            t.duration_minutes,
            t.telehealth_allowed,
            t.prep_instructions,
            t.needs_prior_auth,
            t.needs_referral,
        )
        for t in session.exec(
            select(m.AppointmentType)
            .where(col(m.AppointmentType.active))
            .order_by(col(m.AppointmentType.code))
        )
    ]


def patient_id_for(session: Session, mrn: str) -> int:
    """The patient with this MRN (the old MRN of a merged chart: the chart it was merged
    into), or a clear `BadInput`."""
    found = session.exec(
        select(m.Patient.id, m.Patient.merged_into_id).where(col(m.Patient.mrn) == mrn.strip())
    ).first()
    if found is None:
        raise BadInput(f"There is no patient with MRN '{mrn}'.")
    patient_id, survivor = found
    chosen = survivor or patient_id
    assert chosen is not None
    return chosen


def site_id_for(session: Session, said: str) -> int:
    """The site named by its code (BOS) or its id (1), or a clear `BadInput` listing them."""
    sites = list(session.exec(select(m.Site)))
    text = said.strip()
    for site in sites:
        if site.id is not None and (text.upper() == site.code.upper() or text == str(site.id)):
            return site.id
    known = ", ".join(f"{s.code} ({s.id})" for s in sites) or "none yet"
    raise BadInput(f"There is no site '{said}'; the sites are {known}.")


def site_code_for(session: Session, said: str) -> str:
    """The code of the site named by its code or its id."""
    site = session.get(m.Site, site_id_for(session, said))
    assert site is not None
    return site.code


@dataclass(frozen=True)
class AppointmentQuery:
    """Filters for listing appointments; empty fields match everything."""

    patient_mrn: str | None = None
    provider_id: int | None = None
    day: date | None = None
    limit: int = 500


@dataclass(frozen=True)
class AppointmentRow(JsonRow):
    """An appointment as scripts read it: ids, who and where by name, the start in UTC
    and in its site's own time (ISO text)."""

    id: int
    patient_mrn: str
    provider_id: int
    site_id: int
    type_code: str
    start: str
    end: str
    status: str
    cancellation_reason: str | None
    late_cancel: bool
    overbooked: bool
    previous_appointment_id: int | None
    visit_mode: str
    interpreter_language: str | None
    provider: str
    site: str
    local_start: str


def appointments(session: Session, query: AppointmentQuery) -> list[AppointmentRow]:
    """Appointments by start time (a day: the site's own day)."""
    statement = (
        select(m.Appointment, m.Patient.mrn, m.AppointmentType.code)
        .join(m.Patient, col(m.Appointment.patient_id) == col(m.Patient.id))
        .join(
            m.AppointmentType, col(m.Appointment.appointment_type_id) == col(m.AppointmentType.id)
        )
        .order_by(col(m.Appointment.start))
        .limit(query.limit)
    )
    if query.patient_mrn:
        statement = statement.where(col(m.Patient.id) == patient_id_for(session, query.patient_mrn))
    if query.provider_id is not None:
        statement = statement.where(col(m.Appointment.provider_id) == query.provider_id)
    if query.day is not None:
        start = datetime.combine(query.day, time(0), tzinfo=UTC) - timedelta(hours=14)
        statement = statement.where(
            col(m.Appointment.start) >= start,
            col(m.Appointment.start) < start + timedelta(hours=48),
        )
    sites = {s.id: s for s in session.exec(select(m.Site))}
    providers = {p.id: listed_name(p) for p in session.exec(select(m.Provider))}
    rows = []
    for a, mrn, code in session.exec(statement):
        site = sites[a.site_id]
        local = a.start.astimezone(ZoneInfo(site.timezone))
        if query.day is not None and local.date() != query.day:
            continue
        rows.append(
            AppointmentRow(
                id=a.id or 0,
                patient_mrn=mrn,
                provider_id=a.provider_id,
                site_id=a.site_id,
                type_code=code,
                start=a.start.isoformat(),
                end=a.end.isoformat(),
                status=a.status,
                cancellation_reason=a.cancellation_reason,
                late_cancel=a.late_cancel,
                overbooked=a.overbooked,
                previous_appointment_id=a.previous_appointment_id,
                visit_mode=a.visit_mode,
                interpreter_language=a.interpreter_language,
                provider=providers.get(a.provider_id, ""),
                site=site.code,
                local_start=local.isoformat(),
            )
        )
    return rows


def home_site(session: Session, provider_id: int) -> int:
    """The site of a provider's first template (where their times are read)."""
    template = session.exec(
        select(m.ScheduleTemplate)
        .where(col(m.ScheduleTemplate.provider_id) == provider_id)
        .order_by(col(m.ScheduleTemplate.id))
    ).first()
    if template is None:
        raise BadInput(f"Provider {provider_id} has no schedule; give --site.")
    return template.site_id


def zone_for(session: Session, provider_id: int, site_id: int | None) -> str:
    """The timezone a provider's (or a site's) times are read in."""
    site = session.get(m.Site, site_id if site_id is not None else home_site(session, provider_id))
    if site is None:
        raise BadInput(f"There is no site with id {site_id}.")
    return site.timezone
