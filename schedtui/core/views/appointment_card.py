"""One appointment with its patient's record, as the side panel shows it. Reading it is a
view of a patient record: permission-checked and audited."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from schedtui.core.insurance.checklist import CheckLine, Proposal, checklist, estimate
from schedtui.core.insurance.records import coverages_with_payers
from schedtui.core.schedule.screening import Answered, visit_screening
from schedtui.core.security import audit
from schedtui.core.security.access import Actor, Permission
from schedtui.core.security.guard import require
from schedtui.core.support.errors import BadInput
from schedtui.core.support.formats import listed_name
from schedtui.data import models as m
from schedtui.data.store import Store
from schedtui.settings import Settings


@dataclass(frozen=True)
class CoverageLine:
    """A coverage as the card lists it."""

    payer: str
    member_id: str
    plan: str
    active: bool


@dataclass(frozen=True)
class AppointmentCard:
    """The appointment and the patient details a scheduler needs on the phone."""

    appointment_id: int
    local_start: datetime
    minutes: int
    site_name: str
    provider_name: str
    type_name: str
    status: str
    reason: str
    visit_mode: str
    interpreter_language: str | None
    patient_mrn: str
    patient_name: str
    dob: date
    age: int
    phones: tuple[str, ...]
    email: str
    address: str
    language: str
    coverages: tuple[CoverageLine, ...]
    checklist: tuple[CheckLine, ...] = ()
    estimate: str = ""
    #: The patient said they will come (replied C to a text).
    confirmed: bool = False
    #: A video visit's link to join.
    video_link: str = ""
    #: The visit type's screening questions and their answers ("" when not answered).
    screening: tuple[Answered, ...] = ()


def _age(dob: date, today: date) -> int:
    return today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))


def appointment_card(
    store: Store, actor: Actor, appointment_id: int, *, now: datetime, settings: Settings
) -> AppointmentCard:
    """Load the card with its insurance checklist; the view is audited with the patient."""
    require(store, actor, Permission.VIEW_PATIENTS, now=now, what="patient")
    with store.write() as session:
        card = _with_checklist(session, _load(session, appointment_id, now), now, settings)
        audit.record(
            session,
            actor=actor,
            action="view",
            now=now,
            entity="appointment",
            entity_id=appointment_id,
            patient_id=_patient_id(session, appointment_id),
        )
    return card


def _with_checklist(
    session: Session, card: AppointmentCard, now: datetime, settings: Settings
) -> AppointmentCard:
    appointment = session.get(m.Appointment, card.appointment_id)
    kind = session.get(m.AppointmentType, appointment.appointment_type_id) if appointment else None
    if appointment is None or kind is None:
        return card
    proposal = Proposal(
        appointment.patient_id, kind.code, appointment.provider_id, card.local_start.date()
    )
    lines = tuple(checklist(session, proposal, now=now, settings=settings))
    screening = tuple(visit_screening(session, card.appointment_id))
    return replace(card, checklist=lines, estimate=estimate(list(lines)), screening=screening)


def _patient_id(session: Session, appointment_id: int) -> int | None:
    found = session.get(m.Appointment, appointment_id)
    return found.patient_id if found else None


def _load(session: Session, appointment_id: int, now: datetime) -> AppointmentCard:
    appointment = session.get(m.Appointment, appointment_id)
    if appointment is None:
        raise BadInput(f"Appointment {appointment_id} no longer exists.")
    patient = session.get(m.Patient, appointment.patient_id)
    provider = session.get(m.Provider, appointment.provider_id)
    site = session.get(m.Site, appointment.site_id)
    kind = session.get(m.AppointmentType, appointment.appointment_type_id)
    assert patient and provider and site and kind
    phones = session.exec(
        select(m.PatientPhone.number)
        .where(col(m.PatientPhone.patient_id) == patient.id)
        .order_by(col(m.PatientPhone.is_primary).desc())
    ).all()
    address = ", ".join(
        part
        for part in (
            patient.address_line,
            patient.city,
            f"{patient.state} {patient.postal_code}".strip(),
        )
        if part
    )
    return AppointmentCard(
        appointment_id=appointment_id,
        local_start=appointment.start.astimezone(ZoneInfo(site.timezone)),
        minutes=int((appointment.end - appointment.start).total_seconds() // 60),
        site_name=site.name,
        provider_name=f"{provider.first_name} {provider.last_name}",
        type_name=kind.name,
        status=appointment.status,
        confirmed=appointment.confirmed_at is not None,
        video_link=appointment.video_link,
        reason=appointment.reason,
        visit_mode=appointment.visit_mode,
        interpreter_language=appointment.interpreter_language,
        patient_mrn=patient.mrn,
        patient_name=listed_name(patient),
        dob=patient.dob,
        age=_age(patient.dob, now.date()),
        phones=tuple(phones),
        email=patient.email,
        address=address,
        language=patient.language,
        coverages=coverage_lines(session, patient.id, now.date()),
    )


def coverage_lines(
    session: Session, patient_id: int | None, today: date
) -> tuple[CoverageLine, ...]:
    """The patient's coverages in rank order, each marked active or not on `today`."""
    if patient_id is None:
        return ()
    rows = coverages_with_payers(session, patient_id)
    return tuple(
        CoverageLine(
            payer.name,
            coverage.member_id,
            coverage.plan_name,
            coverage.effective_from <= today
            and (coverage.effective_to is None or coverage.effective_to >= today),
        )
        for coverage, payer in rows
    )
