"""The insurance checklist for a patient and a proposed visit: what is known, what is open.

Each line is ✓ (fine), ✗ (a problem) or ? (not known yet) with a one-line reason, so a
scheduler sees at a glance what to settle before confirming. Nothing here blocks a call.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from schedtui.core.insurance.money import dollars
from schedtui.core.insurance.records import active_coverage
from schedtui.core.support.errors import BadInput
from schedtui.core.support.formats import day_text
from schedtui.data import models as m
from schedtui.settings import Settings

OK, PROBLEM, UNKNOWN = "✓", "✗", "?"
#: Service types whose 271 benefits speak for an office visit.
OFFICE_SERVICE_TYPES = ("98", "30", "1")


@dataclass(frozen=True)
class CheckLine:
    """One line of the checklist."""

    mark: str
    topic: str
    reason: str
    #: The amount the line is about (copay, allowed fee, deductible left), if any.
    cents: int | None = None
    #: The coinsurance percentage (on the deductible line).
    percent: int | None = None

    def to_json(self) -> dict[str, str]:
        """For --json."""
        return {"mark": self.mark, "topic": self.topic, "reason": self.reason}


@dataclass(frozen=True)
class Proposal:
    """The visit being considered."""

    patient_id: int
    type_code: str
    provider_id: int | None
    day: date


def _coverage(session: Session, patient_id: int, day: date) -> tuple[m.Coverage, m.Payer] | None:
    return active_coverage(session, patient_id, day)


def _latest_answer(session: Session, coverage_id: int | None) -> m.EligibilityCheck | None:
    return session.exec(
        select(m.EligibilityCheck)
        .where(col(m.EligibilityCheck.coverage_id) == coverage_id)
        .where(col(m.EligibilityCheck.responded_at).is_not(None))
        .order_by(col(m.EligibilityCheck.responded_at).desc())
    ).first()


def latest_eligibility(session: Session, coverage_id: int) -> dict[str, Any] | None:
    """The coverage's latest eligibility inquiry as scripts read it: its trace number,
    when it was sent and answered, its status, and what the 271 said (None: never
    asked)."""
    check = session.exec(
        select(m.EligibilityCheck)
        .where(col(m.EligibilityCheck.coverage_id) == coverage_id)
        .order_by(col(m.EligibilityCheck.requested_at).desc(), col(m.EligibilityCheck.id).desc())
    ).first()
    if check is None:
        return None
    return {
        "trace_number": check.trace_number,
        "status": check.status,
        "service_date": check.service_date.isoformat(),
        "service_type": check.service_type,
        "requested_at": check.requested_at.isoformat(),
        "responded_at": check.responded_at.isoformat() if check.responded_at else None,
        "rejection_code": check.rejection_code,
        "summary": json.loads(check.summary_json) if check.summary_json else None,
    }


def service_type_for(kind: m.AppointmentType) -> str:
    """The X12 service type (EQ01/EB03) a visit type falls under."""
    code = kind.code.upper()
    if code in ("MRI", "CT"):
        return "62"
    if code.startswith("XRAY"):
        return "4"
    if code.startswith("LAB"):
        return "5"
    if code.startswith("BH"):
        return "MH"
    if code.startswith("PT"):
        return "PT"
    return "98"


def checklist(
    session: Session, proposal: Proposal, *, now: datetime, settings: Settings
) -> list[CheckLine]:
    """The checklist for the proposed visit."""
    kind = session.exec(
        select(m.AppointmentType).where(col(m.AppointmentType.code) == proposal.type_code.upper())
    ).first()
    if kind is None:
        raise BadInput(f"There is no appointment type '{proposal.type_code}'.")
    found = _coverage(session, proposal.patient_id, proposal.day)
    if found is None:
        return [
            CheckLine(
                PROBLEM,
                "Coverage",
                f"none on file for {day_text(proposal.day)}: "
                "self-pay unless the caller gives a card",
            )
        ]
    coverage, payer = found
    lines = [
        CheckLine(
            OK,
            "Coverage",
            f"{payer.name} {coverage.plan_name}, member {coverage.member_id}".strip(),
        )
    ]
    answer = _latest_answer(session, coverage.id)
    summary: dict[str, Any] = (
        json.loads(answer.summary_json) if answer and answer.summary_json else {}
    )
    lines += _eligibility(answer, summary, now, settings)
    lines.append(_network(session, proposal.provider_id, payer))
    lines += _money(session, coverage, kind, summary)
    rules = session.exec(
        select(m.PayerRule)
        .where(col(m.PayerRule.payer_id) == payer.id)
        .where(col(m.PayerRule.appointment_type_id) == kind.id)
    ).all()
    lines.append(_referral(session, proposal, kind, rules))
    lines.append(_authorization(session, proposal, kind, rules, summary))
    lines += _visit_limit(session, proposal, kind, rules)
    return lines


def _eligibility(
    answer: m.EligibilityCheck | None, summary: dict[str, Any], now: datetime, settings: Settings
) -> list[CheckLine]:
    if answer is None or answer.responded_at is None:
        return [CheckLine(UNKNOWN, "Eligibility", "never verified: send an inquiry")]
    age = now - answer.responded_at
    fresh = age <= timedelta(days=settings.eligibility_fresh_days)
    when = f"verified {day_text(answer.responded_at)} (trace {answer.trace_number})"
    lines = [
        CheckLine(
            OK if fresh else UNKNOWN,
            "Eligibility",
            when
            if fresh
            else f"{when}: older than {settings.eligibility_fresh_days} days, check again",
        )
    ]
    status = summary.get("status", answer.status)
    if status == "active":
        lines.append(CheckLine(OK, "Active", f"active coverage, {summary.get('plan') or 'plan'}"))
    elif status == "inactive":
        lines.append(CheckLine(PROBLEM, "Active", "the payer says the coverage is inactive"))
    else:
        advice = "; ".join(r["advice"] for r in summary.get("rejections", [])) or "no answer"
        lines.append(CheckLine(UNKNOWN, "Active", f"not confirmed: {advice}"))
    return lines


def _network(session: Session, provider_id: int | None, payer: m.Payer) -> CheckLine:
    if provider_id is None:
        return CheckLine(UNKNOWN, "Network", "no provider chosen yet")
    link = session.get(m.ProviderPayer, (provider_id, payer.id))
    if link is None:
        return CheckLine(UNKNOWN, "Network", f"participation with {payer.name} not on file")
    if link.in_network:
        return CheckLine(OK, "Network", f"in network with {payer.name}")
    return CheckLine(PROBLEM, "Network", f"out of network with {payer.name}: higher cost")


def _office_benefit(summary: dict[str, Any], info: str) -> dict[str, Any] | None:
    for benefit in summary.get("benefits", []):
        if (
            benefit["info_code"] == info
            and benefit["in_network"] != "no"
            and (
                not benefit["service_types"]
                or set(benefit["service_types"]) & set(OFFICE_SERVICE_TYPES)
            )
        ):
            return dict(benefit)
    return None


def _money(
    session: Session, coverage: m.Coverage, kind: m.AppointmentType, summary: dict[str, Any]
) -> list[CheckLine]:
    lines = []
    copay = _office_benefit(summary, "B")
    if copay and copay["amount_cents"] is not None:
        paid = copay["amount_cents"]
        lines.append(CheckLine(OK, "Copay", f"{dollars(paid)} (from the payer)", paid))
    elif coverage.copay_cents is not None:
        paid = coverage.copay_cents
        lines.append(CheckLine(OK, "Copay", f"{dollars(paid)} (from the card on file)", paid))
    else:
        lines.append(CheckLine(UNKNOWN, "Copay", "not known"))
        lines.append(_fee(session, coverage.payer_id, kind))
    left = coverage.deductible_remaining_cents
    coinsurance = coverage.coinsurance_percent
    parts = []
    if left is not None:
        parts.append(f"deductible left {dollars(left)}")
    if coinsurance is not None:
        parts.append(f"coinsurance {coinsurance}%")
    mark, said = (OK if parts else UNKNOWN), ", ".join(parts) or "not known"
    lines.append(CheckLine(mark, "Deductible", said, left, coinsurance))
    return lines


def _fee(session: Session, payer_id: int, kind: m.AppointmentType) -> CheckLine:
    """What the payer allows for the visit's CPT code (its fee schedule)."""
    codes = [code.strip() for code in kind.cpt_codes.split(",") if code.strip()]
    if not codes:
        return CheckLine(UNKNOWN, "Fee", f"no CPT code for {kind.name}")
    fee = session.exec(
        select(m.FeeSchedule)
        .where(col(m.FeeSchedule.payer_id) == payer_id)
        .where(col(m.FeeSchedule.cpt_code) == codes[0])
    ).first()
    if fee is None:
        return CheckLine(UNKNOWN, "Fee", f"no allowed amount on file for CPT {codes[0]}")
    allowed = fee.allowed_cents
    return CheckLine(OK, "Fee", f"allowed {dollars(allowed)} for CPT {codes[0]}", allowed)


