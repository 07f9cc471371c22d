"""Booking the caller at a time chosen on the calendar: the closest visit type to what was
typed, then a hold and the read-back, through the engine like any booking."""

from __future__ import annotations

from datetime import datetime, timedelta

from rapidfuzz import fuzz, process, utils
from sqlmodel import col, select

from schedtui.core.access import Actor
from schedtui.core.booking import BookingRequest, hold_slot
from schedtui.core.readback import ReadBack, readback
from schedtui.core.slots import Slot
from schedtui.data import models as m
from schedtui.data.store import Store
from schedtui.settings import Settings

#: What a time picked on the calendar fits, for the read-back's "why".
CHOSEN = ("chosen on the calendar",)


def best_type(typed: str, types: dict[str, str]) -> str | None:
    """The visit type code meant by a word of its name or its code (None if none is close)."""
    labels = {f"{code} {name}": code for code, name in types.items()}
    found = process.extractOne(
        typed, list(labels), scorer=fuzz.WRatio, processor=utils.default_process
    )
    return labels[found[0]] if typed.strip() and found and found[1] >= 50 else None


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
) -> tuple[Slot, int, ReadBack]:
    """Hold the time for the caller and prepare the read-back (refusals name why)."""
    with store.read() as session:
        site = session.exec(select(m.Site).where(col(m.Site.code) == site_code)).one()
        kind = session.exec(
            select(m.AppointmentType).where(col(m.AppointmentType.code) == type_code)
        ).one()
    assert site.id is not None
    request = BookingRequest(patient_id, provider_id, type_code, start, site.id, "in-person")
    held = hold_slot(store, actor, request, now=now, settings=settings)
    end = start + timedelta(minutes=kind.duration_minutes)
    slot = Slot(
        provider_id, site.id, start, end, type_code, "in-person", ("chosen on the calendar",)
    )
    with store.read() as session:
        script = readback(session, slot, patient_id, now=now, settings=settings)
    return slot, held.hold_id, script
