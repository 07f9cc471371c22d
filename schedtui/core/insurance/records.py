"""Payers, coverages and prior authorizations: entering and updating them (audited)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select as select_columns
from sqlmodel import Session, col, select

from schedtui.core.insurance.auth_requests import link_covered_visits
from schedtui.core.insurance.money import typed_cents
from schedtui.core.security import audit
from schedtui.core.security.access import Actor, Permission
from schedtui.core.security.guard import guarded_write, require
from schedtui.core.support.errors import BadInput
from schedtui.core.support.rows import JsonRow
from schedtui.core.support.text import check_lines, text_problem
from schedtui.core.x12.elements import printable_id
from schedtui.data import models as m
from schedtui.data.codes import AUTHORIZATION_STATUSES, SUBSCRIBER_RELATIONSHIPS
from schedtui.data.store import Store

#: The most units an authorization counts.
MAX_UNITS = 100_000
#: The largest amount a clinic's desk deals in.
MAX_AMOUNT_CENTS = 10_000_000_00


def cents(text: str | None, what: str) -> int | None:
    """An optional amount ('25', '25.00', '$1,250.50') as integer cents, zero allowed; None
    when nothing was typed; a clear message naming the field otherwise."""
    if text is None or not text.strip():
        return None
    return typed_cents(text, what, most_cents=MAX_AMOUNT_CENTS, zero_ok=True)


@dataclass(frozen=True)
class PayerRow(JsonRow):
    """A payer in the directory: its name and the X12 id its inquiries go to."""

    id: int
    name: str
    x12_payer_id: str
    phone: str


def payers(session: Session) -> list[PayerRow]:
    """The payer directory."""
    return [
        PayerRow(p.id or 0, p.name, p.x12_payer_id, p.phone)
        for p in session.exec(
            select(m.Payer).where(col(m.Payer.active)).order_by(col(m.Payer.name))
        )
    ]


@dataclass(frozen=True)
class CoverageInput:
    """A coverage as entered from the patient's card."""

    patient_id: int
    payer_x12_id: str
    member_id: str
    effective_from: date
    effective_to: date | None = None
    rank: int = 1
    group_id: str = ""
    plan_name: str = ""
    relationship: str = "self"
    subscriber_first: str = ""
    subscriber_last: str = ""
    subscriber_dob: date | None = None
    copay: str | None = None


def add_coverage(store: Store, actor: Actor, entry: CoverageInput, *, now: datetime) -> int:
    """Record a coverage; return its id."""

    def work(session: Session) -> int:
        if not entry.member_id.strip():
            raise BadInput("The member id is empty; read it from the card.")
        check_lines(
            {
                "The member id": (entry.member_id, 80),
                "The group number": (entry.group_id, 80),
                "The plan name": (entry.plan_name, 120),
                "The subscriber's first name": (entry.subscriber_first, 80),
                "The subscriber's last name": (entry.subscriber_last, 80),
            }
        )
        if entry.relationship not in SUBSCRIBER_RELATIONSHIPS:
            raise BadInput(
                f"Relationship '{entry.relationship}' is not one of "
                f"{', '.join(SUBSCRIBER_RELATIONSHIPS)}."
            )
        if entry.effective_to and entry.effective_to < entry.effective_from:
            raise BadInput("The coverage ends before it starts.")
        if not 1 <= entry.rank <= 3:
            raise BadInput("Rank is 1 (primary), 2 (secondary) or 3.")
        copay = cents(entry.copay, "Copay")
        payer = session.exec(
            select(m.Payer).where(col(m.Payer.x12_payer_id) == entry.payer_x12_id)
        ).first()
        if payer is None:
            raise BadInput(f"There is no payer with X12 id '{entry.payer_x12_id}'.")
        if not payer.active:
            raise BadInput(f"The payer '{payer.name}' is out of use: no new coverage names it.")
        if session.get(m.Patient, entry.patient_id) is None:
            raise BadInput(f"There is no patient with id {entry.patient_id}.")
        coverage = m.Coverage(
            patient_id=entry.patient_id,
            payer_id=payer.id or 0,
            rank=entry.rank,
            member_id=entry.member_id.strip(),
            group_id=entry.group_id,
            plan_name=entry.plan_name,
            subscriber_first_name=entry.subscriber_first,
            subscriber_last_name=entry.subscriber_last,
            subscriber_dob=entry.subscriber_dob,
            subscriber_relationship=entry.relationship,
            effective_from=entry.effective_from,
            effective_to=entry.effective_to,
            copay_cents=copay,
        )
        session.add(coverage)
        session.flush()
        audit.record(
            session,
            actor=actor,
            action="create",
            now=now,
            entity="coverage",
            entity_id=coverage.id,
            patient_id=entry.patient_id,
            detail={"payer": payer.name, "rank": entry.rank},
        )
        assert coverage.id is not None
        return coverage.id

    return guarded_write(store, actor, Permission.EDIT_PATIENTS, work, now=now, what="coverage")


