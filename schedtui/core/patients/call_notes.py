"""Call notes: a draft saved every few seconds while the call goes on, so a crash or a
killed terminal loses at most the last few seconds; finishing the call files the note."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from schedtui.core.security import audit
from schedtui.core.security.access import Actor, Permission
from schedtui.core.security.guard import guarded_write
from schedtui.core.support.card_numbers import has_card_number
from schedtui.core.support.errors import BadInput
from schedtui.core.support.text import BIDI_CONTROLS
from schedtui.core.support.writes import in_write
from schedtui.data import models as m
from schedtui.data.store import Store

MAX_LENGTH = 20_000
#: Said when a note holds a full card number: it is never stored (PCI DSS).
CARD_IN_NOTE = (
    "The note holds what looks like a full card number: only a card's last four digits "
    "may be kept. Take it out of the note; it was not saved."
)


@dataclass(frozen=True)
class NoteLine:
    """A filed note as the patient panel lists it."""

    note_id: int
    started_at: datetime
    author: str
    body: str


class NoteAlreadyFiled(BadInput):
    """The draft was filed meanwhile (a last autosave racing Ctrl+S): nothing to save."""


def _own_draft(session: Session, actor: Actor, note_id: int) -> m.CallNote:
    note = session.get(m.CallNote, note_id)
    if note is not None and note.user_id == actor.user_id and not note.is_draft:
        raise NoteAlreadyFiled(f"Note {note_id} is already filed.")
    if note is None or not note.is_draft or note.user_id != actor.user_id:
        raise BadInput(f"Note {note_id} is not an open draft of yours.")
    return note


def _checked(body: str) -> str:
    if len(body) > MAX_LENGTH:
        raise BadInput(f"A call note holds at most {MAX_LENGTH:,} characters.")
    if has_card_number(body):
        raise BadInput(CARD_IN_NOTE)
    return body


def start_note(store: Store, actor: Actor, *, now: datetime, patient_id: int | None = None) -> int:
    """Open a draft for a new call; return its id."""

    def work(session: Session) -> int:
        note = m.CallNote(
            patient_id=patient_id,
            user_id=actor.user_id,
            started_at=now,
            updated_at=now,
            is_draft=True,
        )
        session.add(note)
        session.flush()
        assert note.id is not None
        return note.id

    return guarded_write(store, actor, Permission.VIEW_PATIENTS, work, now=now, what="call note")


def save_draft(
    store: Store,
    actor: Actor,
    note_id: int,
    body: str,
    *,
    now: datetime,
    patient_id: int | None = None,
) -> None:
    """Keep what has been typed so far (and which patient the call is about)."""
    text = _checked(body)

    def work(session: Session) -> None:
        note = _own_draft(session, actor, note_id)
        note.body = text
        note.updated_at = now
        if patient_id is not None:
            note.patient_id = patient_id

    in_write(store, work)


def finish_note(
    store: Store,
    actor: Actor,
    note_id: int,
    body: str,
    *,
    now: datetime,
    patient_id: int | None = None,
    appointment_id: int | None = None,
    resolved_on_call: bool | None = None,
) -> None:
    """File the note: stamped with time, user and patient, and audited."""
    text = _filed_text(body)

    def work(session: Session) -> None:
        note = _own_draft(session, actor, note_id)
        note.patient_id = patient_id if patient_id is not None else note.patient_id
        note.resolved_on_call = resolved_on_call
        _file(session, actor, note, text, now=now, appointment_id=appointment_id)

    in_write(store, work)


def add_note(
    store: Store,
    actor: Actor,
    body: str,
    *,
    now: datetime,
    patient_id: int,
    appointment_id: int | None = None,
) -> int:
    """File a note in one step (for scripts): checked first, written whole or not at all."""

    def work(session: Session) -> int:
        text = _filed_text(body)
        if any(not (ch.isprintable() or ch in "\n\t") or ch in BIDI_CONTROLS for ch in text):
            raise BadInput(
                "A call note holds text and line breaks only, not control characters (ESC, NUL...)."
            )
        visit = session.get(m.Appointment, appointment_id) if appointment_id is not None else None
        if appointment_id is not None and (visit is None or visit.patient_id != patient_id):
            raise BadInput(f"Appointment {appointment_id} is not one of this patient's.")
        note = m.CallNote(
            patient_id=patient_id, user_id=actor.user_id, started_at=now, updated_at=now
        )
        session.add(note)
        session.flush()
        _file(session, actor, note, text, now=now, appointment_id=appointment_id)
        assert note.id is not None
        return note.id

    return guarded_write(store, actor, Permission.VIEW_PATIENTS, work, now=now, what="call note")


def _filed_text(body: str) -> str:
    text = _checked(body).strip()
    if not text:
        raise BadInput("The note is empty; type what the call was about.")
    return text


def _file(
    session: Session,
    actor: Actor,
    note: m.CallNote,
    text: str,
    *,
    now: datetime,
    appointment_id: int | None,
) -> None:
    note.body, note.is_draft, note.ended_at, note.updated_at = text, False, now, now
    note.appointment_id = appointment_id
    audit.record(
        session,
        actor=actor,
        action="create",
        now=now,
        entity="call note",
        entity_id=note.id,
        patient_id=note.patient_id,
        detail={"characters": len(text)},
    )


def open_drafts(store: Store, actor: Actor) -> list[m.CallNote]:
    """The actor's unfinished notes (after a crash), newest first."""
    with store.read() as session:
        return list(
            session.exec(
                select(m.CallNote)
                .where(col(m.CallNote.user_id) == actor.user_id)
                .where(col(m.CallNote.is_draft))
                .order_by(col(m.CallNote.updated_at).desc())
            ).all()
        )


def notes_for(session: Session, patient_id: int, limit: int = 10) -> list[NoteLine]:
    """The patient's filed notes, newest first."""
    rows = session.exec(
        select(m.CallNote, m.User.username)
        .join(m.User, col(m.CallNote.user_id) == col(m.User.id), isouter=True)
        .where(col(m.CallNote.patient_id) == patient_id)
        .where(col(m.CallNote.is_draft).is_(False))
        .order_by(col(m.CallNote.started_at).desc())
        .limit(limit)
    ).all()
    return [
        NoteLine(note.id or 0, note.started_at, username or "-", note.body)
        for note, username in rows
    ]
