"""The read-back script: what the scheduler reads to the caller before booking."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from schedtui.core.insurance.checklist import PROBLEM, Proposal, checklist, estimate
from schedtui.core.schedule.referrals import open_referral_for
from schedtui.core.schedule.screening import Question, questions_for
from schedtui.core.schedule.slots import Slot
from schedtui.data import models as m
from schedtui.data.store import Store
from schedtui.settings import Settings


@dataclass(frozen=True)
class ReadBack:
    """Lines to read, and the insurance items still open."""

    lines: tuple[str, ...]
    open_items: tuple[str, ...]
    estimate: str
    #: The visit type's screening questions, asked before booking.
    questions: tuple[Question, ...] = ()


def readback(
    session: Session, slot: Slot, patient_id: int, *, now: datetime, settings: Settings
) -> ReadBack:
    """The script for a proposed slot."""
    site = session.get(m.Site, slot.site_id)
    provider = session.get(m.Provider, slot.provider_id)
    kind = session.exec(
        select(m.AppointmentType).where(col(m.AppointmentType.code) == slot.type_code)
    ).one()
    assert site is not None and provider is not None
    local = slot.start.astimezone(ZoneInfo(site.timezone))
    arrive = local.timestamp() - kind.arrive_early_minutes * 60
    arrive_at = datetime.fromtimestamp(arrive, ZoneInfo(site.timezone))
    where = ", ".join(p for p in (site.name, site.address_line, site.city, site.state) if p)
    lines = [
        f"{kind.name} on {local:%A, %B %d, %Y} at {local:%I:%M %p %Z}".replace(" 0", " "),
        f"with {provider.first_name} {provider.last_name} {provider.credentials}".strip(),
    ]
    if slot.visit_mode == "telehealth":
        lines.append("by video: the link comes by text or e-mail before the visit")
    else:
        lines += [f"at {where}", f"please arrive by {arrive_at:%I:%M %p}".replace(" 0", " ")]
    if kind.prep_instructions:
        lines.append(f"to prepare: {kind.prep_instructions}")
    if slot.interpreter_language:
        lines.append(f"an interpreter ({slot.interpreter_language}) will be there")
    referral = open_referral_for(session, patient_id, kind)
    if referral is not None:
        who = referral.referring_provider_name or "the referring provider"
        due = f", due {referral.due_on:%b %d}".replace(" 0", " ") if referral.due_on else ""
        lines.append(f"for the referral from {who}{due}")
    checks = checklist(
        session,
        Proposal(patient_id, slot.type_code, slot.provider_id, local.date()),
        now=now,
        settings=settings,
    )
    open_items = tuple(f"{c.topic}: {c.reason}" for c in checks if c.mark == PROBLEM)
    questions = tuple(questions_for(session, slot.type_code))
    return ReadBack(tuple(lines), open_items, estimate(checks), questions)


def read_back(
    store: Store, slot: Slot, patient_id: int, *, now: datetime, settings: Settings
) -> ReadBack:
    """The script for a proposed slot, read from the store."""
    with store.read() as session:
        return readback(session, slot, patient_id, now=now, settings=settings)
