"""A patient's death recorded: the chart says so (with the date), their coming visits
are cancelled ("Patient: deceased", so the calendars free the time and the waitlist
is offered it), their waitlist entries removed, and from then on no visit is booked
and no message is made for them. One transaction, audited; recorded in error, it is
taken back (the visits are not rebooked)."""

from __future__ import annotations

from datetime import date, datetime

from dateutil.parser import parse as parse_date
from sqlmodel import Session, col, select

from schedtui.core.schedule.appointment_changes import cancel_in
from schedtui.core.security import audit
from schedtui.core.security.access import Actor, Permission
from schedtui.core.security.guard import guarded_write
from schedtui.core.support.charts import chart_for
from schedtui.core.support.errors import BadInput
from schedtui.data import models as m
from schedtui.data.store import Store
from schedtui.settings import Settings

#: The FHIR cancellation reason of a dead patient's visits.
DECEASED = "pat-dec"


def death_day(text: str, *, born: date, today: date) -> date:
    """The date of death as typed (2026-11-20, 11/20/2026): not before birth, not after
    today."""
    try:
        day = parse_date(text.strip(), dayfirst=False).date()
    except (ValueError, OverflowError):
        raise BadInput(f"--deceased '{text}' is not a date (e.g. 2026-11-20).") from None
    if day > today:
        raise BadInput(f"--deceased {day:%m/%d/%Y} is in the future.")
    if day < born:
        raise BadInput(f"--deceased {day:%m/%d/%Y} is before the patient's birth.")
    return day


def record_death(
    store: Store,
    actor: Actor,
    mrn: str,
    day_text: str,
    *,
    now: datetime,
    today: date,
    settings: Settings,
) -> int:
    """Record that the patient died on `day_text`; return how many visits were cancelled."""

    def work(session: Session) -> int:
        patient = chart_for(session, mrn)
        day = death_day(day_text, born=patient.dob, today=today)
        before = {"deceased": patient.deceased, "deceased_on": _day(patient.deceased_on)}
        patient.deceased, patient.deceased_on = True, day
        patient.updated_at, patient.version = now, patient.version + 1
        session.add(patient)
        visits = _coming_visits(session, patient, now)
        for visit in visits:
            cancel_in(session, actor, visit, DECEASED, now, settings)
        removed = _off_the_waitlist(session, patient)
        audit.record(
            session, actor=actor, action="update", now=now, entity="patient",
            entity_id=patient.mrn, patient_id=patient.id,
            detail={"before": before, "after": {"deceased": True, "deceased_on": day.isoformat()},
                    "visits_cancelled": [v.id for v in visits], "waitlist_removed": removed},
        )  # fmt: skip
        return len(visits)

    return guarded_write(store, actor, Permission.EDIT_PATIENTS, work, now=now, what="patient")


def take_back_death(store: Store, actor: Actor, mrn: str, *, now: datetime) -> None:
    """A death recorded in error: the chart is a living patient's again (audited)."""

    def work(session: Session) -> None:
        patient = chart_for(session, mrn)
        if not patient.deceased:
            raise BadInput(f"MRN {patient.mrn} is not recorded as deceased.")
        before = {"deceased": True, "deceased_on": _day(patient.deceased_on)}
        patient.deceased, patient.deceased_on = False, None
        patient.updated_at, patient.version = now, patient.version + 1
        session.add(patient)
        audit.record(
            session, actor=actor, action="update", now=now, entity="patient",
            entity_id=patient.mrn, patient_id=patient.id,
            detail={"before": before, "after": {"deceased": False, "deceased_on": None}},
        )  # fmt: skip

    guarded_write(store, actor, Permission.EDIT_PATIENTS, work, now=now, what="patient")


def _day(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _coming_visits(session: Session, patient: m.Patient, now: datetime) -> list[m.Appointment]:
    return list(
        session.exec(
            select(m.Appointment)
            .where(col(m.Appointment.patient_id) == patient.id)
            .where(col(m.Appointment.status) == "booked")
            .where(col(m.Appointment.start) >= now)
            .order_by(col(m.Appointment.start))
        )
    )


def _off_the_waitlist(session: Session, patient: m.Patient) -> list[int]:
    entries = session.exec(
        select(m.WaitlistEntry)
        .where(col(m.WaitlistEntry.patient_id) == patient.id)
        .where(col(m.WaitlistEntry.status).in_(("active", "offered")))
    ).all()
    for entry in entries:
        entry.status = "removed"
        session.add(entry)
    return [entry.id or 0 for entry in entries]
