"""Booking the caller at a time chosen on the calendar: a hold and the read-back, through
the engine like any booking; and the visit cut on the calendar to be moved."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from schedtui.core.schedule.booking import hold_slot
from schedtui.core.schedule.booking_checks import (
    VISIT_REASON_LIMIT,
    BookingRequest,
    prepare,
    within_allowance,
)
from schedtui.core.schedule.readback import ReadBack, readback
from schedtui.core.schedule.slots import Slot
from schedtui.core.schedule.statuses import MOVABLE
from schedtui.core.schedule.waitlist import OpenTime, offers_for
from schedtui.core.security import audit
from schedtui.core.security.access import Actor, Permission
from schedtui.core.security.guard import require
from schedtui.core.support.errors import BadInput
from schedtui.core.support.formats import listed_name, moment_text
from schedtui.core.support.text import text_problem
from schedtui.data import models as m
from schedtui.data.codes import VisitMode
from schedtui.data.store import Store
from schedtui.settings import Settings

#: What a time picked on the calendar fits, for the read-back's "why".
CHOSEN = ("chosen on the calendar",)


@dataclass(frozen=True)
class Here:
    """A time picked on the calendar for a patient: whose visit, with whom, where, when."""

    patient_id: int
    provider_id: int
    site_code: str
    start: datetime
    type_code: str

    def request(self, session: Session, *, overbook: bool = False) -> BookingRequest:
        """The engine's request for it (in person, at the column's site)."""
        site = session.exec(select(m.Site).where(col(m.Site.code) == self.site_code)).one()
        return BookingRequest(
            self.patient_id, self.provider_id, self.type_code, self.start, site.id,
            VisitMode.IN_PERSON, overbook=overbook,
        )  # fmt: skip


def hold_here(
    store: Store,
    actor: Actor,
    here: Here,
    *,
    now: datetime,
    settings: Settings,
    moving: int | None = None,
) -> tuple[Slot, int, ReadBack]:
    """Hold the time for the caller and prepare the read-back (refusals name why).
    `moving`: the visit being moved there, whose own time is not in the way."""
    with store.read() as session:
        request = here.request(session)
    held = hold_slot(store, actor, request, now=now, settings=settings, moving=moving)
    slot, script = _read_back(store, request, now=now, settings=settings)
    return slot, held.hold_id, script


def overbook_here(
    store: Store, actor: Actor, here: Here, reason: str, *, now: datetime, settings: Settings
) -> tuple[Slot, ReadBack]:
    """Check a double-booking before the read-back: a reason, every rule but the time
    being taken, and the template's allowance or the permission to go beyond it (a
    refusal is audited). Nothing is held: the booking itself checks all of it again."""
    require(store, actor, Permission.BOOK, now=now, what="appointment")
    reason = reason.strip()
    problem = "is required" if not reason else text_problem(reason, VISIT_REASON_LIMIT)
    if problem:
        raise BadInput(f"The reason for the double-booking {problem}.")
    with store.read() as session:
        request = here.request(session, overbook=True)
        prepared = prepare(session, request, now=now)
        if prepared.problems:
            raise BadInput("Cannot double-book that time: " + "; ".join(prepared.problems) + ".")
        beyond = not within_allowance(session, prepared, here.provider_id)
    if beyond:
        require(store, actor, Permission.OVERBOOK_BEYOND_ALLOWANCE, now=now, what="appointment")
    return _read_back(store, request, now=now, settings=settings)


def _read_back(
    store: Store, request: BookingRequest, *, now: datetime, settings: Settings
) -> tuple[Slot, ReadBack]:
    with store.read() as session:
        kind = session.exec(
            select(m.AppointmentType).where(col(m.AppointmentType.code) == request.type_code)
        ).one()
        end = request.start + timedelta(minutes=kind.duration_minutes)
        assert request.site_id is not None
        slot = Slot(
            request.provider_id, request.site_id, request.start, end, request.type_code,
            VisitMode.IN_PERSON, CHOSEN,
        )  # fmt: skip
        return slot, readback(session, slot, request.patient_id, now=now, settings=settings)


@dataclass(frozen=True)
class VisitToMove:
    """A visit about to move (cut on the calendar, or rescheduled from the panel): whose,
    which type, when it was (in its site's time), and why it moves (a cancellation reason
    code, once the scheduler has said)."""

    appointment_id: int
    patient_id: int
    type_code: str
    was: str
    reason: str = ""


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
    return VisitToMove(appointment_id, visit.patient_id, kind.code, moment_text(local))


@dataclass(frozen=True)
class WaitlistOffer:
    """A waitlist patient who fits a time on the calendar, as the picker shows them."""

    entry_id: int
    patient: str
    type_code: str
    priority: int
    waited_days: int
    why: tuple[str, ...]


def waitlist_offers(
    store: Store,
    actor: Actor,
    provider_id: int,
    site_code: str,
    span: tuple[datetime, datetime],
    *,
    now: datetime,
) -> tuple[OpenTime, list[WaitlistOffer]]:
    """Who on the waitlist could take this open time, most urgent and longest waiting
    first (permission-checked; looking is audited, as it shows patients' names)."""
    require(store, actor, Permission.VIEW_PATIENTS, now=now, what="waitlist")
    with store.read() as session:
        site = session.exec(select(m.Site).where(col(m.Site.code) == site_code)).one()
        assert site.id is not None
        opened = OpenTime(provider_id, site.id, span[0].astimezone(UTC), span[1].astimezone(UTC))
        offers = offers_for(session, opened, now=now)
        ids = [o.patient_id for o in offers]
        names = {
            p.id: listed_name(p)
            for p in session.exec(select(m.Patient).where(col(m.Patient.id).in_(ids)))
        }
    audit.append(
        store, actor=actor, action="view", now=now, entity="waitlist",
        detail={"offers_for": {"provider_id": provider_id, "start": opened.start.isoformat()},
                "entries": [o.entry_id for o in offers]},
    )  # fmt: skip
    return opened, [
        WaitlistOffer(
            o.entry_id, names[o.patient_id], o.type_code, o.priority, o.waited_days, o.why
        )
        for o in offers
    ]


def waitlist_note(store: Store, appointment_id: int, *, now: datetime) -> str:
    """After a cancellation: how many waitlist patients could take the freed time
    (empty when nobody could), said the same way wherever the visit was cancelled."""
    fits = waitlist_fits(store, appointment_id, now=now)
    if not fits:
        return ""
    who = "patient fits" if fits == 1 else "patients fit"
    return f" {fits} waitlist {who} the freed time"


def waitlist_fits(store: Store, appointment_id: int, *, now: datetime) -> int:
    """How many waitlist patients could take the time a cancelled visit freed."""
    with store.read() as session:
        visit = session.get(m.Appointment, appointment_id)
        if visit is None:
            return 0
        freed = OpenTime(visit.provider_id, visit.site_id, visit.start, visit.end)
        return len(offers_for(session, freed, now=now))
