"""The clinic itself: sites, specialties, providers, resources, appointment types,
schedule templates, blocks and closures."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import CheckConstraint, UniqueConstraint

from schedtui.data import codes
from schedtui.data.models.base import Field, SQLModel, ends_after_start, not_negative, one_of
from schedtui.data.types import UTCDateTime


class Site(SQLModel, table=True):
    """A place where patients are seen; its timezone governs every time shown for it."""

    __tablename__ = "site"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=16, unique=True)
    name: str = Field(max_length=120)
    timezone: str = Field(max_length=64, description="IANA zone, e.g. America/New_York")
    address_line: str = Field(default="", max_length=200)
    city: str = Field(default="", max_length=80)
    state: str = Field(default="", max_length=40)
    postal_code: str = Field(default="", max_length=16)
    phone: str = Field(default="", max_length=20, description="E.164")
    active: bool = True


class SiteHours(SQLModel, table=True):
    """Opening hours of a site on one weekday (0 = Monday), in the site's local time."""

    __tablename__ = "site_hours"
    __table_args__ = (
        UniqueConstraint("site_id", "weekday", name="uq_site_hours_site_weekday"),
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),
        ends_after_start("opens", "closes"),
    )
    id: int | None = Field(default=None, primary_key=True)
    site_id: int = Field(foreign_key="site.id", index=True)
    weekday: int
    opens: time
    closes: time


class Closure(SQLModel, table=True):
    """A holiday or closure: whole days on which a site (or every site) books nothing."""

    __tablename__ = "closure"
    __table_args__ = (
        CheckConstraint("last_day >= first_day", name="last_day_not_before_first"),
        one_of("kind", codes.CLOSURE_KINDS),
    )
    id: int | None = Field(default=None, primary_key=True)
    site_id: int | None = Field(default=None, foreign_key="site.id", index=True)
    first_day: date = Field(index=True)
    last_day: date
    kind: str = Field(default="holiday", max_length=16)
    name: str = Field(max_length=120)


class Specialty(SQLModel, table=True):
    """A department or specialty (family medicine, cardiology...)."""

    __tablename__ = "specialty"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, unique=True)
    name: str = Field(max_length=120)


class Provider(SQLModel, table=True):
    """A clinician who sees patients."""

    __tablename__ = "provider"
    id: int | None = Field(default=None, primary_key=True)
    npi: str = Field(max_length=10, unique=True)
    first_name: str = Field(max_length=80)
    last_name: str = Field(max_length=80, index=True)
    credentials: str = Field(default="", max_length=40)
    telehealth: bool = False
    accepts_new_patients: bool = True
    active: bool = True


class ProviderSite(SQLModel, table=True):
    """A site a provider works at."""

    __tablename__ = "provider_site"
    provider_id: int = Field(foreign_key="provider.id", primary_key=True)
    site_id: int = Field(foreign_key="site.id", primary_key=True)


class ProviderList(SQLModel, table=True):
    """A saved list of providers the calendar can show side by side ("cardiology team"),
    shared by every scheduler of the clinic."""

    __tablename__ = "provider_list"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=40, unique=True)
    created_at: datetime = Field(sa_type=UTCDateTime)
    created_by_id: int | None = Field(default=None, foreign_key="app_user.id")


class ProviderListMember(SQLModel, table=True):
    """A provider on a saved list, in the list's order."""

    __tablename__ = "provider_list_member"
    list_id: int = Field(foreign_key="provider_list.id", primary_key=True)
    provider_id: int = Field(foreign_key="provider.id", primary_key=True)
    position: int = 0


class ProviderSpecialty(SQLModel, table=True):
    """A specialty a provider practises."""

    __tablename__ = "provider_specialty"
    provider_id: int = Field(foreign_key="provider.id", primary_key=True)
    specialty_id: int = Field(foreign_key="specialty.id", primary_key=True)


class ProviderLanguage(SQLModel, table=True):
    """A language a provider speaks with patients (ISO 639-1 code)."""

    __tablename__ = "provider_language"
    provider_id: int = Field(foreign_key="provider.id", primary_key=True)
    language: str = Field(max_length=8, primary_key=True)


class ProviderPayer(SQLModel, table=True):
    """Whether a provider is in network for a payer, and since when."""

    __tablename__ = "provider_payer"
    provider_id: int = Field(foreign_key="provider.id", primary_key=True)
    payer_id: int = Field(foreign_key="payer.id", primary_key=True)
    in_network: bool = True
    effective_from: date | None = None
    effective_to: date | None = None


