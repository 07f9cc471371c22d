"""What happens to a booked appointment: status moves, cancellation, rescheduling.

Statuses move along the FHIR state machine below; an illegal move is refused with the
moves that are allowed. Every change writes a DomainEvent and an audit row (before
and after) in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from schedtui.core.schedule import directory
from schedtui.core.schedule.booking import (
    BookingRequest,
    insert_booking,
    record_booking,
    record_event,
    snapshot,
)
from schedtui.core.schedule.referrals import follow_visit
from schedtui.core.schedule.screening import carry_answers
from schedtui.core.schedule.statuses import MOVABLE
from schedtui.core.security import audit
from schedtui.core.security.access import Actor, Permission
from schedtui.core.security.guard import guarded_write
from schedtui.core.support.errors import BadInput
from schedtui.core.support.writes import lock_rows
from schedtui.data import models as m
from schedtui.data.codes import CANCELLATION_REASONS, NO_SHOW_REASONS
from schedtui.data.store import Store
from schedtui.settings import Settings

#: FHIR status -> statuses it may move to. Corrections (a no-show who did come, a visit
#: marked done by mistake) are moves too, so nothing is ever stuck (Bahmni's complaint).
TRANSITIONS: dict[str, frozenset[str]] = {
    "proposed": frozenset({"pending", "booked", "cancelled", "entered-in-error"}),
    "pending": frozenset({"booked", "cancelled", "entered-in-error"}),
    "waitlist": frozenset({"booked", "cancelled", "entered-in-error"}),
    "booked": frozenset({"arrived", "checked-in", "cancelled", "noshow", "entered-in-error"}),
    "arrived": frozenset({"checked-in", "fulfilled", "booked", "entered-in-error"}),
    "checked-in": frozenset({"fulfilled", "arrived", "entered-in-error"}),
    "fulfilled": frozenset({"checked-in", "entered-in-error"}),
    "noshow": frozenset({"booked", "arrived", "entered-in-error"}),
    "cancelled": frozenset({"entered-in-error"}),
    "entered-in-error": frozenset(),
}
#: Moves that can only happen once the visit's day has come (or its start has passed).
NOT_BEFORE_THE_DAY = frozenset({"arrived", "checked-in", "fulfilled"})
NOT_BEFORE_THE_START = frozenset({"noshow"})


def _load(session: Session, appointment_id: int) -> m.Appointment:
    appointment = session.get(m.Appointment, appointment_id)
    if appointment is None:
        raise BadInput(f"There is no appointment {appointment_id}.")
    lock_rows(session, "provider", [appointment.provider_id])
    session.refresh(appointment)
    return appointment


def move_place(
    session: Session, appointment_id: int, provider_id: int | None, site: str | None
) -> tuple[int | None, str]:
    """Where a visit is moved to: the site named (code or id; None: its own) and the zone
    the new time is said in, of the new provider and site when given, else its own."""
    old = session.get(m.Appointment, appointment_id)
    if old is None:
        raise BadInput(f"There is no appointment {appointment_id}.")
    site_id = directory.site_id_for(session, site) if site is not None else None
    zone = directory.zone_for(session, provider_id or old.provider_id, site_id or old.site_id)
    return site_id, zone


def check_move(appointment: m.Appointment, new_status: str, now: datetime, zone: Any) -> None:
    """Raise `BadInput` unless `appointment` may move to `new_status` now."""
    allowed = TRANSITIONS.get(appointment.status, frozenset())
    if new_status not in TRANSITIONS:
        raise BadInput(f"'{new_status}' is not an appointment status.")
    if new_status not in allowed:
        choices = ", ".join(sorted(allowed)) or "nothing (it is final)"
        raise BadInput(
            f"A {appointment.status} appointment cannot become {new_status}; "
            f"it can become: {choices}."
        )
    if (
        new_status in NOT_BEFORE_THE_DAY
        and now.astimezone(zone).date() < appointment.start.astimezone(zone).date()
    ):
        raise BadInput(f"It cannot be {new_status} before the day of the visit.")
    if new_status in NOT_BEFORE_THE_START and now < appointment.start:
        raise BadInput("A no-show can only be marked once the start time has passed.")


def status_problem(store: Store, appointment_id: int, new_status: str, *, now: datetime) -> str:
    """Why the appointment may not become `new_status` now ("" when it may): asked before
    asking the user anything more (why a patient did not come)."""
    with store.read() as session:
        appointment = _load(session, appointment_id)
        try:
            check_move(appointment, new_status, now, _zone(session, appointment))
        except BadInput as refused:
            return str(refused)
    return ""


def _zone(session: Session, appointment: m.Appointment) -> Any:
    from zoneinfo import ZoneInfo

    site = session.get(m.Site, appointment.site_id)
    assert site is not None
    return ZoneInfo(site.timezone)


def change_status(
    store: Store,
    actor: Actor,
    appointment_id: int,
    new_status: str,
    *,
    now: datetime,
    no_show_reason: str = "",
) -> None:
    """Move an appointment to another FHIR status (cancelling goes through `cancel`). A
    no-show keeps why, when it is known (`NO_SHOW_REASONS`); a no-show marked already
    may be given its reason later."""
    if no_show_reason and no_show_reason not in NO_SHOW_REASONS:
        raise BadInput(
            f"--reason '{no_show_reason}': why a patient did not come is one of "
            f"{', '.join(NO_SHOW_REASONS)}."
        )
    if no_show_reason and new_status != "noshow":
        raise BadInput("A reason is given only with noshow (cancelling: use cancel).")

    def work(session: Session) -> None:
        if new_status == "cancelled":
            raise BadInput("Cancelling needs a reason code: use cancel.")
        appointment = _load(session, appointment_id)
        if appointment.status == new_status == "noshow" and no_show_reason:
            before = snapshot(appointment)
            appointment.no_show_reason = no_show_reason
            _touch(appointment, now)
            _record(session, actor, appointment, before, now, "appointment.noshow_reason")
            return
        check_move(appointment, new_status, now, _zone(session, appointment))
        before = snapshot(appointment)
        appointment.status = new_status
        appointment.no_show_reason = no_show_reason if new_status == "noshow" else ""
        _touch(appointment, now)
        _record(session, actor, appointment, before, now, f"appointment.{_event_name(new_status)}")

    guarded_write(store, actor, Permission.BOOK, work, now=now, what="appointment")


def _event_name(status: str) -> str:
    return {"noshow": "noshow", "entered-in-error": "voided", "checked-in": "checked_in"}.get(
        status, status
    )


def _touch(appointment: m.Appointment, now: datetime) -> None:
    appointment.updated_at = now
    appointment.version += 1


def _record(
    session: Session,
    actor: Actor,
    appointment: m.Appointment,
    before: dict[str, Any],
    now: datetime,
    kind: str,
) -> None:
    record_event(session, kind, appointment, actor, now)
    follow_visit(session, appointment, now)
    audit.record(
        session,
        actor=actor,
        action="update",
        now=now,
        entity="appointment",
        entity_id=appointment.id,
        patient_id=appointment.patient_id,
        detail={"before": before, "after": snapshot(appointment)},
    )


#: Patient reasons that say nothing of the patient's reliability: they died, or took an
#: earlier time offered from the waitlist.
NOT_THE_PATIENTS_DOING = frozenset({"pat-dec", "pat-swl"})


def is_late_cancellation(
    appointment: m.Appointment, reason: str, now: datetime, settings: Settings
) -> bool:
    """A late cancellation counts against the patient: their own reason, closer to the
    visit than `late_cancel_hours`, and not within `late_cancel_grace_minutes` of booking
    it (a caller who changes their mind on the same call). The clinic's reasons
    (provider, maintenance, entered in error, ...) never count."""
    patients_own = (reason == "pat" or reason.startswith("pat-")) and (
        reason not in NOT_THE_PATIENTS_DOING
    )
    close = appointment.start - now < timedelta(hours=settings.late_cancel_hours)
    just_booked = now - appointment.booked_at < timedelta(
        minutes=settings.late_cancel_grace_minutes
    )
    return patients_own and close and not just_booked


def cancel_in(
    session: Session,
    actor: Actor,
    appointment: m.Appointment,
    reason: str,
    now: datetime,
    settings: Settings,
) -> None:
    """Cancel inside the caller's transaction (reason checked, late flag set)."""
    if reason not in CANCELLATION_REASONS:
        raise BadInput(
            f"'{reason}' is not a cancellation reason code (e.g. pat-fb, prov-pers, "
            "oth-weath; 'schedtui appointments reasons' lists them)."
        )
    check_move(appointment, "cancelled", now, _zone(session, appointment))
    before = snapshot(appointment)
    appointment.status = "cancelled"
    appointment.cancellation_reason = reason
    appointment.cancelled_at = now
    appointment.late_cancel = is_late_cancellation(appointment, reason, now, settings)
    _touch(appointment, now)
    _record(session, actor, appointment, before, now, "appointment.cancelled")


