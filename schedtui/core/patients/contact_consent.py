"""A patient's answers about being contacted, per channel (texts, e-mail, calls): read
wherever a message is made or a chart is shown, kept by the caller's transaction."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from schedtui.data import models as m
from schedtui.data.codes import CONTACT_CHANNELS


def consents(session: Session, patient_id: int) -> dict[str, bool]:
    """Each channel's answer (a channel never asked about is a no)."""
    given = {
        c.channel: c.granted
        for c in session.exec(
            select(m.ContactConsent).where(col(m.ContactConsent.patient_id) == patient_id)
        )
    }
    return {channel: given.get(channel, False) for channel in CONTACT_CHANNELS}


def record_answer(
    session: Session, patient_id: int, channel: str, granted: bool, now: datetime
) -> None:
    """Keep the patient's answer for one channel (in the caller's transaction; the caller
    audits it)."""
    row = session.get(m.ContactConsent, (patient_id, channel))
    row = row or m.ContactConsent(
        patient_id=patient_id, channel=channel, granted=granted, recorded_at=now
    )
    row.granted, row.recorded_at = granted, now
    session.add(row)