#: Visits that count against a payer's yearly limit (not cancelled, missed or voided).
COUNTED_STATUSES = ("booked", "arrived", "checked-in", "fulfilled")


def _visit_limit(
    session: Session, proposal: Proposal, kind: m.AppointmentType, rules: Sequence[m.PayerRule]
) -> list[CheckLine]:
    """The payer's visits a year for this type, against those the patient has that year."""
    limits = [rule.visit_limit_per_year for rule in rules if rule.visit_limit_per_year is not None]
    if not limits:
        return []
    limit, year = min(limits), proposal.day.year
    used = len(
        session.exec(
            select(m.Appointment.id)
            .where(col(m.Appointment.patient_id) == proposal.patient_id)
            .where(col(m.Appointment.appointment_type_id) == kind.id)
            .where(col(m.Appointment.status).in_(COUNTED_STATUSES))
            .where(col(m.Appointment.start) >= datetime(year, 1, 1, tzinfo=UTC))
            .where(col(m.Appointment.start) < datetime(year + 1, 1, 1, tzinfo=UTC))
        ).all()
    )
    said = f"{used} of {limit} covered {kind.name} visits used in {year}"
    if used >= limit:
        return [CheckLine(PROBLEM, "Visit limit", f"{said}: this one may not be covered")]
    return [CheckLine(OK, "Visit limit", said)]


