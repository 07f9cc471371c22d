"""Patients, their phone numbers and their per-channel contact consent."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Index, UniqueConstraint

from schedtui.data import codes
from schedtui.data.models.base import Field, SQLModel, not_negative, one_of
from schedtui.data.types import UTCDateTime


class Patient(SQLModel, table=True):
    """A person who is or may be seen; identified by the MRN."""

    __tablename__ = "patient"
    __table_args__ = (
        one_of("sex", codes.SEXES),
        one_of("preferred_contact", codes.PREFERRED_CONTACTS),
        *not_negative("balance_cents"),
        CheckConstraint("version >= 1", name="version_positive"),
        Index("ix_patient_last_first", "last_name", "first_name"),
    )
    id: int | None = Field(default=None, primary_key=True)
    mrn: str = Field(max_length=20, unique=True)
    first_name: str = Field(max_length=80)
    middle_name: str = Field(default="", max_length=80)
    last_name: str = Field(max_length=80)
    preferred_name: str = Field(default="", max_length=80)
    dob: date = Field(index=True)
    sex: str = Field(default="unknown", max_length=8)
    email: str = Field(default="", max_length=200)
    address_line: str = Field(default="", max_length=200)
    city: str = Field(default="", max_length=80)
    state: str = Field(default="", max_length=40)
    postal_code: str = Field(default="", max_length=16)
    language: str = Field(default="en", max_length=8, description="preferred language, ISO 639-1")
    interpreter_needed: bool = False
    primary_provider_id: int | None = Field(default=None, foreign_key="provider.id")
    alerts: str = Field(default="", max_length=1000)
    balance_cents: int = 0
    deceased: bool = False
    deceased_on: date | None = None
    emergency_contact_name: str = Field(default="", max_length=120)
    emergency_contact_phone: str = Field(default="", max_length=20)
    preferred_contact: str = Field(default="", max_length=8)
    #: A duplicate chart merged into another: the survivor (found by this chart's MRN).
    merged_into_id: int | None = Field(default=None, foreign_key="patient.id")
    merged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(sa_type=UTCDateTime)
    #: Bumped by every change: the lookup's indexes re-read the patients changed since.
    updated_at: datetime = Field(sa_type=UTCDateTime, index=True)
    version: int = 1


class PatientPhone(SQLModel, table=True):
    """A phone number of a patient, in E.164."""

    __tablename__ = "patient_phone"
    __table_args__ = (
        one_of("kind", codes.PHONE_KINDS),
        UniqueConstraint("patient_id", "number", name="uq_patient_phone_patient_number"),
    )
    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    number: str = Field(max_length=20, index=True, description="E.164, e.g. +16175550123")
    kind: str = Field(default="mobile", max_length=8)
    is_primary: bool = False


class ContactConsent(SQLModel, table=True):
    """Whether a patient agreed to be contacted on a channel (SMS, email, voice)."""

    __tablename__ = "contact_consent"
    __table_args__ = (one_of("channel", codes.CONTACT_CHANNELS),)
    patient_id: int = Field(foreign_key="patient.id", primary_key=True)
    channel: str = Field(max_length=8, primary_key=True)
    granted: bool
    recorded_at: datetime = Field(sa_type=UTCDateTime)


class PatientSearchKey(SQLModel, table=True):
    """One way a caller may name a patient (a folded name word and its sound, or the last
    four digits of a phone): the lookup's index kept in the store, so every process shares
    it and a one-off search need not read every patient. Rebuilt from `patient` by the
    lookup (core.lookup.store_keys) for every patient whose `updated_at` it has not seen."""

    __tablename__ = "patient_search_key"
    __table_args__ = (
        one_of("kind", ("name", "phone")),
        Index("ix_patient_search_key_kind_token", "kind", "token"),
        Index("ix_patient_search_key_sound", "sound"),
    )
    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    kind: str = Field(max_length=8)
    token: str = Field(max_length=200)
    sound: str = Field(default="", max_length=200)


class PatientSearchStamp(SQLModel, table=True):
    """The `updated_at` of the patient row a patient's search keys were made from."""

    __tablename__ = "patient_search_stamp"
    patient_id: int = Field(foreign_key="patient.id", primary_key=True)
    updated_at: datetime = Field(sa_type=UTCDateTime, index=True)


class PatientSearchState(SQLModel, table=True):
    """How far the lookup's keys are known to be current (one row): every patient changed
    before `checked_at` less a margin (writers commit out of order) has been keyed."""

    __tablename__ = "patient_search_state"
    id: int = Field(default=1, primary_key=True)
    checked_at: datetime = Field(sa_type=UTCDateTime)
