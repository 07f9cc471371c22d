"""Write the clinic's reference data (sites to payers, templates, blocks, holidays)."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.relativedelta import MO, TH, relativedelta
from sqlmodel import Session

from schedtui.data import models as m
from schedtui.data.seed import reference as ref

STAFF = (
    ("ava.jensen", "Ava Jensen", "scheduler"),
    ("ben.osei", "Ben Osei", "scheduler"),
    ("carla.munoz", "Carla Muñoz", "scheduler"),
    ("dana.white", "Dana White", "supervisor"),
)


@dataclass
class Clinic:
    """Ids of what was written, keyed the way the rest of the seed looks them up."""

    sites: dict[str, m.Site] = field(default_factory=dict)
    specialties: dict[str, int] = field(default_factory=dict)
    providers: list[tuple[ref.ProviderSpec, m.Provider]] = field(default_factory=list)
    types: dict[str, m.AppointmentType] = field(default_factory=dict)
    resources: dict[tuple[str | None, str], int] = field(default_factory=dict)
    payer_ids: list[int] = field(default_factory=list)
    templates: list[m.ScheduleTemplate] = field(default_factory=list)
    blocks: list[m.ScheduleBlock] = field(default_factory=list)
    closures: list[m.Closure] = field(default_factory=list)
    staff_ids: list[int] = field(default_factory=list)


def npi_with_check_digit(base9: int) -> str:
    """A ten-digit NPI whose last digit is the Luhn check over the 80840 prefix."""
    digits = f"80840{base9:09d}"
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 0:
            value *= 2
            value = value - 9 if value > 9 else value
        total += value
    return f"{base9:09d}{(10 - total % 10) % 10}"


def write_clinic(
    session: Session, rng: random.Random, *, today: date, now: datetime, providers: int = 12
) -> Clinic:
    """Write every reference row; return their ids."""
    clinic = Clinic()
    _sites(session, clinic)
    _specialties_and_types(session, clinic)
    _payers(session, clinic)
    _providers(session, clinic, rng, providers)
    _resources(session, clinic)
    _staff(session, clinic, now)
    _templates(session, clinic, today)
    _blocks(session, clinic, today)
    _closures(session, clinic, today)
    session.flush()
    return clinic


def _sites(session: Session, clinic: Clinic) -> None:
    for code, name, zone, address, city, state, postal, phone in ref.SITES:
        site = m.Site(
            code=code,
            name=name,
            timezone=zone,
            address_line=address,
            city=city,
            state=state,
            postal_code=postal,
            phone=phone,
        )
        session.add(site)
        session.flush()
        assert site.id is not None
        weekdays, opens, closes = ref.SITE_HOURS[code]
        session.add_all(
            m.SiteHours(site_id=site.id, weekday=day, opens=opens, closes=closes)
            for day in weekdays
        )
        clinic.sites[code] = site


def _specialties_and_types(session: Session, clinic: Clinic) -> None:
    for code, name in ref.SPECIALTIES:
        specialty = m.Specialty(code=code, name=name)
        session.add(specialty)
        session.flush()
        assert specialty.id is not None
        clinic.specialties[code] = specialty.id
    for spec in ref.APPOINTMENT_TYPES:
        kind = m.AppointmentType(
            code=spec.code,
            name=spec.name,
            specialty_id=clinic.specialties[spec.specialty],
            category=spec.category,
            duration_minutes=spec.minutes,
            arrive_early_minutes=spec.arrive_early,
            prep_instructions=spec.prep,
            telehealth_allowed=spec.telehealth,
            needs_prior_auth=spec.prior_auth,
            needs_referral=spec.referral,
            cpt_codes=spec.cpt,
            resource_kind=spec.resource_kind,
        )
        session.add(kind)
        clinic.types[spec.code] = kind
    session.flush()


def _payers(session: Session, clinic: Clinic) -> None:
    for name, payer_code, phone, _share, imaging_auth in ref.PAYERS:
        payer = m.Payer(name=name, x12_payer_id=payer_code, phone=phone)
        session.add(payer)
        session.flush()
        assert payer.id is not None
        clinic.payer_ids.append(payer.id)
        for code in ("MRI", "CT", "ECHO") if imaging_auth else ():
            session.add(
                m.PayerRule(
                    payer_id=payer.id,
                    appointment_type_id=clinic.types[code].id,
                    requires_prior_auth=True,
                )
            )
        if payer_code in ("BBHP01", "MCD04"):
            for code in ("CRDNEW", "ORTNEW", "PTEVAL"):
                session.add(
                    m.PayerRule(
                        payer_id=payer.id,
                        appointment_type_id=clinic.types[code].id,
                        requires_referral=True,
                    )
                )
        if payer_code == "MCRB03":
            session.add(
                m.PayerRule(
                    payer_id=payer.id,
                    appointment_type_id=clinic.types["PTTX"].id,
                    visit_limit_per_year=20,
                )
            )


def provider_specs(count: int) -> list[ref.ProviderSpec]:
    """The clinic's providers; beyond the twelve, more of the same kinds (for benchmarks)."""
    specs = []
    for index in range(count):
        spec = ref.PROVIDERS[index % len(ref.PROVIDERS)]
        round_ = index // len(ref.PROVIDERS)
        if round_:
            spec = replace(spec, last=f"{spec.last} {round_ + 1}")
        specs.append(spec)
    return specs


