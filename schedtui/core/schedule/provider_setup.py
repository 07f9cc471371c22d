"""Setting the clinic up: providers (what they practise, speak and where they work) and
visit types. Supervisors and admins only; audited before and after, on the change feed.
A provider or visit type is deactivated, never deleted: its booked visits stay."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from schedtui.core.schedule import setup_checks as checks
from schedtui.core.schedule.clinic_setup import (
    changed,
    record_setup,
    site_by_code,
    switch_active,
    visits_ahead,
)
from schedtui.core.security.access import Actor, Permission
from schedtui.core.security.guard import guarded_write
from schedtui.core.support.errors import BadInput
from schedtui.core.support.text import printable
from schedtui.data import codes as known
from schedtui.data import models as m
from schedtui.data.store import Store


@dataclass(frozen=True)
class ProviderFields:
    """What is said of a provider; None: not given (kept on an edit). Lists are comma
    separated codes and replace the provider's whole list."""

    first_name: str | None = None
    last_name: str | None = None
    credentials: str | None = None
    specialties: str | None = None
    languages: str | None = None
    sites: str | None = None
    accepts_new_patients: bool | None = None
    telehealth: bool | None = None


def _provider_values(fields: ProviderFields) -> dict[str, Any]:
    given: dict[str, Any] = {}
    for column, label, required in (
        ("first_name", "The first name", True),
        ("last_name", "The last name", True),
        ("credentials", "The credentials", False),
    ):
        value = getattr(fields, column)
        if value is not None:
            limit = 40 if column == "credentials" else 80
            given[column] = checks.line(label, value, limit, required=required)
    for flag in ("accepts_new_patients", "telehealth"):
        if getattr(fields, flag) is not None:
            given[flag] = getattr(fields, flag)
    return given


def provider_by_id(session: Session, provider_id: int) -> m.Provider:
    provider = session.get(m.Provider, provider_id)
    if provider is None:
        raise BadInput(f"There is no provider with id {provider_id} (see 'providers list').")
    return provider


def add_provider(
    store: Store, actor: Actor, npi: str, fields: ProviderFields, *, now: datetime
) -> int:
    """A new provider: NPI, names, at least one site and one specialty."""
    number = checks.npi(npi)
    if None in (fields.first_name, fields.last_name, fields.sites, fields.specialties):
        raise BadInput("A new provider needs --first, --last, --sites and --specialties.")
    values = _provider_values(fields)
    languages = checks.languages(fields.languages or "en")

    def work(session: Session) -> int:
        if session.exec(select(m.Provider).where(col(m.Provider.npi) == number)).first():
            raise BadInput(f"There is already a provider with NPI {number}.")
        provider = m.Provider(npi=number, **values)
        session.add(provider)
        session.flush()
        assert provider.id is not None
        lists = _set_lists(session, provider.id, fields, languages)
        after = {"npi": number, **values, **lists}
        record_setup(
            session, actor, now, "provider", provider.id, ({}, after),
            provider_id=provider.id, created=True,
        )  # fmt: skip
        return provider.id

    return guarded_write(store, actor, Permission.MANAGE_CLINIC, work, now=now, what="provider")


def edit_provider(
    store: Store, actor: Actor, provider_id: int, fields: ProviderFields, *, now: datetime
) -> list[str]:
    """Change what is given of a provider; the names of what changed."""
    values = _provider_values(fields)
    languages = checks.languages(fields.languages) if fields.languages is not None else None

    def work(session: Session) -> list[str]:
        provider = provider_by_id(session, provider_id)
        before, after = changed(provider, values)
        was = _lists_of(session, provider_id)
        now_lists = _set_lists(session, provider_id, fields, languages)
        for name, value in now_lists.items():
            if was[name] != value:
                before[name], after[name] = was[name], value
        if after:
            session.add(provider)
            record_setup(
                session, actor, now, "provider", provider_id, (before, after),
                provider_id=provider_id,
            )  # fmt: skip
        return sorted(after)

    return guarded_write(store, actor, Permission.MANAGE_CLINIC, work, now=now, what="provider")