@dataclass(frozen=True)
class AuthorizationRow(JsonRow):
    """A prior authorization as the worklist shows it (days as ISO text)."""

    id: int
    patient_mrn: str
    type_code: str | None
    status: str
    payer_reference: str
    auth_number: str
    approved_units: int | None
    used_units: int
    valid_from: str | None
    valid_to: str | None
    follow_up_on: str | None
    #: Follow-up is due and the request is still open.
    overdue: bool
    notes: str


def authorizations(
    session: Session, *, today: date, status: str | None = None
) -> list[AuthorizationRow]:
    """The prior-authorization worklist, follow-ups due first."""
    if status is not None and status not in AUTHORIZATION_STATUSES:
        raise BadInput(f"Status '{status}' is not one of {', '.join(AUTHORIZATION_STATUSES)}.")
    statement = (
        select(m.PriorAuthorization, m.Patient.mrn, m.AppointmentType.code)
        .join(m.Patient, col(m.PriorAuthorization.patient_id) == col(m.Patient.id))
        .join(
            m.AppointmentType,
            col(m.PriorAuthorization.appointment_type_id) == col(m.AppointmentType.id),
            isouter=True,
        )
    )
    if status is not None:
        statement = statement.where(col(m.PriorAuthorization.status) == status)
    rows = [
        AuthorizationRow(
            id=auth.id or 0,
            patient_mrn=mrn,
            type_code=code,
            status=auth.status,
            payer_reference=auth.payer_reference,
            auth_number=auth.auth_number,
            approved_units=auth.approved_units,
            used_units=auth.used_units,
            valid_from=_iso(auth.valid_from),
            valid_to=_iso(auth.valid_to),
            follow_up_on=_iso(auth.follow_up_on),
            overdue=bool(
                auth.follow_up_on
                and auth.follow_up_on < today
                and auth.status in ("needed", "submitted", "pending")
            ),
            notes=auth.notes,
        )
        for auth, mrn, code in session.exec(statement)
    ]
    return sorted(rows, key=lambda r: (not r.overdue, r.follow_up_on or "9999", r.id))


#: Requests still being worked: a follow-up on them can be due.
OPEN_REQUESTS = ("needed", "submitted", "pending")


def follow_ups_due(
    session: Session, *, today: date, limit: int
) -> list[tuple[int, str, str, date]]:
    """Requests whose follow-up day has passed (id, MRN, status, follow-up day), the
    longest overdue first: what the work queue lists (read through the columns only)."""
    auth = m.PriorAuthorization
    return [
        (auth_id, mrn, status, day)
        for auth_id, mrn, status, day in session.execute(
            select_columns(
                col(auth.id), col(m.Patient.mrn), col(auth.status), col(auth.follow_up_on)
            )
            .join(m.Patient, col(auth.patient_id) == col(m.Patient.id))
            .where(col(auth.follow_up_on) < today)
            .where(col(auth.status).in_(OPEN_REQUESTS))
            .order_by(col(auth.follow_up_on), col(auth.id))
            .limit(limit)
        )
        if auth_id is not None and day is not None
    ]


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


@dataclass(frozen=True)
class AuthorizationChange:
    """What to change on a prior authorization; None leaves a field as it is."""

    status: str | None = None
    auth_number: str | None = None
    approved_units: int | None = None
    used_units: int | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    follow_up_on: date | None = None
    note: str | None = None