def _referral(
    session: Session, proposal: Proposal, kind: m.AppointmentType, rules: Sequence[m.PayerRule]
) -> CheckLine:
    needed = kind.needs_referral or any(rule.requires_referral for rule in rules)
    if not needed:
        return CheckLine(OK, "Referral", "not required")
    on_file = session.exec(
        select(m.Referral)
        .where(col(m.Referral.patient_id) == proposal.patient_id)
        .where(col(m.Referral.status).in_(("new", "contacted", "scheduled")))
        .where(
            (col(m.Referral.to_specialty_id) == kind.specialty_id)
            | (col(m.Referral.to_provider_id) == proposal.provider_id)
        )
        .where(
            (col(m.Referral.expires_on).is_(None)) | (col(m.Referral.expires_on) >= proposal.day)
        )
    ).first()
    if on_file:
        return CheckLine(
            OK,
            "Referral",
            f"on file ({on_file.referral_number or on_file.id}) from "
            f"{on_file.referring_provider_name or 'the referring provider'}",
        )
    return CheckLine(PROBLEM, "Referral", "required and not on file: ask for the referral")


def _authorization(
    session: Session,
    proposal: Proposal,
    kind: m.AppointmentType,
    rules: Sequence[m.PayerRule],
    summary: dict[str, Any],
) -> CheckLine:
    wanted = service_type_for(kind)
    from_271 = any(
        b["authorization_required"] == "yes" and wanted in b["service_types"]
        for b in summary.get("benefits", [])
    )
    needed = kind.needs_prior_auth or any(r.requires_prior_auth for r in rules) or from_271
    if not needed:
        return CheckLine(OK, "Authorization", "not required")
    auths = session.exec(
        select(m.PriorAuthorization)
        .where(col(m.PriorAuthorization.patient_id) == proposal.patient_id)
        .where(col(m.PriorAuthorization.appointment_type_id) == kind.id)
        .order_by(col(m.PriorAuthorization.updated_at).desc())
    ).all()
    covering = covering_authorization(session, proposal.patient_id, kind.id or 0, proposal.day)
    if covering is not None:
        until = covering.valid_to.isoformat() if covering.valid_to else "open-ended"
        return CheckLine(OK, "Authorization", f"approved {covering.auth_number} until {until}")
    approved = [auth for auth in auths if auth.status == "approved"]
    if approved:
        auth = approved[0]
        in_dates = (
            (auth.valid_from or proposal.day) <= proposal.day <= (auth.valid_to or proposal.day)
        )
        why = "no units left" if in_dates else "outside its dates"
        return CheckLine(PROBLEM, "Authorization", f"approved {auth.auth_number} but {why}")
    if auths:
        return CheckLine(PROBLEM, "Authorization", f"required; the request is {auths[0].status}")
    return CheckLine(PROBLEM, "Authorization", "required and none on file: start one")