def cancel(
    store: Store,
    actor: Actor,
    appointment_id: int,
    reason: str,
    *,
    now: datetime,
    settings: Settings,
) -> bool:
    """Cancel with a FHIR reason code; return True when it was a late cancellation."""

    def work(session: Session) -> bool:
        appointment = _load(session, appointment_id)
        cancel_in(session, actor, appointment, reason, now, settings)
        return appointment.late_cancel

    return guarded_write(store, actor, Permission.CANCEL, work, now=now, what="appointment")


@dataclass(frozen=True)
class Rescheduled:
    """The new appointment and whether cancelling the old one was late."""

    new_id: int
    late_cancel: bool


def reschedule(
    store: Store,
    actor: Actor,
    appointment_id: int,
    start: datetime,
    *,
    now: datetime,
    settings: Settings,
    provider_id: int | None = None,
    site_id: int | None = None,
    reason: str = "pat",
    hold_id: int | None = None,
    visit_mode: str | None = None,
    override_reason: str = "",
) -> Rescheduled:
    """Move an appointment in one transaction: book the new time (converting `hold_id`, the
    scheduler's hold on it, if given), cancel the old with `reason`, link them.

    If anything fails, the old appointment stays exactly as it was.
    """

    def work(session: Session) -> Rescheduled:
        old = _load(session, appointment_id)
        if old.status not in MOVABLE:
            raise BadInput(
                f"Only a booked appointment can be rescheduled; this one is {old.status}."
            )
        kind = session.get(m.AppointmentType, old.appointment_type_id)
        assert kind is not None and old.id is not None
        request = BookingRequest(
            old.patient_id,
            provider_id or old.provider_id,
            kind.code,
            start,
            site_id,
            visit_mode or old.visit_mode,
            old.reason,
            hold_id=hold_id,
            override_reason=override_reason,
        )
        booked = insert_booking(
            session,
            actor,
            request,
            now=now,
            settings=settings,
            ignore_appointment=old.id,
            previous_appointment_id=old.id,
            originating_appointment_id=old.originating_appointment_id or old.id,
        )
        new = booked.appointment
        assert new.id is not None
        carry_answers(session, old.id, new.id)  # the same visit type: the same questions
        _between_steps()
        cancel_in(session, actor, old, reason, now, settings)
        record_booking(
            session,
            actor,
            new,
            now,
            "appointment.rescheduled",
            previous_id=old.id,
            **booked.override,
        )
        assert new.id is not None
        return Rescheduled(new.id, old.late_cancel)

    return guarded_write(store, actor, Permission.CANCEL, work, now=now, what="appointment")


def _between_steps() -> None:
    """A seam between booking the new time and cancelling the old (tests break here)."""