def update_authorization(
    store: Store, actor: Actor, auth_id: int, change: AuthorizationChange, *, now: datetime
) -> None:
    """Change a prior authorization (before and after go to the audit trail)."""

    def work(session: Session) -> None:
        if change.status is not None and change.status not in AUTHORIZATION_STATUSES:
            raise BadInput(
                f"Status '{change.status}' is not one of {', '.join(AUTHORIZATION_STATUSES)}."
            )
        for number in (change.approved_units, change.used_units):
            if number is not None and not 0 <= number <= MAX_UNITS:
                raise BadInput(f"Units are a count from 0 to {MAX_UNITS:,}.")
        check_lines(
            {"The authorization number": (change.auth_number, 80), "The note": (change.note, 500)}
        )
        auth = session.get(m.PriorAuthorization, auth_id)
        if auth is None:
            raise BadInput(f"There is no prior authorization {auth_id}.")
        fields = {
            "status": change.status,
            "auth_number": change.auth_number,
            "approved_units": change.approved_units,
            "used_units": change.used_units,
            "valid_from": change.valid_from,
            "valid_to": change.valid_to,
            "follow_up_on": change.follow_up_on,
        }
        changed = {k: v for k, v in fields.items() if v is not None}
        before = {k: getattr(auth, k) for k in changed}
        for key, value in changed.items():
            setattr(auth, key, value)
        if change.note:
            auth.notes = (
                auth.notes + "\n" if auth.notes else ""
            ) + f"{now:%Y-%m-%d}: {change.note}"
        if auth.valid_from and auth.valid_to and auth.valid_to < auth.valid_from:
            raise BadInput("The authorization would end before it starts.")
        if auth.status == "approved" and not auth.auth_number:
            raise BadInput("An approved authorization needs its number (--number).")
        auth.updated_at = now
        linked = link_covered_visits(session, auth, now) if "status" in changed else []
        audit.record(
            session,
            actor=actor,
            action="update",
            now=now,
            entity="authorization",
            entity_id=auth_id,
            patient_id=auth.patient_id,
            detail={"before": before, "after": changed, "note": change.note,
                    "visits_linked": linked},
        )  # fmt: skip

    guarded_write(store, actor, Permission.EDIT_PATIENTS, work, now=now, what="authorization")


def authorization_worklist(
    store: Store, actor: Actor, *, now: datetime, today: date, status: str | None = None
) -> list[AuthorizationRow]:
    """The worklist for the screen (permission-checked, the viewing audited)."""
    require(store, actor, Permission.VIEW_PATIENTS, now=now, what="authorization")
    with store.read() as session:
        rows = authorizations(session, today=today, status=status)
    audit.append(
        store,
        actor=actor,
        action="view",
        now=now,
        entity="authorizations",
        detail={"status": status, "rows": len(rows)},
    )
    return rows


#: An X12 payer id as entered: it becomes the receiver of the payer's inquiries (ISA08).
PAYER_ID = re.compile(r"^[A-Za-z0-9]{1,15}$")


def add_payer(
    store: Store, actor: Actor, *, name: str, x12_payer_id: str, phone: str = "", now: datetime
) -> int:
    """Add a payer to the directory (supervisors)."""

    def work(session: Session) -> int:
        if not name.strip() or not x12_payer_id.strip():
            raise BadInput("A payer needs a name and its X12 payer id.")
        if not PAYER_ID.match(x12_payer_id.strip()):
            raise BadInput(
                f"The X12 payer id '{printable_id(x12_payer_id)}' must be 1 to 15 letters and "
                "digits (it addresses the payer in every eligibility inquiry)."
            )
        problem = text_problem(name.strip(), 60)
        if problem:
            raise BadInput(f"The payer's name: {problem}.")
        if session.exec(select(m.Payer).where(col(m.Payer.x12_payer_id) == x12_payer_id)).first():
            raise BadInput(f"There is already a payer with X12 id '{x12_payer_id}'.")
        payer = m.Payer(name=name.strip(), x12_payer_id=x12_payer_id.strip(), phone=phone)
        session.add(payer)
        session.flush()
        audit.record(
            session,
            actor=actor,
            action="create",
            now=now,
            entity="payer",
            entity_id=payer.id,
            detail={"name": payer.name, "x12": x12_payer_id},
        )
        assert payer.id is not None
        return payer.id

    return guarded_write(store, actor, Permission.MANAGE_PAYERS, work, now=now, what="payer")


def _payer(session: Session, x12_payer_id: str) -> m.Payer:
    payer = session.exec(select(m.Payer).where(col(m.Payer.x12_payer_id) == x12_payer_id)).first()
    if payer is None:
        raise BadInput(f"There is no payer with X12 id '{x12_payer_id}'.")
    return payer


def set_network(
    store: Store,
    actor: Actor,
    *,
    x12_payer_id: str,
    provider_id: int,
    in_network: bool,
    now: datetime,
) -> None:
    """Record whether a provider is in network for a payer (supervisors)."""

    def work(session: Session) -> None:
        payer = _payer(session, x12_payer_id)
        if session.get(m.Provider, provider_id) is None:
            raise BadInput(f"There is no provider with id {provider_id}.")
        link = session.get(m.ProviderPayer, (provider_id, payer.id))
        before = link.in_network if link else None
        if link is None:
            link = m.ProviderPayer(provider_id=provider_id, payer_id=payer.id or 0)
            session.add(link)
        link.in_network = in_network
        audit.record(
            session,
            actor=actor,
            action="update",
            now=now,
            entity="network",
            entity_id=f"{provider_id}/{payer.id}",
            detail={"before": before, "after": in_network},
        )

    guarded_write(store, actor, Permission.MANAGE_PAYERS, work, now=now, what="payer")