def _providers(session: Session, clinic: Clinic, rng: random.Random, count: int) -> None:
    for index, spec in enumerate(provider_specs(count)):
        provider = m.Provider(
            npi=npi_with_check_digit(123_450_000 + index * 37),
            first_name=spec.first,
            last_name=spec.last,
            credentials=spec.credentials,
            telehealth=spec.telehealth,
            accepts_new_patients=spec.accepts_new,
        )
        session.add(provider)
        session.flush()
        assert provider.id is not None
        pid = provider.id
        session.add_all(
            m.ProviderSite(provider_id=pid, site_id=_id(clinic.sites[s])) for s in spec.sites
        )
        session.add(
            m.ProviderSpecialty(provider_id=pid, specialty_id=clinic.specialties[spec.specialty])
        )
        session.add_all(
            m.ProviderLanguage(provider_id=pid, language=lang) for lang in spec.languages
        )
        for payer_id in clinic.payer_ids:
            session.add(
                m.ProviderPayer(provider_id=pid, payer_id=payer_id, in_network=rng.random() < 0.85)
            )
        clinic.providers.append((spec, provider))


TYPE_RESOURCES = {"MRI": ("MRI 1 (3T)",), "CT": ("CT 1",), "ECHO": ("Echo cart A", "Echo cart B")}
#: (type code, min notice minutes, max per provider per day)
LIMITS: tuple[tuple[str | None, int | None, int | None], ...] = (
    ("MRI", 24 * 60, None),
    ("CT", 4 * 60, None),
    ("PTEVAL", None, 2),
    ("BHINT", None, 3),
    (None, 60, None),
)


def _resources(session: Session, clinic: Clinic) -> None:
    for site_code, kind, name, language in ref.RESOURCES:
        site_id = clinic.sites[site_code].id if site_code else None
        resource = m.Resource(site_id=site_id, kind=kind, name=name, language=language)
        session.add(resource)
        session.flush()
        assert resource.id is not None
        clinic.resources[(site_code, name)] = resource.id
    by_name = {name: rid for (_, name), rid in clinic.resources.items()}
    for code, names in TYPE_RESOURCES.items():
        session.add_all(
            m.AppointmentTypeResource(
                appointment_type_id=_id(clinic.types[code]), resource_id=by_name[name]
            )
            for name in names
        )
    for limit_code, notice, per_day in LIMITS:
        session.add(
            m.BookingLimit(
                appointment_type_id=clinic.types[limit_code].id if limit_code else None,
                min_notice_minutes=notice,
                max_per_day=per_day,
            )
        )


def _staff(session: Session, clinic: Clinic, now: datetime) -> None:
    # Synthetic staff have no password: they attribute seeded bookings and cannot sign in.
    for username, display, role in STAFF:
        user = m.User(username=username, display_name=display, role=role, created_at=now)
        session.add(user)
        session.flush()
        assert user.id is not None
        clinic.staff_ids.append(user.id)


def template_epoch(today: date) -> date:
    """The Monday templates start from: about seven months before `today`."""
    start = today - timedelta(days=7 * 30)
    return start - timedelta(days=start.weekday())


def _templates(session: Session, clinic: Clinic, today: date) -> None:
    epoch = template_epoch(today)
    for spec, provider in clinic.providers:
        for site_code, rule, start, end, mode in spec.templates:
            template = m.ScheduleTemplate(
                provider_id=_id(provider),
                site_id=_id(clinic.sites[site_code]),
                name=f"{spec.last} {site_code}",
                rrule=rule,
                start_time=start,
                end_time=end,
                effective_from=epoch,
                visit_mode=mode,
                overbook_per_hour=1 if spec.specialty == "FM" else 0,
            )
            session.add(template)
            clinic.templates.append(template)
    session.flush()
    for template in clinic.templates:
        codes = [
            s.code
            for s in ref.APPOINTMENT_TYPES
            if clinic.specialties[s.specialty] == _specialty_of(clinic, template.provider_id)
        ]
        session.add_all(
            m.TemplateAppointmentType(
                template_id=_id(template), appointment_type_id=_id(clinic.types[code])
            )
            for code in codes
        )