class Resource(SQLModel, table=True):
    """A room, piece of equipment (MRI) or interpreter an appointment may need."""

    __tablename__ = "resource"
    __table_args__ = (one_of("kind", codes.RESOURCE_KINDS),)
    id: int | None = Field(default=None, primary_key=True)
    site_id: int | None = Field(default=None, foreign_key="site.id", index=True)
    kind: str = Field(max_length=16)
    name: str = Field(max_length=120)
    language: str | None = Field(default=None, max_length=8, description="for interpreters")
    active: bool = True


class AppointmentType(SQLModel, table=True):
    """A kind of visit: its length, preparation and insurance needs."""

    __tablename__ = "appointment_type"
    __table_args__ = (
        CheckConstraint("duration_minutes > 0", name="duration_positive"),
        one_of("category", codes.APPOINTMENT_CATEGORIES),
        one_of("resource_kind", codes.RESOURCE_KINDS),
        *not_negative("arrive_early_minutes"),
    )
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=16, unique=True)
    name: str = Field(max_length=120)
    specialty_id: int | None = Field(default=None, foreign_key="specialty.id", index=True)
    category: str = Field(max_length=16)
    duration_minutes: int
    arrive_early_minutes: int = 15
    prep_instructions: str = Field(default="", max_length=2000)
    telehealth_allowed: bool = False
    needs_prior_auth: bool = False
    needs_referral: bool = False
    cpt_codes: str = Field(default="", max_length=200, description="comma-separated CPT codes")
    resource_kind: str | None = Field(default=None, max_length=16)
    active: bool = True


class AppointmentTypeResource(SQLModel, table=True):
    """A resource (MRI 1, Echo cart A...) that can serve an appointment type."""

    __tablename__ = "appointment_type_resource"
    appointment_type_id: int = Field(foreign_key="appointment_type.id", primary_key=True)
    resource_id: int = Field(foreign_key="resource.id", primary_key=True)


class BookingLimit(SQLModel, table=True):
    """How much notice a booking needs and how many a day a provider takes, per type.

    A row without a provider applies to every provider; without a type, to every type.
    """

    __tablename__ = "booking_limit"
    __table_args__ = (*not_negative("min_notice_minutes", "max_per_day"),)
    id: int | None = Field(default=None, primary_key=True)
    provider_id: int | None = Field(default=None, foreign_key="provider.id", index=True)
    appointment_type_id: int | None = Field(default=None, foreign_key="appointment_type.id")
    min_notice_minutes: int | None = None
    max_per_day: int | None = None


class ScheduleTemplate(SQLModel, table=True):
    """A provider's recurring availability at one site: an rrule of days and a daily window."""

    __tablename__ = "schedule_template"
    __table_args__ = (
        ends_after_start("start_time", "end_time"),
        CheckConstraint(
            "effective_to IS NULL OR effective_to >= effective_from", name="effective_range"
        ),
        one_of("visit_mode", codes.TEMPLATE_VISIT_MODES),
        *not_negative("overbook_per_hour"),
    )
    id: int | None = Field(default=None, primary_key=True)
    provider_id: int = Field(foreign_key="provider.id", index=True)
    site_id: int = Field(foreign_key="site.id", index=True)
    name: str = Field(default="", max_length=120)
    rrule: str = Field(max_length=500, description="RFC 5545 RRULE, e.g. FREQ=WEEKLY;BYDAY=MO,WE")
    start_time: time = Field(description="local time at the site")
    end_time: time
    effective_from: date
    effective_to: date | None = None
    visit_mode: str = Field(default="in-person", max_length=16)
    overbook_per_hour: int = 0


class TemplateAppointmentType(SQLModel, table=True):
    """An appointment type a template accepts; a template with none accepts every type."""

    __tablename__ = "template_appointment_type"
    template_id: int = Field(foreign_key="schedule_template.id", primary_key=True)
    appointment_type_id: int = Field(foreign_key="appointment_type.id", primary_key=True)


class ScheduleBlock(SQLModel, table=True):
    """Time a provider is not bookable (admin, lunch, vacation, on-call, meeting).

    With an rrule, `start`/`end` are the first occurrence and the rule repeats it.
    """

    __tablename__ = "schedule_block"
    __table_args__ = (ends_after_start(), one_of("kind", codes.BLOCK_KINDS))
    id: int | None = Field(default=None, primary_key=True)
    provider_id: int = Field(foreign_key="provider.id", index=True)
    site_id: int | None = Field(default=None, foreign_key="site.id")
    kind: str = Field(max_length=16)
    reason: str = Field(default="", max_length=500)
    start: datetime = Field(sa_type=UTCDateTime, index=True)
    end: datetime = Field(sa_type=UTCDateTime)
    rrule: str | None = Field(default=None, max_length=500)
    repeat_until: date | None = None
    created_by_id: int | None = Field(default=None, foreign_key="app_user.id")