def add_rule(
    store: Store,
    actor: Actor,
    *,
    x12_payer_id: str,
    type_code: str,
    prior_auth: bool,
    referral: bool,
    visit_limit: int | None,
    now: datetime,
) -> int:
    """A payer rule for a visit type: prior auth, referral, visits a year (supervisors)."""

    def work(session: Session) -> int:
        if not (prior_auth or referral or visit_limit is not None):
            raise BadInput("A rule needs --prior-auth, --referral or --visit-limit.")
        if visit_limit is not None and visit_limit < 0:
            raise BadInput("The visit limit cannot be negative.")
        payer = _payer(session, x12_payer_id)
        kind = session.exec(
            select(m.AppointmentType).where(col(m.AppointmentType.code) == type_code.upper())
        ).first()
        if kind is None:
            raise BadInput(f"There is no appointment type '{type_code}'.")
        rule = m.PayerRule(
            payer_id=payer.id or 0,
            appointment_type_id=kind.id,
            requires_prior_auth=prior_auth,
            requires_referral=referral,
            visit_limit_per_year=visit_limit,
        )
        session.add(rule)
        session.flush()
        audit.record(
            session,
            actor=actor,
            action="create",
            now=now,
            entity="payer_rule",
            entity_id=rule.id,
            detail={
                "payer": payer.name,
                "type": kind.code,
                "prior_auth": prior_auth,
                "referral": referral,
                "visit_limit": visit_limit,
            },
        )
        assert rule.id is not None
        return rule.id

    return guarded_write(store, actor, Permission.MANAGE_PAYERS, work, now=now, what="payer")


def set_fee(
    store: Store, actor: Actor, *, x12_payer_id: str, cpt_code: str, allowed: str, now: datetime
) -> None:
    """Set what a payer allows for a CPT code (supervisors); audited before and after."""

    def work(session: Session) -> None:
        code = cpt_code.strip().upper()
        if not re.fullmatch(r"[0-9A-Z]{5}", code):
            raise BadInput(f"CPT code '{cpt_code}' is not five letters or digits (e.g. 99213).")
        allowed_cents = cents(allowed, "Allowed amount")
        if allowed_cents is None:
            raise BadInput("The allowed amount is empty; give it in dollars, e.g. 150.00.")
        payer = _payer(session, x12_payer_id)
        fee = session.exec(
            select(m.FeeSchedule)
            .where(col(m.FeeSchedule.payer_id) == payer.id)
            .where(col(m.FeeSchedule.cpt_code) == code)
        ).first()
        before = fee.allowed_cents if fee else None
        if fee is None:
            fee = m.FeeSchedule(payer_id=payer.id or 0, cpt_code=code, allowed_cents=0)
            session.add(fee)
        fee.allowed_cents = allowed_cents
        audit.record(
            session,
            actor=actor,
            action="update",
            now=now,
            entity="fee-schedule",
            entity_id=f"{payer.x12_payer_id}/{code}",
            detail={"before": before, "after": allowed_cents},
        )

    guarded_write(store, actor, Permission.MANAGE_PAYERS, work, now=now, what="payer")


def _with_payers(patient_id: int) -> Any:
    """A patient's coverages joined to their payers, primary first."""
    return (
        select(m.Coverage, m.Payer)
        .join(m.Payer, col(m.Coverage.payer_id) == col(m.Payer.id))
        .where(col(m.Coverage.patient_id) == patient_id)
        .order_by(col(m.Coverage.rank))
    )


def coverages_with_payers(session: Session, patient_id: int) -> list[tuple[m.Coverage, m.Payer]]:
    """A patient's coverages with their payers, primary first."""
    return [(coverage, payer) for coverage, payer in session.exec(_with_payers(patient_id))]


def active_coverage(
    session: Session, patient_id: int, day: date
) -> tuple[m.Coverage, m.Payer] | None:
    """The first-ranked coverage in force on `day`, with its payer (None: none is)."""
    found: tuple[m.Coverage, m.Payer] | None = session.exec(
        _with_payers(patient_id)
        .where(col(m.Coverage.effective_from) <= day)
        .where((col(m.Coverage.effective_to).is_(None)) | (col(m.Coverage.effective_to) >= day))
    ).first()
    return found