def _specialty_of(clinic: Clinic, provider_id: int) -> int:
    spec = next(spec for spec, provider in clinic.providers if provider.id == provider_id)
    return clinic.specialties[spec.specialty]


def _blocks(session: Session, clinic: Clinic, today: date) -> None:
    epoch = template_epoch(today)
    for index, (spec, provider) in enumerate(clinic.providers):
        site = clinic.sites[spec.sites[0]]
        zone = ZoneInfo(site.timezone)
        add = _block_adder(session, clinic, provider, site, zone)
        add("lunch", "Lunch", epoch, time(12), time(13), ref.WEEKDAYS)
        if spec.specialty in ("FM", "CARD"):
            add(
                "admin",
                "Charting and inbox",
                epoch + timedelta(days=2),
                time(16),
                time(17),
                "FREQ=WEEKLY;BYDAY=WE",
            )
        if index == 0:
            add(
                "vacation",
                "Family vacation",
                today + relativedelta(weekday=MO(+3)),
                time(0),
                time(23, 59),
                "FREQ=DAILY;COUNT=5",
            )
        if index == 4:
            add(
                "vacation",
                "Conference",
                today - relativedelta(days=60, weekday=MO(-1)),
                time(0),
                time(23, 59),
                "FREQ=DAILY;COUNT=5",
            )
        if index == 5:
            add(
                "on-call",
                "Hospital on-call",
                epoch + timedelta(days=4),
                time(13),
                time(17),
                "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR",
            )
        if spec.sites[0] == "DTN":
            add(
                "meeting",
                "All-staff meeting",
                today + relativedelta(days=9, weekday=TH(+1)),
                time(8),
                time(9),
                None,
            )


def _block_adder(
    session: Session, clinic: Clinic, provider: m.Provider, site: m.Site, zone: ZoneInfo
) -> Callable[[str, str, date, time, time, str | None], None]:
    def add(kind: str, reason: str, day: date, start: time, end: time, rule: str | None) -> None:
        block = m.ScheduleBlock(
            provider_id=_id(provider),
            site_id=site.id,
            kind=kind,
            reason=reason,
            start=datetime.combine(day, start, tzinfo=zone).astimezone(UTC),
            end=datetime.combine(day, end, tzinfo=zone).astimezone(UTC),
            rrule=rule,
        )
        session.add(block)
        clinic.blocks.append(block)

    return add


def us_holidays(year: int) -> list[tuple[date, str]]:
    """The federal holidays a US clinic closes for, in `year`."""
    jan1 = date(year, 1, 1)
    return [
        (jan1, "New Year's Day"),
        (jan1 + relativedelta(weekday=MO(+3)), "Martin Luther King Jr. Day"),
        (date(year, 5, 31) + relativedelta(weekday=MO(-1)), "Memorial Day"),
        (date(year, 6, 19), "Juneteenth"),
        (date(year, 7, 4), "Independence Day"),
        (date(year, 9, 1) + relativedelta(weekday=MO(+1)), "Labor Day"),
        (date(year, 11, 1) + relativedelta(weekday=TH(+4)), "Thanksgiving Day"),
        (date(year, 12, 25), "Christmas Day"),
    ]


def _closures(session: Session, clinic: Clinic, today: date) -> None:
    first, last = template_epoch(today), today + timedelta(days=120)
    for year in range(first.year, last.year + 1):
        for day, name in us_holidays(year):
            if first <= day <= last:
                closure = m.Closure(first_day=day, last_day=day, kind="holiday", name=name)
                session.add(closure)
                clinic.closures.append(closure)
    renovation = today + relativedelta(days=20, weekday=MO(+1))
    closure = m.Closure(
        site_id=clinic.sites["NSH"].id,
        first_day=renovation,
        last_day=renovation + timedelta(days=1),
        kind="closure",
        name="Renovation: North Shore closed",
    )
    session.add(closure)
    clinic.closures.append(closure)


def _id(row: m.SQLModel) -> int:
    value = getattr(row, "id", None)
    assert isinstance(value, int), f"{type(row).__name__} has no id yet"
    return value
