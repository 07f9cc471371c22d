"""Booking the caller at a time chosen on the calendar: a hold and the read-back, through
the engine like any booking; and the visit cut on the calendar to be moved."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from schedtui.core.access import Actor
from schedtui.core.booking import BookingRequest, hold_slot
from schedtui.core.errors import BadInput
from schedtui.core.readback import ReadBack, readback
from schedtui.core.slots import Slot
from schedtui.core.statuses import MOVABLE
from schedtui.data import models as m
from schedtui.data.store import Store
from schedtui.settings import Settings

#: What a time picked on the calendar fits, for the read-back's "why".
CHOSEN = ("chosen on the calendar",)


def hold_here(
    store: Store,
    actor: Actor,
    patient_id: int,
    provider_id: int,
    start: datetime,
    type_code: str,
    site_code: str,
    *,
    now: datetime,
    settings: Settings,
    moving: int | None = None,
) -> tuple[Slot, int, ReadBack]:
    """Hold the time for the caller and prepare the read-back (refusals name why).
    `moving`: the visit being moved there, whose own time is not in the way."""
    with store.read() as session:
        site = session.exec(select(m.Site).where(col(m.Site.code) == site_code)).one()
        kind = session.exec(
            select(m.AppointmentType).where(col(m.AppointmentType.code) == type_code)
        ).one()
    assert site.id is not None
    request = BookingRequest(patient_id, provider_id, type_code, start, site.id, "in-person")
    held = hold_slot(store, actor, request, now=now, settings=settings, moving=moving)
    end = start + timedelta(minutes=kind.duration_minutes)
    slot = Slot(provider_id, site.id, start, end, type_code, "in-person", CHOSEN)
    with store.read() as session:
        script = readback(session, slot, patient_id, now=now, settings=settings)
    return slot, held.hold_id, script


@dataclass(frozen=True)
class VisitToMove:
    """A visit cut on the calendar: whose, which type, when it was (in its site's time)."""

    appointment_id: int
    patient_id: int
    type_code: str
    was: str


def visit_to_move(store: Store, appointment_id: int) -> VisitToMove:
    """The visit about to be moved; only a booked one can be."""
    with store.read() as session:
        visit = session.get(m.Appointment, appointment_id)
        if visit is None or visit.status not in MOVABLE:
            raise BadInput("Only a booked visit can be moved.")
        kind = session.get(m.AppointmentType, visit.appointment_type_id)
        site = session.get(m.Site, visit.site_id)
        assert kind is not None and site is not None
        local = visit.start.astimezone(ZoneInfo(site.timezone))
    return VisitToMove(
        appointment_id, visit.patient_id, kind.code, f"{local:%a %m/%d/%Y %I:%M %p %Z}"
    )
