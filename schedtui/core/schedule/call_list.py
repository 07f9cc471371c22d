"""Patients to call: when a block, a template change or a closure leaves booked visits
where the provider no longer sees patients, each patient goes on the waitlist, first in
line, linked to the visit, with a note saying why. The waitlist is the callers' worklist."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from sqlmodel import Session

from schedtui.core.security import audit
from schedtui.core.security.access import Actor
from schedtui.core.support.formats import listed_name, moment_text
from schedtui.data import models as m

#: Waitlist priority of a patient whose visit was stranded (the highest).
STRANDED_PRIORITY = 10


@dataclass(frozen=True)
class InTheWay:
    """A booked visit a block or a closure would leave stranded: the patient to call."""

    appointment_id: int
    mrn: str
    patient: str
    local_start: datetime  # in the visit's site time

    @classmethod
    def of(cls, visit: m.Appointment, patient: m.Patient, zone: tzinfo) -> InTheWay:
        """The visit of the patient, its start read in `zone` (its site's)."""
        name = listed_name(patient)
        return cls(visit.id or 0, patient.mrn, name, visit.start.astimezone(zone))

    @property
    def when(self) -> str:
        """When it is, as the site reads it: "Mon 03/09/2026 09:00 EDT"."""
        return moment_text(self.local_start)


def record_listed(
    session: Session, actor: Actor, mrns: Iterable[str], *, what: str, now: datetime
) -> None:
    """A preview that names the patients of visits in the way is a view of them: audit it
    (in the caller's transaction; nothing when nobody is named)."""
    named = list(dict.fromkeys(mrns))
    if named:
        audit.record(
            session,
            actor=actor,
            action="view",
            now=now,
            entity=what,
            detail={"preview": "visits in the way", "patients": named},
        )


def put_on_call_list(
    session: Session,
    actor: Actor,
    visits: Iterable[tuple[int, str]],
    why: str,
    *,
    now: datetime,
    today: date,
) -> None:
    """Each (appointment id, when it is, as the site reads it): its patient goes on the
    waitlist to be called and moved, in the caller's transaction."""
    for appointment_id, when in visits:
        visit = session.get(m.Appointment, appointment_id)
        assert visit is not None
        session.add(
            m.WaitlistEntry(
                patient_id=visit.patient_id,
                appointment_type_id=visit.appointment_type_id,
                provider_id=visit.provider_id,
                site_id=visit.site_id,
                current_appointment_id=appointment_id,
                earliest_date=today,
                priority=STRANDED_PRIORITY,
                notes=f"Call to move the visit of {when}: {why}.",
                created_at=now,
                created_by_id=actor.user_id,
            )
        )
