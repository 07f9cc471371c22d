"""Appointments and the short-lived holds placed on slots while a caller decides."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Index, text

from schedtui.data import codes
from schedtui.data.models.base import Field, SQLModel, ends_after_start, one_of
from schedtui.data.types import UTCDateTime


class Appointment(SQLModel, table=True):
    """A booked (or once booked) visit. Status and cancellation reason are FHIR codes."""

    __tablename__ = "appointment"
    __table_args__ = (
        ends_after_start(),
        one_of("status", codes.APPOINTMENT_STATUSES),
        one_of("cancellation_reason", codes.CANCELLATION_REASONS),
        one_of("no_show_reason", ("", *codes.NO_SHOW_REASONS)),
        one_of("visit_mode", codes.VISIT_MODES),
        CheckConstraint("NOT overbooked OR overbook_reason <> ''", name="overbook_has_reason"),
        CheckConstraint("version >= 1", name="version_positive"),
        Index("ix_appointment_provider_start", "provider_id", "start"),
        Index("ix_appointment_patient_start", "patient_id", "start"),
        Index("ix_appointment_start", "start"),
        Index("ix_appointment_referral_id", "referral_id"),
        # what a search or a booking must check beside the providers' own visits: the
        # resources' and the interpreters' (each OR branch of the occupancy query an index)
        Index("ix_appointment_resource_start", "resource_id", "start"),
        Index(
            "ix_appointment_language_start",
            "interpreter_language",
            "start",
            sqlite_where=text("interpreter_language IS NOT NULL"),
            postgresql_where=text("interpreter_language IS NOT NULL"),
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="patient.id")
    provider_id: int = Field(foreign_key="provider.id")
    site_id: int = Field(foreign_key="site.id")
    appointment_type_id: int = Field(foreign_key="appointment_type.id")
    resource_id: int | None = Field(default=None, foreign_key="resource.id")
    start: datetime = Field(sa_type=UTCDateTime)
    end: datetime = Field(sa_type=UTCDateTime)
    status: str = Field(default="booked", max_length=16)
    reason: str = Field(default="", max_length=500)
    visit_mode: str = Field(default="in-person", max_length=12)
    interpreter_language: str | None = Field(default=None, max_length=8)
    overbooked: bool = False
    overbook_reason: str = Field(default="", max_length=500)
    cancellation_reason: str | None = Field(default=None, max_length=12)
    cancelled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    no_show_reason: str = Field(default="", max_length=12)
    #: A video visit's link to join (a provider's room, or the visit's own private one).
    video_link: str = Field(default="", max_length=300)
    #: When the patient said they will come (replying C to a text), if they did.
    confirmed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    late_cancel: bool = False
    booked_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    booked_at: datetime = Field(sa_type=UTCDateTime)
    previous_appointment_id: int | None = Field(default=None, foreign_key="appointment.id")
    originating_appointment_id: int | None = Field(default=None, foreign_key="appointment.id")
    referral_id: int | None = Field(default=None, foreign_key="referral.id")
    prior_authorization_id: int | None = Field(default=None, foreign_key="prior_authorization.id")
    updated_at: datetime = Field(sa_type=UTCDateTime)
    version: int = 1


class SlotHold(SQLModel, table=True):
    """A slot reserved for a few minutes while a caller decides (FHIR $hold)."""

    __tablename__ = "slot_hold"
    __table_args__ = (
        ends_after_start(),
        Index("ix_slot_hold_provider_start", "provider_id", "start"),
    )
    id: int | None = Field(default=None, primary_key=True)
    provider_id: int = Field(foreign_key="provider.id")
    site_id: int = Field(foreign_key="site.id")
    appointment_type_id: int = Field(foreign_key="appointment_type.id")
    resource_id: int | None = Field(default=None, foreign_key="resource.id")
    patient_id: int | None = Field(default=None, foreign_key="patient.id")
    start: datetime = Field(sa_type=UTCDateTime)
    end: datetime = Field(sa_type=UTCDateTime)
    held_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    expires_at: datetime = Field(sa_type=UTCDateTime, index=True)
