"""Supervisors word the messages: checked before they are kept (only what a channel may
say, the time and the number always there), used by the outbox for that channel and
language only, audited before and after, and reset to the program's own words."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from schedtui.core.messages.phrasebook import (
    check_key,
    check_words,
    own_words,
    reset_wording,
    set_wording,
    wording_rows,
)
from schedtui.core.messages.preview import previews, sample_words
from schedtui.core.security.access import Actor, PermissionDenied
from schedtui.core.support.errors import BadInput
from schedtui.data import models as m
from tests.test_messages import NOW, SUPERVISOR, Desk, _text, desk, inbox  # noqa: F401

SCHEDULER = Actor(None, "sam", "scheduler")
OWN_TEXT = "{clinic}: see you {when}! Questions? {call}"


@pytest.mark.parametrize(
    ("kind", "channel", "subject", "body", "said"),
    [
        ("reminder", "sms", "", "{clinic} {when} with {provider}. {call}",
         "{provider} cannot be said by sms; use {clinic}, {when}, {was}, {call}"),
        ("reminder", "email", "", "Your {reason} visit {when}. {call}",
         "{reason} cannot be said by email"),
        ("reminder", "sms", "", "{clinic}: see you soon. Call {call}", "must say {when}"),
        ("reminder", "email", "", "See you {when}.", "must say {call}"),
        ("reminder", "sms", "", "{clinic} {when {call}", "unexpected '{' in field name"),
        ("reminder", "sms", "", "{when:>20} {call}", "{when} cannot be said by sms"),
        ("reminder", "email", "", "It was {was}, now {when}. {call}", "{was} (the old time)"),
        ("reminder", "sms", "Hi", OWN_TEXT, "--subject: only e-mail has a subject"),
        ("reminder", "sms", "", OWN_TEXT + "x" * 300, "at most 300 characters for sms"),
        ("reminder", "email", "", "{when}\n\x1b[2J{call}", "--body, line 2: contains control"),
        ("reminder", "email", "", "   ", "--body is required"),
    ],
)  # fmt: skip
def test_words_that_could_not_be_sent_as_they_are_are_refused(
    kind: str, channel: str, subject: str, body: str, said: str
) -> None:
    with pytest.raises(BadInput) as refused:
        check_words(kind, channel, subject, body)
    assert said in str(refused.value)


@pytest.mark.parametrize(
    ("key", "said"),
    [
        (("remind", "sms", "en"), "Kind 'remind': use one of confirmation"),
        (("reminder", "fax", "en"), "--channel 'fax': use one of email, sms, voice"),
        (("reminder", "sms", "fr"), "--language 'fr': use one of en, es"),
        (("confirmation", "voice", "en"), "There is no confirmation call"),
    ],
)
def test_a_kind_channel_or_language_without_words_is_refused(
    key: tuple[str, str, str], said: str
) -> None:
    with pytest.raises(BadInput, match=said):
        check_key(*key)


def test_the_outbox_says_the_supervisors_words_and_keeps_the_signature(desk: Desk) -> None:  # noqa: F811
    own = ("Booked: {day}", "Dear {first}, we expect you {when} at {where}\nQuestions: {call}")
    set_wording(desk.store, SUPERVISOR, ("confirmation", "email", "en"), *own, now=NOW)
    desk.book(0, 9)
    desk.run()
    [mail] = desk.inbox.received
    assert mail["Subject"] == "Booked: March 9"
    text = _text(mail)
    assert text.startswith("Dear ") and "Monday, March 9 at 9:00 AM EDT at Where: " in text
    assert "Questions: +16175550100" in text and text.rstrip().endswith("Test Site")
    with desk.store.read() as session:
        rows = {(r.kind, r.channel, r.language): r for r in wording_rows(session)}
        kept = session.exec(select(m.AuditEvent).where(col(m.AuditEvent.entity) ==
                                                       "message-wording")).all()  # fmt: skip
    assert rows["confirmation", "email", "en"].own
    assert not rows["confirmation", "email", "es"].own  # Spanish keeps the program's words
    assert not rows["confirmation", "sms", "en"].own
    assert [(a.action, a.entity_id) for a in kept] == [("update", "confirmation/email/en")]
    assert '"before": null' in kept[0].detail_json and "Dear {first}" in kept[0].detail_json


def test_a_text_in_own_words_still_says_how_to_opt_out_and_reset_brings_back_the_program(
    desk: Desk,  # noqa: F811
) -> None:
    key = ("reminder", "sms", "en")
    set_wording(desk.store, SUPERVISOR, key, "", OWN_TEXT, now=NOW)
    with desk.store.read() as session:
        words = sample_words(session, desk.settings, language="en", mode="in-person", now=NOW)
        [text] = previews(words, ("reminder",), ("sms",), own_words(session))
    assert text.text.startswith("Test Site: see you ") and "Reply STOP to opt out." in text.text
    assert reset_wording(desk.store, SUPERVISOR, key, now=NOW) is True
    assert reset_wording(desk.store, SUPERVISOR, key, now=NOW) is False
    with desk.store.read() as session:
        [text] = previews(words, ("reminder",), ("sms",), own_words(session))
        kept = session.exec(select(m.AuditEvent).where(col(m.AuditEvent.entity) ==
                                                       "message-wording")).all()  # fmt: skip
    assert "a reminder of your visit" in text.text
    assert len(kept) == 2 and '"after": null' in kept[1].detail_json


def test_schedulers_may_not_word_messages_and_a_refusal_keeps_nothing(desk: Desk) -> None:  # noqa: F811
    with pytest.raises(PermissionDenied, match="word them"):
        set_wording(desk.store, SCHEDULER, ("reminder", "sms", "en"), "", OWN_TEXT, now=NOW)
    with pytest.raises(BadInput):
        set_wording(desk.store, SUPERVISOR, ("reminder", "sms", "en"), "", "{when}", now=NOW)
    with desk.store.read() as session:
        assert session.exec(select(m.MessageWording)).all() == []
