"""The patient panel: who the caller is, how to reach them, their coverage, their visits
and how reliable they have been. Opening it is a view of the record: checked and audited."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from schedtui.core.patients.call_notes import NoteLine, notes_for
from schedtui.core.patients.contact_consent import consents
from schedtui.core.payments.ledger import PaymentRow, ledger_of
from schedtui.core.schedule.statuses import NOT_YET_SEEN
from schedtui.core.security import audit
from schedtui.core.security.access import Actor, Permission
from schedtui.core.security.guard import require
from schedtui.core.support.errors import BadInput
from schedtui.core.support.formats import listed_name
from schedtui.core.views.appointment_card import CoverageLine, coverage_lines
from schedtui.data import models as m
from schedtui.data.codes import NO_SHOW_REASONS
from schedtui.data.store import Store

UPCOMING_STATUSES = NOT_YET_SEEN


@dataclass(frozen=True)
class Visit:
    """One appointment as the panel lists it."""

    appointment_id: int
    local_start: datetime
    provider: str
    type_code: str
    status: str
    cancellation_reason: str | None
    #: The patient said they will come (replied C to a text).
    confirmed: bool = False
    #: Why they did not come (a no-show whose reason was asked), else "".
    no_show_reason: str = ""


#: How many of the latest payments the panel lists.
PAYMENTS_SHOWN = 5

#: How people name each channel of contact.
CHANNEL_WORDS = {"sms": "texts", "email": "e-mail", "voice": "calls"}


@dataclass(frozen=True)
class PatientPanel:
    """Everything the panel shows."""

    patient_id: int
    mrn: str
    name: str
    dob: date
    age: int
    sex: str
    phones: tuple[str, ...]
    email: str
    address: str
    language: str
    interpreter_needed: bool
    balance_cents: int
    coverages: tuple[CoverageLine, ...]
    upcoming: tuple[Visit, ...]
    past: tuple[Visit, ...]
    no_shows: int
    late_cancels: int
    notes: tuple[NoteLine, ...] = ()
    #: What the patient agreed to be contacted by: sms, email, voice.
    consent: dict[str, bool] = field(default_factory=dict)
    #: How they prefer to be reached ("" when they have not said).
    preferred_contact: str = ""
    #: Whom to call in an emergency: "name, number" ("" when none is on file).
    emergency_contact: str = ""
    #: The day of death, when the patient is recorded as deceased.
    deceased_on: date | None = None
    deceased: bool = False
    #: Why they did not come, the latest first (those asked).
    no_show_reasons: tuple[str, ...] = ()
    #: Their latest payments, newest first (what went back of each with them).
    payments: tuple[PaymentRow, ...] = ()

    def contact_text(self) -> str:
        """What the patient agreed to be contacted by: "texts yes, e-mail no, calls yes"
        (and the way they prefer, when they said)."""
        agreed = ", ".join(
            f"{CHANNEL_WORDS.get(channel, channel)} {'yes' if agreed else 'no'}"
            for channel, agreed in self.consent.items()
        )
        preferred = CHANNEL_WORDS.get(self.preferred_contact, "")
        return agreed + (f"; prefers {preferred}" if preferred else "")

    def reliability_text(self) -> str:
        """ "2 no-shows (transport, forgot), 1 late cancellation"."""
        why = f" ({', '.join(self.no_show_reasons)})" if self.no_show_reasons else ""
        return f"{self.no_shows} no-shows{why}, {self.late_cancels} late cancellations"


def patient_panel(store: Store, actor: Actor, patient_id: int, *, now: datetime) -> PatientPanel:
    """Load the panel; the view is written to the audit trail."""
    require(store, actor, Permission.VIEW_PATIENTS, now=now, what="patient")
    with store.write() as session:
        panel = _load(session, patient_id, now)
        audit.record(
            session,
            actor=actor,
            action="view",
            now=now,
            entity="patient",
            entity_id=panel.mrn,
            patient_id=patient_id,
        )
    return panel


def _load(session: Session, patient_id: int, now: datetime) -> PatientPanel:
    patient = session.get(m.Patient, patient_id)
    if patient is None:
        raise BadInput(f"There is no patient with id {patient_id}.")
    phones = session.exec(
        select(m.PatientPhone.number)
        .where(col(m.PatientPhone.patient_id) == patient_id)
        .order_by(col(m.PatientPhone.is_primary).desc())
    ).all()
    visits = _visits(session, patient_id)
    upcoming = tuple(v for v, start in visits if start >= now and v.status in UPCOMING_STATUSES)
    past = tuple(reversed([v for v, start in visits if start < now]))
    today = now.date()
    age = (
        today.year
        - patient.dob.year
        - ((today.month, today.day) < (patient.dob.month, patient.dob.day))
    )
    address = ", ".join(
        p
        for p in (
            patient.address_line,
            patient.city,
            f"{patient.state} {patient.postal_code}".strip(),
        )
        if p
    )
    return PatientPanel(
        patient_id,
        patient.mrn,
        listed_name(patient),
        patient.dob,
        age,
        patient.sex,
        tuple(phones),
        patient.email,
        address,
        patient.language,
        patient.interpreter_needed,
        patient.balance_cents,
        coverage_lines(session, patient_id, today),
        upcoming,
        past[:20],
        sum(1 for v in past if v.status == "noshow"),
        _late_cancels(session, patient_id),
        tuple(notes_for(session, patient_id)),
        consents(session, patient_id),
        patient.preferred_contact,
        ", ".join(
            part
            for part in (patient.emergency_contact_name, patient.emergency_contact_phone)
            if part
        ),
        patient.deceased_on,
        patient.deceased,
        tuple(v.no_show_reason for v in past if v.status == "noshow" and v.no_show_reason),
        tuple(ledger_of(session, patient_id, latest=PAYMENTS_SHOWN)),
    )


def _visits(session: Session, patient_id: int) -> list[tuple[Visit, datetime]]:
    rows = session.exec(
        select(m.Appointment, m.Provider, m.AppointmentType, m.Site)
        .join(m.Provider, col(m.Appointment.provider_id) == col(m.Provider.id))
        .join(
            m.AppointmentType, col(m.Appointment.appointment_type_id) == col(m.AppointmentType.id)
        )
        .join(m.Site, col(m.Appointment.site_id) == col(m.Site.id))
        .where(col(m.Appointment.patient_id) == patient_id)
        .where(col(m.Appointment.status) != "entered-in-error")
        .order_by(col(m.Appointment.start))
    ).all()
    return [
        (
            Visit(
                a.id or 0,
                a.start.astimezone(ZoneInfo(s.timezone)),
                f"{p.first_name[:1]}. {p.last_name}",
                t.code,
                a.status,
                a.cancellation_reason,
                a.confirmed_at is not None,
                NO_SHOW_REASONS.get(a.no_show_reason, ""),
            ),
            a.start,
        )
        for a, p, t, s in rows
    ]


def _late_cancels(session: Session, patient_id: int) -> int:
    return len(
        session.exec(
            select(m.Appointment.id)
            .where(col(m.Appointment.patient_id) == patient_id)
            .where(col(m.Appointment.late_cancel))
        ).all()
    )
