"""Starting a prior-authorization request at the desk: the patient, the service (visit
type and CPT code), the diagnoses (ICD-10), the units asked for, the dates, whom the
payer calls with clinical questions, a follow-up day. Each code is checked for its form
and named when wrong; nothing is written then. It joins the F6 worklist as needed (or
submitted); once approved, the patient's booked visits it covers are linked to it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final

from sqlmodel import Session, col, select

from schedtui.core.security import audit
from schedtui.core.security.access import Actor, Permission
from schedtui.core.security.guard import guarded_write
from schedtui.core.support.charts import chart_for
from schedtui.core.support.errors import BadInput
from schedtui.core.support.text import check_lines
from schedtui.data import models as m
from schedtui.data.store import Store

#: A CPT code: five digits (Category I), or four and F (Category II) or T (Category III).
CPT: Final = re.compile(r"^\d{4}[0-9FT]$")
#: An ICD-10-CM code: a letter, a digit, a digit or letter, then up to four more after a dot.
ICD10: Final = re.compile(r"^[A-TV-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$")
MAX_UNITS: Final = 100_000


@dataclass(frozen=True)
class AuthorizationRequest:
    """A request as the scheduler starts it."""

    mrn: str
    cpt_code: str
    type_code: str = ""
    icd10_codes: tuple[str, ...] = ()
    units: int | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    clinical_contact: str = ""
    follow_up_on: date | None = None
    note: str = ""
    submitted: bool = False


def checked_codes(request: AuthorizationRequest, today: date) -> tuple[str, tuple[str, ...]]:
    """The CPT code and ICD-10 codes, upper-cased; `BadInput` names a malformed one."""
    cpt = request.cpt_code.strip().upper()
    if not CPT.match(cpt):
        raise BadInput(f"--cpt '{request.cpt_code}' is not a CPT code (5 digits, e.g. 70553).")
    codes = tuple(code.strip().upper() for code in request.icd10_codes if code.strip())
    for code in codes:
        if not ICD10.match(code):
            raise BadInput(f"--icd10 '{code}' is not an ICD-10 code (e.g. M54.50).")
    if request.units is not None and not 1 <= request.units <= MAX_UNITS:
        raise BadInput(f"--units {request.units}: from 1 to {MAX_UNITS:,}.")
    if request.valid_from and request.valid_to and request.valid_to < request.valid_from:
        raise BadInput("--to is before --from.")
    if request.follow_up_on is not None and request.follow_up_on < today:
        raise BadInput(f"--follow-up {request.follow_up_on} is already past.")
    check_lines({"--contact": (request.clinical_contact, 120), "--note": (request.note, 500)})
    return cpt, codes


def start_authorization(
    store: Store, actor: Actor, request: AuthorizationRequest, *, now: datetime, today: date
) -> int:
    """A new prior authorization for the worklist; its id."""
    cpt, codes = checked_codes(request, today)

    def work(session: Session) -> int:
        patient = chart_for(session, request.mrn)
        kind = _kind(session, request.type_code)
        made = m.PriorAuthorization(
            patient_id=patient.id or 0, coverage_id=_coverage(session, patient, today),
            appointment_type_id=kind, cpt_code=cpt,
            status="submitted" if request.submitted else "needed",
            icd10_codes=",".join(codes), requested_units=request.units,
            valid_from=request.valid_from, valid_to=request.valid_to,
            clinical_contact=request.clinical_contact.strip(),
            follow_up_on=request.follow_up_on,
            notes=f"{now:%Y-%m-%d}: {request.note.strip()}" if request.note.strip() else "",
            updated_at=now,
        )  # fmt: skip
        session.add(made)
        session.flush()
        audit.record(
            session, actor=actor, action="create", now=now, entity="authorization",
            entity_id=made.id, patient_id=patient.id,
            detail={"cpt": cpt, "icd10": list(codes), "status": made.status},
        )  # fmt: skip
        return made.id or 0

    return guarded_write(
        store, actor, Permission.EDIT_PATIENTS, work, now=now, what="authorization"
    )


def _kind(session: Session, code: str) -> int | None:
    if not code.strip():
        return None
    found = session.exec(
        select(m.AppointmentType.id).where(col(m.AppointmentType.code) == code.strip().upper())
    ).first()
    if found is None:
        raise BadInput(f"There is no visit type '{code}' ('schedtui types list' lists them).")
    return found


def _coverage(session: Session, patient: m.Patient, today: date) -> int | None:
    """The patient's primary coverage in force today (None when there is none)."""
    for coverage in session.exec(
        select(m.Coverage).where(col(m.Coverage.patient_id) == patient.id)
        .order_by(col(m.Coverage.rank), col(m.Coverage.id))
    ):  # fmt: skip
        if coverage.effective_from <= today and (coverage.effective_to or today) >= today:
            return coverage.id
    return None


def link_covered_visits(session: Session, auth: m.PriorAuthorization, now: datetime) -> list[int]:
    """An approved authorization answers the patient's booked visits of its type in its
    dates that have none: linked (their ids)."""
    if auth.status != "approved" or auth.appointment_type_id is None:
        return []
    visits = session.exec(
        select(m.Appointment)
        .where(col(m.Appointment.patient_id) == auth.patient_id)
        .where(col(m.Appointment.appointment_type_id) == auth.appointment_type_id)
        .where(col(m.Appointment.status) == "booked")
        .where(col(m.Appointment.prior_authorization_id).is_(None))
        .where(col(m.Appointment.start) >= now)
    ).all()
    linked = []
    for visit in visits:
        day = visit.start.date()
        if (auth.valid_from or day) <= day <= (auth.valid_to or day):
            visit.prior_authorization_id = auth.id
            session.add(visit)
            linked.append(visit.id or 0)
    return linked
