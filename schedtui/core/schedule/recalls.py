"""Recall campaigns: a supervisor names the visit to book and who is due (the last visit
of a type longer ago than N months, an age range, a provider's patients, a payer's
members, or a list of MRNs), and the due window. Generating it lists the patients,
leaving out the deceased, merged charts, those already booked for that visit and those
who said no to every way of being contacted. Schedulers work it contact by contact;
booking the visit links the entry. Every step is audited."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Final

from dateutil.relativedelta import relativedelta
from sqlalchemy import and_, exists, func, select
from sqlmodel import Session, col
from sqlmodel import select as sqlmodel_select

from schedtui.core.security import audit
from schedtui.core.security.access import Actor, Permission
from schedtui.core.security.guard import guarded_write, require
from schedtui.core.support.errors import BadInput
from schedtui.core.support.rows import JsonRow
from schedtui.core.support.text import text_problem
from schedtui.data import models as m
from schedtui.data.codes import CONTACT_OUTCOMES
from schedtui.data.store import Store

#: Visits that count as "seen" for "the last visit of a type".
SEEN: Final = ("fulfilled", "arrived", "checked-in")
#: Entries still to work.
OPEN: Final = ("due", "contacted")
#: An unanswered call is tried again this many days later unless told otherwise.
RETRY_DAYS: Final = 2
#: What each outcome of a call makes of the entry.
AFTER_CALL: Final = {
    "reached": "contacted",
    "no-answer": "contacted",
    "left-message": "contacted",
    "wrong-number": "unreachable",
    "declined": "declined",
}

P = m.Patient.__table__  # type: ignore[attr-defined]
A = m.Appointment.__table__  # type: ignore[attr-defined]
E = m.RecallEntry.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Criteria:
    """Who is due (every part given must hold)."""

    last_visit_type: str = ""
    months: int | None = None
    age_min: int | None = None
    age_max: int | None = None
    provider_id: int | None = None
    payer_id: int | None = None


@dataclass(frozen=True)
class CampaignRequest:
    """A campaign as a supervisor defines it."""

    name: str
    type_code: str
    due_from: date
    due_to: date
    criteria: Criteria = field(default_factory=Criteria)


def add_campaign(store: Store, actor: Actor, request: CampaignRequest, *, now: datetime) -> int:
    """A new campaign (a draft until generated); its id."""
    problem = text_problem(request.name.strip(), 120) if request.name.strip() else "is required"
    if problem:
        raise BadInput(f"The campaign's name {problem}.")
    if request.due_to < request.due_from:
        raise BadInput(f"--to {request.due_to} is before --from {request.due_from}.")
    _check_criteria(request.criteria)

    def work(session: Session) -> int:
        kind = _type(session, request.type_code)
        _known_parts(session, request.criteria)
        campaign = m.RecallCampaign(
            name=request.name.strip(), appointment_type_id=kind.id or 0,
            provider_id=request.criteria.provider_id, due_from=request.due_from,
            due_to=request.due_to, criteria=json.dumps(asdict(request.criteria)),
            created_at=now, created_by_id=actor.user_id,
        )  # fmt: skip
        session.add(campaign)
        session.flush()
        audit.record(session, actor=actor, action="create", now=now, entity="recall-campaign",
                     entity_id=campaign.id, detail={"name": campaign.name})  # fmt: skip
        return campaign.id or 0

    return guarded_write(store, actor, Permission.MANAGE_RECALLS, work, now=now, what="recall")


def _check_criteria(criteria: Criteria) -> None:
    if (criteria.months is None) != (not criteria.last_visit_type):
        raise BadInput("--last-visit TYPE and --months N go together.")
    if criteria.months is not None and not 1 <= criteria.months <= 240:
        raise BadInput(f"--months {criteria.months}: from 1 to 240.")
    low, high = criteria.age_min, criteria.age_max
    if any(age is not None and not 0 <= age <= 130 for age in (low, high)):
        raise BadInput("An age is from 0 to 130.")
    if low is not None and high is not None and high < low:
        raise BadInput(f"--age-max {high} is below --age-min {low}.")


def _type(session: Session, code: str) -> m.AppointmentType:
    kinds = m.AppointmentType.__table__  # type: ignore[attr-defined]
    found = session.execute(select(kinds.c.id).where(kinds.c.code == code.strip().upper())).scalar()
    kind = session.get(m.AppointmentType, found) if found is not None else None
    if kind is None:
        raise BadInput(f"There is no visit type '{code}' ('schedtui types list' lists them).")
    return kind


def _known_parts(session: Session, criteria: Criteria) -> None:
    if criteria.last_visit_type:
        _type(session, criteria.last_visit_type)
    if criteria.provider_id is not None and session.get(m.Provider, criteria.provider_id) is None:
        raise BadInput(f"There is no provider with id {criteria.provider_id}.")
    if criteria.payer_id is not None and session.get(m.Payer, criteria.payer_id) is None:
        raise BadInput(f"There is no payer with id {criteria.payer_id}.")


@dataclass(frozen=True)
class Generated:
    """What generating a campaign did."""

    added: int
    already_listed: int
    left_out_booked: int
    left_out_no_contact: int
    unknown_mrns: tuple[str, ...] = ()


def generate(
    store: Store,
    actor: Actor,
    campaign_id: int,
    *,
    now: datetime,
    today: date,
    mrns: tuple[str, ...] = (),
) -> Generated:
    """List the patients due (again: only those not listed yet are added); the campaign
    is then active."""

    def work(session: Session) -> Generated:
        campaign = _campaign(session, campaign_id)
        criteria = Criteria(**json.loads(campaign.criteria or "{}"))
        wanted, unknown = _wanted(session, mrns)
        due = _due(session, criteria, today, wanted)
        booked = _booked(session, campaign.appointment_type_id, now)
        silent = _no_contact(session)
        listed = set(
            session.execute(select(E.c.patient_id).where(E.c.campaign_id == campaign_id)).scalars()
        )
        adding = sorted(due - booked - silent - listed)
        session.add_all(m.RecallEntry(campaign_id=campaign_id, patient_id=p) for p in adding)
        campaign.status = "active"
        session.add(campaign)
        made = Generated(len(adding), len(due & listed), len(due & booked - listed),
                         len(due & silent - booked - listed), unknown)  # fmt: skip
        audit.record(session, actor=actor, action="create", now=now, entity="recall-campaign",
                     entity_id=campaign_id, detail={"generated": asdict(made)})  # fmt: skip
        return made

    return guarded_write(store, actor, Permission.MANAGE_RECALLS, work, now=now, what="recall")


def _campaign(session: Session, campaign_id: int) -> m.RecallCampaign:
    campaign = session.get(m.RecallCampaign, campaign_id)
    if campaign is None:
        raise BadInput(f"There is no recall campaign {campaign_id} ('recalls list').")
    return campaign


def _wanted(session: Session, mrns: tuple[str, ...]) -> tuple[set[int] | None, tuple[str, ...]]:
    if not mrns:
        return None, ()
    wanted = {mrn.strip() for mrn in mrns if mrn.strip()}
    found = dict(session.execute(select(P.c.mrn, P.c.id).where(P.c.mrn.in_(wanted))).all())
    return set(found.values()), tuple(sorted(wanted - set(found)))


def _due(session: Session, criteria: Criteria, today: date, wanted: set[int] | None) -> set[int]:
    """The live patients every given part of the criteria holds for."""
    query = select(P.c.id).where(P.c.merged_into_id.is_(None)).where(~P.c.deceased)
    if criteria.age_min is not None:
        query = query.where(P.c.dob <= today - relativedelta(years=criteria.age_min))
    if criteria.age_max is not None:
        query = query.where(P.c.dob > today - relativedelta(years=criteria.age_max + 1))
    if criteria.last_visit_type and criteria.months is not None:
        kind = _type(session, criteria.last_visit_type)
        cutoff = datetime.combine(today - relativedelta(months=criteria.months), time(0), UTC)
        last_seen = (
            select(A.c.patient_id).where(A.c.appointment_type_id == kind.id)
            .where(A.c.status.in_(SEEN)).group_by(A.c.patient_id)
            .having(func.max(A.c.start) < cutoff)
        )  # fmt: skip
        query = query.where(P.c.id.in_(last_seen))
    if criteria.provider_id is not None:
        theirs = select(A.c.patient_id).where(A.c.provider_id == criteria.provider_id)
        query = query.where(
            (P.c.primary_provider_id == criteria.provider_id)
            | P.c.id.in_(theirs.where(A.c.status.in_(SEEN)))
        )
    if criteria.payer_id is not None:
        cover = m.Coverage.__table__  # type: ignore[attr-defined]
        members = (
            select(cover.c.patient_id)
            .where(cover.c.payer_id == criteria.payer_id)
            .where((cover.c.effective_to.is_(None)) | (cover.c.effective_to >= today))
        )
        query = query.where(P.c.id.in_(members))
    found = set(session.execute(query).scalars())
    return found if wanted is None else found & wanted


def _booked(session: Session, type_id: int, now: datetime) -> set[int]:
    """Patients with a coming visit of the campaign's type."""
    return set(
        session.execute(
            select(A.c.patient_id).where(A.c.appointment_type_id == type_id)
            .where(A.c.status == "booked").where(A.c.start >= now)
        ).scalars()
    )  # fmt: skip


