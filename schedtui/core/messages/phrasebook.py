"""A supervisor's own words for the messages patients get: per kind of message, channel
and language, checked before they are kept (only the placeholders that channel may say,
the time and the number to call always there), audited before and after. Where there
are none, the program's own words are used; the pieces that keep a message lawful and
minimal (the opt-out, the signature, the voicemail's few words) are always added."""

from __future__ import annotations

import string
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from sqlmodel import Session, col, select

from schedtui.core.messages.wording import Own, built_in
from schedtui.core.security import audit
from schedtui.core.security.access import Actor, Permission
from schedtui.core.security.guard import guarded_write
from schedtui.core.support.errors import BadInput
from schedtui.core.support.rows import JsonRow
from schedtui.core.support.text import text_problem
from schedtui.data import models as m
from schedtui.data.codes import MESSAGE_LANGUAGES, WORDED_CHANNELS
from schedtui.data.store import Store

#: The kinds of message whose words may be changed, in the order a patient gets them.
WORDED_KINDS: Final = ("confirmation", "reminder", "change", "cancellation", "must-move")
#: What each channel may say. A text says the least: never the provider (a name can
#: tell the specialty) nor the place; nothing says the reason for the visit.
PLACEHOLDERS: Final = {
    "email": ("first", "provider", "clinic", "when", "was", "day", "where", "call"),
    "sms": ("clinic", "when", "was", "call"),
    "voice": ("first", "provider", "clinic", "when", "was", "where", "call"),
}
#: What every body must hold: when the visit is, and (in writing) the number to call.
REQUIRED: Final = {"email": ("when", "call"), "sms": ("when", "call"), "voice": ("when",)}
#: The longest body (before the placeholders are filled) and subject.
BODY_LIMITS: Final = {"email": 2000, "sms": 300, "voice": 600}
SUBJECT_LIMIT: Final = 150

Key = tuple[str, str, str]  # kind, channel, language


@dataclass(frozen=True)
class WordingRow(JsonRow):
    """What one kind of message says on one channel in one language."""

    kind: str
    channel: str
    language: str
    own: bool  # the supervisor's words (else the program's)
    subject: str
    body: str


def own_words(session: Session) -> dict[Key, tuple[str, str]]:
    """Every kind of message a supervisor has worded: (subject, body) by key."""
    return {
        (row.kind, row.channel, row.language): (row.subject, row.body)
        for row in session.exec(select(m.MessageWording))
    }


def own_for(words: dict[Key, tuple[str, str]], kind: str, channel: str, language: str) -> Own:
    """The supervisor's words for one message, or None for the program's own."""
    return words.get((kind, channel, language))


def wording_rows(session: Session) -> list[WordingRow]:
    """What each kind of message says, on each channel, in each language."""
    own = own_words(session)
    return [
        WordingRow(kind, channel, language, (kind, channel, language) in own,
                   *own.get((kind, channel, language), built_in(kind, channel, language)))
        for kind in WORDED_KINDS
        for channel in WORDED_CHANNELS
        if not (channel == "voice" and kind == "confirmation")
        for language in MESSAGE_LANGUAGES
    ]  # fmt: skip


def check_key(kind: str, channel: str, language: str) -> None:
    """Refuse, naming it, a kind, channel or language that has no wording."""
    if kind not in WORDED_KINDS:
        raise BadInput(f"Kind '{kind}': use one of {', '.join(WORDED_KINDS)}.")
    if channel not in WORDED_CHANNELS:
        raise BadInput(f"--channel '{channel}': use one of {', '.join(WORDED_CHANNELS)}.")
    if language not in MESSAGE_LANGUAGES:
        raise BadInput(f"--language '{language}': use one of {', '.join(MESSAGE_LANGUAGES)}.")
    if channel == "voice" and kind == "confirmation":
        raise BadInput("There is no confirmation call (patients book on the phone).")


