"""Payers and their rules, coverages, eligibility checks, prior authorizations, referrals."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Index, UniqueConstraint

from schedtui.data import codes
from schedtui.data.models.base import Field, SQLModel, not_negative, one_of
from schedtui.data.types import UTCDateTime


class Payer(SQLModel, table=True):
    """An insurer, with its X12 payer id."""

    __tablename__ = "payer"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120)
    x12_payer_id: str = Field(max_length=80, unique=True)
    phone: str = Field(default="", max_length=20)
    active: bool = True


class PayerRule(SQLModel, table=True):
    """What a payer requires for a service: prior authorization, a referral, a visit limit."""

    __tablename__ = "payer_rule"
    __table_args__ = (
        *not_negative("visit_limit_per_year"),
        CheckConstraint(
            "appointment_type_id IS NOT NULL OR cpt_code IS NOT NULL", name="names_a_service"
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    payer_id: int = Field(foreign_key="payer.id", index=True)
    appointment_type_id: int | None = Field(default=None, foreign_key="appointment_type.id")
    cpt_code: str | None = Field(default=None, max_length=10)
    requires_prior_auth: bool = False
    requires_referral: bool = False
    visit_limit_per_year: int | None = None


class FeeSchedule(SQLModel, table=True):
    """What a payer allows for a CPT code (the base of an out-of-pocket estimate)."""

    __tablename__ = "fee_schedule"
    __table_args__ = (
        *not_negative("allowed_cents"),
        UniqueConstraint("payer_id", "cpt_code", name="one_fee_per_code"),
    )
    id: int | None = Field(default=None, primary_key=True)
    payer_id: int = Field(foreign_key="payer.id", index=True)
    cpt_code: str = Field(max_length=10)
    allowed_cents: int


class Coverage(SQLModel, table=True):
    """A patient's insurance with one payer (rank 1 primary, 2 secondary...)."""

    __tablename__ = "coverage"
    __table_args__ = (
        CheckConstraint("rank >= 1", name="rank_positive"),
        CheckConstraint(
            "effective_to IS NULL OR effective_to >= effective_from", name="effective_range"
        ),
        CheckConstraint(
            "coinsurance_percent IS NULL OR coinsurance_percent BETWEEN 0 AND 100",
            name="coinsurance_percent_range",
        ),
        one_of("subscriber_relationship", codes.SUBSCRIBER_RELATIONSHIPS),
        *not_negative("copay_cents", "deductible_cents", "deductible_remaining_cents"),
    )
    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    payer_id: int = Field(foreign_key="payer.id", index=True)
    rank: int = 1
    member_id: str = Field(max_length=80)
    group_id: str = Field(default="", max_length=80)
    plan_name: str = Field(default="", max_length=120)
    subscriber_first_name: str = Field(default="", max_length=80)
    subscriber_last_name: str = Field(default="", max_length=80)
    subscriber_dob: date | None = None
    subscriber_relationship: str = Field(default="self", max_length=8)
    effective_from: date
    effective_to: date | None = None
    copay_cents: int | None = None
    deductible_cents: int | None = None
    deductible_remaining_cents: int | None = None
    coinsurance_percent: int | None = None
    last_verified_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class EligibilityCheck(SQLModel, table=True):
    """One X12 270 inquiry and, once it arrives, its 271 response."""

    __tablename__ = "eligibility_check"
    __table_args__ = (one_of("status", codes.ELIGIBILITY_STATUSES),)
    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    coverage_id: int | None = Field(default=None, foreign_key="coverage.id")
    trace_number: str = Field(max_length=50, unique=True, description="TRN02")
    service_date: date
    service_type: str = Field(default="30", max_length=4)
    status: str = Field(default="requested", max_length=12)
    requested_at: datetime = Field(sa_type=UTCDateTime)
    responded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    request_path: str = Field(default="", max_length=500)
    request_raw: str = ""
    response_raw: str = ""
    summary_json: str = Field(default="", description="parsed 271, JSON")
    rejection_code: str | None = Field(default=None, max_length=4, description="AAA03")


class PriorAuthorization(SQLModel, table=True):
    """A payer's permission for a service, with its dates and units."""

    __tablename__ = "prior_authorization"
    __table_args__ = (
        one_of("status", codes.AUTHORIZATION_STATUSES),
        *not_negative("approved_units", "used_units"),
        CheckConstraint(
            "valid_to IS NULL OR valid_from IS NULL OR valid_to >= valid_from", name="valid_range"
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    coverage_id: int | None = Field(default=None, foreign_key="coverage.id")
    appointment_type_id: int | None = Field(default=None, foreign_key="appointment_type.id")
    cpt_code: str = Field(default="", max_length=10)
    status: str = Field(default="needed", max_length=10, index=True)
    payer_reference: str = Field(default="", max_length=80)
    auth_number: str = Field(default="", max_length=80)
    approved_units: int | None = None
    used_units: int = 0
    valid_from: date | None = None
    valid_to: date | None = None
    follow_up_on: date | None = None
    notes: str = ""
    updated_at: datetime = Field(sa_type=UTCDateTime)
    #: As asked for: the diagnoses (ICD-10, comma-separated), the units, whom the payer
    #: calls with clinical questions.
    icd10_codes: str = Field(default="", max_length=120)
    requested_units: int | None = None
    clinical_contact: str = Field(default="", max_length=120)


class Referral(SQLModel, table=True):
    """An order or referral sending a patient to a specialty or provider."""

    __tablename__ = "referral"
    __table_args__ = (
        one_of("status", codes.REFERRAL_STATUSES),
        one_of("urgency", codes.REFERRAL_URGENCIES),
        *not_negative("visits_authorized"),
        Index("ix_referral_status_due", "status", "due_on"),
    )
    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    referral_number: str = Field(default="", max_length=80)
    referring_provider_name: str = Field(default="", max_length=120)
    referring_npi: str = Field(default="", max_length=10)
    to_specialty_id: int | None = Field(default=None, foreign_key="specialty.id")
    to_provider_id: int | None = Field(default=None, foreign_key="provider.id")
    reason: str = Field(default="", max_length=500)
    received_on: date
    expires_on: date | None = None
    visits_authorized: int | None = None
    status: str = Field(default="new", max_length=10)
    #: The visit type wanted (an order names one; a referral may name only a specialty).
    appointment_type_id: int | None = Field(default=None, foreign_key="appointment_type.id")
    urgency: str = Field(default="routine", max_length=8)
    #: Book by: from the clinical timeline of its urgency.
    due_on: date | None = None
    close_reason: str = Field(default="", max_length=200)
    created_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    updated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class ReferralContact(SQLModel, table=True):
    """A call (or message) to a patient about a referral, and what it came to."""

    __tablename__ = "referral_contact"
    __table_args__ = (one_of("outcome", codes.CONTACT_OUTCOMES),)
    id: int | None = Field(default=None, primary_key=True)
    referral_id: int = Field(foreign_key="referral.id", index=True)
    at: datetime = Field(sa_type=UTCDateTime)
    outcome: str = Field(max_length=14)
    note: str = Field(default="", max_length=500)
    user_id: int | None = Field(default=None, foreign_key="app_user.id")