def set_provider_active(
    store: Store, actor: Actor, provider_id: int, active: bool, *, now: datetime
) -> int:
    """Deactivate a provider (never offered again; visits already booked stay, to be
    moved) or bring them back; how many visits they still have ahead."""

    def work(session: Session) -> int:
        provider = provider_by_id(session, provider_id)
        switch_active(session, actor, now, "provider", provider, active, provider_id=provider_id)
        return visits_ahead(session, col(m.Appointment.provider_id) == provider_id, now)

    return guarded_write(store, actor, Permission.MANAGE_CLINIC, work, now=now, what="provider")


_LINKS: dict[str, tuple[Any, str]] = {
    "specialties": (m.ProviderSpecialty, "specialty_id"),
    "sites": (m.ProviderSite, "site_id"),
    "languages": (m.ProviderLanguage, "language"),
}


def _lists_of(session: Session, provider_id: int) -> dict[str, str]:
    specialties = session.exec(
        select(m.Specialty.code)
        .join(m.ProviderSpecialty, col(m.ProviderSpecialty.specialty_id) == m.Specialty.id)
        .where(col(m.ProviderSpecialty.provider_id) == provider_id)
    ).all()
    sites = session.exec(
        select(m.Site.code)
        .join(m.ProviderSite, col(m.ProviderSite.site_id) == m.Site.id)
        .where(col(m.ProviderSite.provider_id) == provider_id)
    ).all()
    languages = session.exec(
        select(m.ProviderLanguage.language).where(
            col(m.ProviderLanguage.provider_id) == provider_id
        )
    ).all()
    return {
        "specialties": ",".join(sorted(specialties)),
        "sites": ",".join(sorted(sites)),
        "languages": ",".join(sorted(languages)),
    }


def _set_lists(
    session: Session, provider_id: int, fields: ProviderFields, languages: list[str] | None
) -> dict[str, str]:
    """Replace the lists given (specialties, sites, languages); what they all are now."""
    wanted: dict[str, list[Any]] = {}
    if fields.specialties is not None:
        wanted["specialties"] = [_specialty(session, c) for c in _some(fields.specialties)]
    if fields.sites is not None:
        wanted["sites"] = [_site_id(session, c) for c in _some(fields.sites, "site")]
    if languages is not None:
        wanted["languages"] = languages
    for name, values in wanted.items():
        table, column = _LINKS[name]
        for row in session.exec(select(table).where(table.provider_id == provider_id)):
            session.delete(row)
        session.flush()
        for value in dict.fromkeys(values):
            session.add(table(provider_id=provider_id, **{column: value}))
    session.flush()
    return _lists_of(session, provider_id)


def _some(value: str, what: str = "specialty") -> list[str]:
    found = checks.codes(value)
    if not found:
        raise BadInput(f"Name at least one {what} (comma separated codes).")
    return found


def _specialty(session: Session, code: str) -> int:
    found = session.exec(select(m.Specialty).where(col(m.Specialty.code) == code)).first()
    if found is None or found.id is None:
        raise BadInput(f"There is no specialty '{printable(code)}'.")
    return found.id


def _site_id(session: Session, code: str) -> int:
    site = site_by_code(session, code)
    if not site.active or site.id is None:
        raise BadInput(f"The site {site.code} is not active.")
    return site.id


@dataclass(frozen=True)
class TypeFields:
    """What is said of a visit type; None: not given (kept on an edit)."""

    name: str | None = None
    category: str | None = None
    minutes: int | None = None
    specialty: str | None = None
    cpt: str | None = None
    prep: str | None = None
    arrive_early: int | None = None
    telehealth: bool | None = None
    prior_auth: bool | None = None
    referral: bool | None = None
    resource_kind: str | None = None


def _type_values(session: Session, fields: TypeFields) -> dict[str, Any]:
    given: dict[str, Any] = {}
    if fields.name is not None:
        given["name"] = checks.line("The visit type's name", fields.name, 120, required=True)
    if fields.category is not None:
        given["category"] = _one_of("category", fields.category, known.APPOINTMENT_CATEGORIES)
    if fields.minutes is not None:
        given["duration_minutes"] = checks.minutes("A visit", fields.minutes, least=5, most=480,
                                                   step=5)  # fmt: skip
    if fields.arrive_early is not None:
        given["arrive_early_minutes"] = checks.minutes(
            "Arriving early", fields.arrive_early, least=0, most=120
        )
    if fields.specialty is not None:
        code = fields.specialty.strip().upper()
        given["specialty_id"] = _specialty(session, code) if code else None
    if fields.cpt is not None:
        given["cpt_codes"] = checks.cpt_codes(fields.cpt)
    if fields.prep is not None:
        given["prep_instructions"] = checks.line("The preparation", fields.prep, 2000)
    if fields.resource_kind is not None:
        kind = fields.resource_kind.strip().lower()
        given["resource_kind"] = _one_of("resource", kind, known.RESOURCE_KINDS) if kind else None
    for flag, column in (
        ("telehealth", "telehealth_allowed"),
        ("prior_auth", "needs_prior_auth"),
        ("referral", "needs_referral"),
    ):
        if getattr(fields, flag) is not None:
            given[column] = getattr(fields, flag)
    return given