def check_words(kind: str, channel: str, subject: str, body: str) -> None:
    """Refuse words that could not be sent as they are, naming the field and the fault."""
    if subject and channel != "email":
        raise BadInput(f"--subject: only e-mail has a subject, not {channel}.")
    problem = text_problem(subject, SUBJECT_LIMIT)
    if problem:
        raise BadInput(f"--subject: {problem}.")
    if not body.strip():
        raise BadInput("--body is required.")
    if len(body) > BODY_LIMITS[channel]:
        raise BadInput(f"--body: at most {BODY_LIMITS[channel]} characters for {channel}.")
    for number, line in enumerate(body.splitlines(), start=1):
        if text_problem(line, BODY_LIMITS[channel]):
            raise BadInput(f"--body, line {number}: contains control characters.")
    said = _placeholders("--subject", subject, channel) | _placeholders("--body", body, channel)
    if "was" in said and kind != "change":
        raise BadInput("{was} (the old time) is known only in a change notice.")
    missing = [name for name in REQUIRED[channel] if name not in _placeholders("", body, channel)]
    if missing:
        raise BadInput(f"--body must say {', '.join('{' + n + '}' for n in missing)}.")


def _placeholders(field: str, text: str, channel: str) -> set[str]:
    """The {names} in `text`; an unknown one, a format or a stray brace is refused."""
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as fault:
        raise BadInput(f"{field}: {fault} (write a brace as {{{{ or }}}}).") from None
    found = set()
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if name not in PLACEHOLDERS[channel] or spec or conversion:
            allowed = ", ".join("{" + n + "}" for n in PLACEHOLDERS[channel])
            raise BadInput(f"{field}: {{{name}}} cannot be said by {channel}; use {allowed}.")
        found.add(name)
    return found


def set_wording(
    store: Store, actor: Actor, key: Key, subject: str, body: str, *, now: datetime
) -> None:
    """Keep a supervisor's own words for one kind of message (audited before and after)."""
    kind, channel, language = key
    check_key(kind, channel, language)
    check_words(kind, channel, subject, body)

    def work(session: Session) -> None:
        row = _row(session, key)
        before = (row.subject, row.body) if row else None
        row = row or m.MessageWording(
            kind=kind, channel=channel, language=language, body=body, updated_at=now
        )
        row.subject, row.body, row.updated_at, row.updated_by_id = (
            subject, body, now, actor.user_id,
        )  # fmt: skip
        session.add(row)
        _audit(session, actor, key, before, (subject, body), now)

    guarded_write(store, actor, Permission.SEND_MESSAGES, work, now=now, what="message wording")


def reset_wording(store: Store, actor: Actor, key: Key, *, now: datetime) -> bool:
    """Back to the program's own words; False when they were in use already."""
    check_key(*key)

    def work(session: Session) -> bool:
        row = _row(session, key)
        if row is None:
            return False
        _audit(session, actor, key, (row.subject, row.body), None, now)
        session.delete(row)
        return True

    return guarded_write(
        store, actor, Permission.SEND_MESSAGES, work, now=now, what="message wording"
    )


def _row(session: Session, key: Key) -> m.MessageWording | None:
    kind, channel, language = key
    return session.exec(
        select(m.MessageWording)
        .where(col(m.MessageWording.kind) == kind)
        .where(col(m.MessageWording.channel) == channel)
        .where(col(m.MessageWording.language) == language)
    ).first()


def _audit(
    session: Session,
    actor: Actor,
    key: Key,
    before: tuple[str, str] | None,
    after: tuple[str, str] | None,
    now: datetime,
) -> None:
    def shown(words: tuple[str, str] | None) -> dict[str, str] | None:
        return {"subject": words[0], "body": words[1]} if words else None

    audit.record(
        session, actor=actor, action="update", now=now, entity="message-wording",
        entity_id="/".join(key), detail={"before": shown(before), "after": shown(after)},
    )  # fmt: skip
