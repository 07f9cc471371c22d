"""Users and roles, the audit trail and the domain event feed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Index

from schedtui.data import codes
from schedtui.data.models.base import Field, SQLModel, not_negative, one_of
from schedtui.data.types import UTCDateTime


class User(SQLModel, table=True):
    """A person who signs in to schedtui. `app_user`: `user` is reserved in PostgreSQL."""

    __tablename__ = "app_user"
    __table_args__ = (one_of("role", codes.ROLES), *not_negative("failed_logins"))
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, unique=True)
    display_name: str = Field(default="", max_length=120)
    role: str = Field(max_length=12)
    password_hash: str | None = Field(default=None, max_length=200, description="argon2id")
    unlock_pin_hash: str | None = Field(
        default=None, max_length=200, description="argon2id of the PIN that unlocks the lock"
    )
    os_account: str | None = Field(default=None, max_length=64, unique=True)
    active: bool = True
    failed_logins: int = 0
    locked_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(sa_type=UTCDateTime)
    last_login_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class AuditEvent(SQLModel, table=True):
    """One append-only audit row; `hash` covers the row and the previous row's hash."""

    __tablename__ = "audit_event"
    __table_args__ = (
        one_of("action", codes.AUDIT_ACTIONS),
        Index("ix_audit_event_patient_time", "patient_id", "occurred_at"),
        Index("ix_audit_event_user_time", "username", "occurred_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    occurred_at: datetime = Field(sa_type=UTCDateTime, index=True)
    user_id: int | None = Field(default=None, foreign_key="app_user.id")
    username: str = Field(max_length=64)
    action: str = Field(max_length=20)
    entity: str = Field(default="", max_length=40)
    entity_id: str = Field(default="", max_length=40)
    patient_id: int | None = Field(default=None, foreign_key="patient.id")
    detail_json: str = Field(default="", description="what changed: before and after")
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64, unique=True)


class DomainEvent(SQLModel, table=True):
    """What happened to the schedule, written in the same transaction as the change.

    Live refresh, HL7/FHIR feeds and reminders read this feed in `id` order.
    """

    __tablename__ = "domain_event"
    __table_args__ = (CheckConstraint("kind <> ''", name="kind_not_empty"),)
    id: int | None = Field(default=None, primary_key=True)
    occurred_at: datetime = Field(sa_type=UTCDateTime)
    kind: str = Field(max_length=40, description="e.g. appointment.booked")
    aggregate: str = Field(max_length=40)
    aggregate_id: int
    provider_id: int | None = Field(default=None, foreign_key="provider.id", index=True)
    actor_id: int | None = Field(default=None, foreign_key="app_user.id")
    payload_json: str = ""