def covering_authorization(
    session: Session, patient_id: int, type_id: int, day: date
) -> m.PriorAuthorization | None:
    """An approved authorization for this patient and visit type valid on `day` with units left."""
    approved = session.exec(
        select(m.PriorAuthorization)
        .where(col(m.PriorAuthorization.patient_id) == patient_id)
        .where(col(m.PriorAuthorization.appointment_type_id) == type_id)
        .where(col(m.PriorAuthorization.status) == "approved")
        .order_by(col(m.PriorAuthorization.updated_at).desc())
    ).all()
    return next((auth for auth in approved if _covers(auth, day)), None)


def booking_warnings(
    session: Session, proposal: Proposal, *, now: datetime, settings: Settings
) -> list[str]:
    """The checklist's problems (✗), worded as warnings for whoever books."""
    return [
        f"{line.topic}: {line.reason}"
        for line in checklist(session, proposal, now=now, settings=settings)
        if line.mark == PROBLEM
    ]


def _covers(auth: m.PriorAuthorization, day: date) -> bool:
    in_dates = (auth.valid_from or day) <= day <= (auth.valid_to or day)
    units_left = auth.approved_units is None or auth.used_units < auth.approved_units
    return in_dates and units_left


def estimate(lines: list[CheckLine]) -> str:
    """What the patient may owe, always labelled an estimate: the copay, or else the
    payer's allowed fee against the deductible left and the coinsurance."""
    by_topic = {line.topic: line for line in lines if line.mark == OK}
    copay, fee = by_topic.get("Copay"), by_topic.get("Fee")
    final = "the payer decides the final amount."
    if copay is not None and copay.cents is not None:
        return f"Estimate: {dollars(copay.cents)} copay at the visit; {final}"
    if fee is None or fee.cents is None:
        return f"Estimate: not known yet (no copay or fee on file); {final}"
    deductible = by_topic.get("Deductible")
    left = deductible.cents if deductible else None
    percent = deductible.percent if deductible else None
    if left is None and percent is None:
        return f"Estimate: up to {dollars(fee.cents)} (the allowed fee); {final}"
    toward = min(fee.cents, left or 0)
    rest = fee.cents - toward
    share = (rest * (percent or 0) + 50) // 100  # to the nearest cent, half up
    return (
        f"Estimate: {dollars(toward + share)} (allowed {dollars(fee.cents)}: "
        f"{dollars(toward)} toward the deductible, then {percent or 0}% of {dollars(rest)}); "
        f"{final}"
    )