def _no_contact(session: Session) -> set[int]:
    """Patients who answered about contact and said no to every way."""
    consent = m.ContactConsent.__table__  # type: ignore[attr-defined]
    said_yes = exists().where(and_(consent.c.patient_id == P.c.id, consent.c.granted))
    asked = select(consent.c.patient_id).distinct()
    return set(session.execute(select(P.c.id).where(P.c.id.in_(asked)).where(~said_yes)).scalars())


def record_recall_contact(
    store: Store,
    actor: Actor,
    campaign_id: int,
    mrn: str,
    outcome: str,
    *,
    now: datetime,
    today: date,
    retry_on: date | None = None,
) -> str:
    """What came of a call about the campaign; the entry's new status."""
    if outcome not in AFTER_CALL:
        raise BadInput(f"--outcome '{outcome}': use one of {', '.join(CONTACT_OUTCOMES)}.")
    if retry_on is not None and retry_on < today:
        raise BadInput(f"--retry {retry_on} is already past.")

    def work(session: Session) -> str:
        entry = _entry(session, campaign_id, mrn)
        before = {"status": entry.status, "attempts": entry.attempts}
        entry.status = AFTER_CALL[outcome]
        entry.attempts, entry.last_outcome, entry.contacted_at = entry.attempts + 1, outcome, now
        again = outcome in ("no-answer", "left-message")
        entry.retry_on = (retry_on or today + timedelta(days=RETRY_DAYS)) if again else retry_on
        session.add(entry)
        audit.record(
            session, actor=actor, action="update", now=now, entity="recall-entry",
            entity_id=f"{campaign_id}/{mrn.strip()}", patient_id=entry.patient_id,
            detail={"before": before, "after": {"status": entry.status, "outcome": outcome}},
        )  # fmt: skip
        return entry.status

    return guarded_write(store, actor, Permission.BOOK, work, now=now, what="recall")


