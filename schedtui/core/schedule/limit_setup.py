"""Booking limits: how much notice a booking needs and how many visits a day a provider
takes, for every provider or one, every visit type or one (the most specific row
applies: availability._limit). Supervisors and admins; audited before and after."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, col, select

from schedtui.core.schedule import setup_checks as checks
from schedtui.core.schedule.clinic_setup import changed, record_setup
from schedtui.core.schedule.provider_setup import provider_by_id, type_by_code
from schedtui.core.security.access import Actor, Permission
from schedtui.core.security.guard import guarded_write
from schedtui.core.support.errors import BadInput
from schedtui.core.support.rows import JsonRow
from schedtui.data import models as m
from schedtui.data.store import Store

if TYPE_CHECKING:
    from datetime import datetime

#: The longest notice a limit may ask: 90 days, in minutes.
LONGEST_NOTICE = 90 * 24 * 60
#: The most visits a day a limit may allow.
MOST_PER_DAY = 200


@dataclass(frozen=True)
class LimitRow(JsonRow):
    """A booking limit as listed (no provider or type: every one)."""

    id: int
    provider_id: int | None
    type_code: str
    min_notice_minutes: int | None
    max_per_day: int | None


def limits(session: Session) -> list[LimitRow]:
    """Every booking limit, general ones first."""
    codes = {t.id: t.code for t in session.exec(select(m.AppointmentType))}
    rows = [
        LimitRow(
            limit.id or 0,
            limit.provider_id,
            codes.get(limit.appointment_type_id, "") if limit.appointment_type_id else "",
            limit.min_notice_minutes,
            limit.max_per_day,
        )
        for limit in session.exec(select(m.BookingLimit))
    ]
    return sorted(rows, key=lambda r: (r.provider_id or 0, r.type_code, r.id))


@dataclass(frozen=True)
class LimitFields:
    """Whose limit, and what it says (None: not given; kept on a change)."""

    provider_id: int | None = None
    type_code: str | None = None
    min_notice_minutes: int | None = None
    max_per_day: int | None = None


def set_limit(store: Store, actor: Actor, fields: LimitFields, *, now: datetime) -> int:
    """Set the limit of a provider (or every one) for a type (or every one): the row for
    that pair is made or changed; its id."""
    if fields.min_notice_minutes is None and fields.max_per_day is None:
        raise BadInput("Say the limit: --min-notice-hours (or -minutes) or --max-per-day.")
    values: dict[str, int | None] = {}
    if fields.min_notice_minutes is not None:
        values["min_notice_minutes"] = checks.minutes(
            "The minimum notice", fields.min_notice_minutes, least=0, most=LONGEST_NOTICE
        )
    if fields.max_per_day is not None:
        if not 0 <= fields.max_per_day <= MOST_PER_DAY:
            raise BadInput(
                f"The visits a day must be 0 to {MOST_PER_DAY}; {fields.max_per_day} was given."
            )
        values["max_per_day"] = fields.max_per_day

    def work(session: Session) -> int:
        provider_id = fields.provider_id
        if provider_id is not None:
            provider_by_id(session, provider_id)
        type_id = type_by_code(session, fields.type_code).id if fields.type_code else None
        limit = session.exec(
            select(m.BookingLimit)
            .where(_is(m.BookingLimit.provider_id, provider_id))
            .where(_is(m.BookingLimit.appointment_type_id, type_id))
        ).first()
        created = limit is None
        if limit is None:
            limit = m.BookingLimit(provider_id=provider_id, appointment_type_id=type_id)
        before, after = changed(limit, values)
        session.add(limit)
        session.flush()
        assert limit.id is not None
        if after or created:
            whose = {"provider_id": provider_id, "type": fields.type_code or ""}
            record_setup(
                session, actor, now, "booking_limit", limit.id, (before, {**whose, **after}),
                provider_id=provider_id, created=created,
            )  # fmt: skip
        return limit.id

    return guarded_write(store, actor, Permission.MANAGE_CLINIC, work, now=now, what="limit")


def _is(column: Any, value: int | None) -> Any:
    """`column` is `value`, or NULL for None (every provider, every type)."""
    return col(column).is_(None) if value is None else col(column) == value


def remove_limit(store: Store, actor: Actor, limit_id: int, *, now: datetime) -> None:
    """Take a booking limit away (the more general one, if any, applies again)."""

    def work(session: Session) -> None:
        limit = session.get(m.BookingLimit, limit_id)
        if limit is None:
            raise BadInput(f"There is no booking limit {limit_id} (see 'limits list').")
        before = {
            "provider_id": limit.provider_id,
            "appointment_type_id": limit.appointment_type_id,
            "min_notice_minutes": limit.min_notice_minutes,
            "max_per_day": limit.max_per_day,
        }
        session.delete(limit)
        record_setup(
            session, actor, now, "booking_limit", limit_id, (before, {"removed": True}),
            provider_id=limit.provider_id,
        )  # fmt: skip

    guarded_write(store, actor, Permission.MANAGE_CLINIC, work, now=now, what="limit")