def _one_of(what: str, value: str, allowed: tuple[str, ...]) -> str:
    cleaned = value.strip().lower()
    if cleaned not in allowed:
        raise BadInput(f"The {what} '{printable(value)}' is not one of: {', '.join(allowed)}.")
    return cleaned


def _served_by(session: Session, type_id: int, kind: str) -> None:
    """Refuse a resource kind no active resource serving the type has: the type would
    never be bookable."""
    link = m.AppointmentTypeResource
    served = session.exec(
        select(m.Resource.id)
        .join(link, col(link.resource_id) == m.Resource.id)
        .where(col(link.appointment_type_id) == type_id)
        .where(col(m.Resource.kind) == kind)
        .where(col(m.Resource.active))
    ).first()
    if served is None:
        raise BadInput(f"No active {kind} serves this visit type: it would never be bookable.")


def type_by_code(session: Session, code: str) -> m.AppointmentType:
    found = session.exec(
        select(m.AppointmentType).where(col(m.AppointmentType.code) == code.strip().upper())
    ).first()
    if found is None or found.id is None:
        raise BadInput(f"There is no visit type '{printable(code)}' (see 'types list').")
    return found


def add_type(store: Store, actor: Actor, code: str, fields: TypeFields, *, now: datetime) -> int:
    """A new visit type: code, name, category and length required."""
    type_code = checks.code("The visit type's code", code)
    if None in (fields.name, fields.category, fields.minutes):
        raise BadInput("A new visit type needs --name, --category and --minutes.")

    def work(session: Session) -> int:
        values = _type_values(session, fields)
        if values.get("resource_kind"):
            raise BadInput(
                "A new visit type cannot need a resource yet: no resource serves it "
                "(link resources first, then 'types edit --resource-kind')."
            )
        taken = select(m.AppointmentType).where(col(m.AppointmentType.code) == type_code)
        if session.exec(taken).first():
            raise BadInput(f"There is already a visit type {type_code}.")
        kind = m.AppointmentType(code=type_code, **values)
        session.add(kind)
        session.flush()
        assert kind.id is not None
        after = {"code": type_code, **values}
        record_setup(session, actor, now, "appointment_type", kind.id, ({}, after), created=True)
        return kind.id

    return guarded_write(store, actor, Permission.MANAGE_CLINIC, work, now=now, what="type")


def edit_type(
    store: Store, actor: Actor, code: str, fields: TypeFields, *, now: datetime
) -> list[str]:
    """Change what is given of a visit type (visits already booked keep their times);
    the names of what changed."""

    def work(session: Session) -> list[str]:
        kind = type_by_code(session, code)
        assert kind.id is not None
        values = _type_values(session, fields)
        if values.get("resource_kind"):
            _served_by(session, kind.id, values["resource_kind"])
        change = changed(kind, values)
        if change[1]:
            session.add(kind)
            record_setup(session, actor, now, "appointment_type", kind.id, change)
        return sorted(change[1])

    return guarded_write(store, actor, Permission.MANAGE_CLINIC, work, now=now, what="type")


def set_type_active(store: Store, actor: Actor, code: str, active: bool, *, now: datetime) -> int:
    """Deactivate a visit type (never offered again; its booked visits stay) or bring it
    back; how many visits of it are still ahead."""

    def work(session: Session) -> int:
        kind = type_by_code(session, code)
        switch_active(session, actor, now, "appointment_type", kind, active)
        return visits_ahead(session, col(m.Appointment.appointment_type_id) == kind.id, now)

    return guarded_write(store, actor, Permission.MANAGE_CLINIC, work, now=now, what="type")