def _entry(session: Session, campaign_id: int, mrn: str) -> m.RecallEntry:
    _campaign(session, campaign_id)
    patient_id = session.execute(select(P.c.id).where(P.c.mrn == mrn.strip())).scalar()
    entry = session.get(m.RecallEntry, (campaign_id, patient_id or 0))
    if entry is None:
        raise BadInput(f"MRN {mrn.strip()} is not on recall campaign {campaign_id}.")
    if entry.status not in OPEN:
        raise BadInput(f"MRN {mrn.strip()} is {entry.status} on campaign {campaign_id}.")
    return entry


def link_recall_on_booking(session: Session, appointment: m.Appointment) -> None:
    """A booking of a campaign's visit answers the patient's open entry: booked, linked."""
    campaigns = m.RecallCampaign.__table__  # type: ignore[attr-defined]
    entry_key = session.execute(
        select(E.c.campaign_id).join(campaigns, campaigns.c.id == E.c.campaign_id)
        .where(E.c.patient_id == appointment.patient_id).where(E.c.status.in_(OPEN))
        .where(campaigns.c.status == "active")
        .where(campaigns.c.appointment_type_id == appointment.appointment_type_id)
        .order_by(E.c.campaign_id)
    ).scalar()  # fmt: skip
    if entry_key is None:
        return
    entry = session.get(m.RecallEntry, (entry_key, appointment.patient_id))
    assert entry is not None
    entry.status, entry.appointment_id = "booked", appointment.id
    session.add(entry)


@dataclass(frozen=True)
class CampaignRow(JsonRow):
    """A campaign and how far it got."""

    id: int
    name: str
    type_code: str
    due_from: date
    due_to: date
    status: str
    counts: dict[str, int]


def campaign_rows(session: Session) -> list[CampaignRow]:
    """Every campaign with its entries counted by status, the newest first."""
    counted: dict[int, dict[str, int]] = {}
    for campaign_id, status, count in session.execute(
        select(E.c.campaign_id, E.c.status, func.count()).group_by(E.c.campaign_id, E.c.status)
    ):
        counted.setdefault(campaign_id, {})[status] = count
    kinds = m.AppointmentType.__table__  # type: ignore[attr-defined]
    codes = dict(session.execute(select(kinds.c.id, kinds.c.code)).all())
    campaigns = session.exec(
        sqlmodel_select(m.RecallCampaign).order_by(col(m.RecallCampaign.id).desc())
    ).all()
    rows = [(c, codes.get(c.appointment_type_id, "")) for c in campaigns]
    return [
        CampaignRow(c.id or 0, c.name, code, c.due_from, c.due_to, c.status,
                    counted.get(c.id or 0, {}))
        for c, code in rows
    ]  # fmt: skip


@dataclass(frozen=True)
class RecallRow(JsonRow):
    """One patient to contact in a campaign."""

    patient_mrn: str
    patient_name: str
    status: str
    attempts: int
    last_outcome: str
    retry_on: date | None
    appointment_id: int | None


def recall_worklist(
    store: Store, actor: Actor, campaign_id: int, *, now: datetime, today: date,
    to_work: bool = False, for_export: bool = False,
) -> list[RecallRow]:  # fmt: skip
    """The campaign's patients (`to_work`: only those due or to try again today), an
    audited view (an export is an audited disclosure)."""
    require(store, actor, Permission.EXPORT if for_export else Permission.VIEW_PATIENTS,
            now=now, what="recall")  # fmt: skip
    with store.read() as session:
        _campaign(session, campaign_id)
        query = (
            select(P.c.mrn, P.c.last_name, P.c.first_name, E.c.status, E.c.attempts,
                   E.c.last_outcome, E.c.retry_on, E.c.appointment_id)
            .join(P, P.c.id == E.c.patient_id).where(E.c.campaign_id == campaign_id)
        )  # fmt: skip
        if to_work:
            query = query.where(E.c.status.in_(OPEN)).where(
                (E.c.retry_on.is_(None)) | (E.c.retry_on <= today)
            )
        rows = [
            RecallRow(mrn, f"{last}, {first}", status, tries, outcome, retry, visit)
            for mrn, last, first, status, tries, outcome, retry, visit in session.execute(
                query.order_by(E.c.status.desc(), E.c.retry_on, P.c.last_name, P.c.first_name)
            )
        ]
    audit.append(
        store, actor=actor, action="export" if for_export else "view", now=now,
        entity="recall-entry", entity_id=str(campaign_id),
        detail={"patients": [row.patient_mrn for row in rows]},
    )  # fmt: skip
    return rows


@dataclass(frozen=True)
class RecallDue:
    """A patient to call for an active campaign, from the day it is due."""

    campaign_id: int
    campaign: str
    patient_mrn: str
    due_on: date


def recalls_to_work(session: Session, today: date, *, limit: int) -> list[RecallDue]:
    """Patients of active campaigns to call today (due, or to try again), the longest
    due first (for the work queue). Each campaign's entries are read in its index's order
    (those never tried, due from the campaign's first day; those to try again, by their
    day), at most `limit` of each, then merged: no campaign is sorted whole."""
    campaigns = m.RecallCampaign.__table__  # type: ignore[attr-defined]
    active = session.execute(
        select(campaigns.c.id, campaigns.c.name, campaigns.c.due_from)
        .where(campaigns.c.status == "active").where(campaigns.c.due_from <= today)
    ).all()  # fmt: skip
    found: list[RecallDue] = []
    for campaign_id, name, due_from in active:
        for status in OPEN:
            entries = (
                select(P.c.mrn, E.c.retry_on)
                .join(P, P.c.id == E.c.patient_id)
                .where(E.c.campaign_id == campaign_id).where(E.c.status == status)
            )  # fmt: skip
            fresh = entries.where(E.c.retry_on.is_(None)).limit(limit)  # all due alike
            again = entries.where(E.c.retry_on <= today).order_by(E.c.retry_on).limit(limit)
            for query in (fresh, again):
                found += [RecallDue(campaign_id, name, mrn, retry_on or due_from)
                          for mrn, retry_on in session.execute(query)]  # fmt: skip
    found.sort(key=lambda due: (due.due_on, due.campaign_id))
    return found[:limit]
