"""The message runner: one pass takes up the changes since the last (making the messages
they call for), then sends what is due.

Only one runner sends at a time, across processes and hosts: a pass first takes the
store's lease (renewed as it goes; a runner that died lets it lapse). A message is marked
"sending" before it is handed to the mail server and "sent" after; a pass that finds
one still "sending" (its runner died in between) sends it again with the same Message-ID
(at least once: a mail server cannot say whether it already took it). A failure is kept
on the message and retried later, each wait twice the last, until the tries allowed are
spent ("dead"). Each message sent is a disclosure of patient information: audited.
"""

from __future__ import annotations

import smtplib
import socket
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from schedtui.core.messages.consent import contact_points
from schedtui.core.messages.invite import invite
from schedtui.core.messages.mail import MailServer, email_message, message_id
from schedtui.core.messages.offers import end_lapsed_offers
from schedtui.core.messages.outbox import take_up_changes, visit_uid, visit_words
from schedtui.core.messages.texting import TextSender
from schedtui.core.security import audit
from schedtui.core.support.errors import BadInput
from schedtui.core.support.writes import in_write
from schedtui.data import models as m
from schedtui.data.store import Store
from schedtui.settings import Settings

LEASE = "messages"
#: How long a runner's lease lasts unless renewed (it is renewed after every message).
LEASE_TIME = timedelta(minutes=5)
#: Messages read per round of a pass.
ROUND = 100
#: The channels the runner sends on (calls are made by people, from the call list).
SENT_CHANNELS = ("email", "sms")
#: The longest wait before a retry.
LONGEST_WAIT = timedelta(hours=6)
#: Errors of the mail server or the network that a retry may cure.
SEND_ERRORS = (smtplib.SMTPException, OSError, socket.timeout)


@dataclass
class PassReport:
    """What one pass did."""

    made: int = 0
    sent: int = 0
    failed: int = 0
    dead: int = 0
    withdrawn: int = 0
    busy: bool = False  # another runner holds the lease: nothing was done
    #: The channels that could not be opened this pass, and why (their messages wait).
    unreachable: str = ""


def take_lease(store: Store, holder: str, now: datetime) -> bool:
    """Take (or renew) the runner's lease; False while another runner holds it."""

    def work(session: Session) -> bool:
        lease = session.get(m.RunnerLease, LEASE)
        if lease is not None and lease.holder != holder and lease.lease_until > now:
            return False
        lease = lease or m.RunnerLease(name=LEASE, holder=holder, lease_until=now)
        lease.holder, lease.lease_until = holder, now + LEASE_TIME
        session.add(lease)
        return True

    try:
        return in_write(store, work)
    except IntegrityError:  # another runner made the lease row at the same moment
        return False


def let_go(store: Store, holder: str, now: datetime) -> None:
    """Give the lease up (the next runner need not wait for it to lapse)."""

    def work(session: Session) -> None:
        lease = session.get(m.RunnerLease, LEASE)
        if lease is not None and lease.holder == holder:
            lease.lease_until = now
            session.add(lease)

    in_write(store, work)


def run_pass(
    store: Store, *, clock: Callable[[], datetime], settings: Settings, holder: str
) -> PassReport:
    """One pass: the lease, the changes taken up, every due message sent (or retried).
    Raises `MessagesNotSetUp` when neither e-mail nor text messages are set up."""
    if not (settings.smtp_host and settings.smtp_from) and not settings.twilio_account_sid:
        raise MessagesNotSetUp(
            "Messages are not set up: set smtp_host and smtp_from (e-mail), or "
            "twilio_account_sid and twilio_from (text messages)."
        )
    if not take_lease(store, holder, clock()):
        return PassReport(busy=True)
    try:
        report = PassReport(made=take_up_changes(store, now=clock(), settings=settings))
        end_lapsed_offers(store, clock())
        _requeue_the_interrupted(store)
        with ExitStack() as connections:
            _send_due(store, Channels(settings, connections, report), clock, holder, report)
        return report
    finally:
        let_go(store, holder, clock())


class MessagesNotSetUp(BadInput):
    """No channel is set up: nothing could be sent."""


class Channels:
    """The pass's way out on each channel, opened when first needed: the mail server
    (one connection for the pass) and Twilio. A channel that cannot be opened is not
    tried again this pass, and its messages wait, untouched."""

    def __init__(self, settings: Settings, connections: ExitStack, report: PassReport) -> None:
        self.settings, self._connections, self._report = settings, connections, report
        self._mail: MailServer | None = None
        self._texts: TextSender | None = None
        self._down: dict[str, str] = {}

    def ready(self, channel: str) -> bool:
        """Whether `channel` can send now (opening it on first use)."""
        if channel in self._down:
            return False
        try:
            if channel == "email" and self._mail is None:
                self._mail = self._connections.enter_context(MailServer(self.settings))
            elif channel == "sms" and self._texts is None:
                self._texts = TextSender(self.settings)
        except (*SEND_ERRORS, BadInput) as failure:
            self._down[channel] = f"{channel}: {type(failure).__name__}: {failure}"[:300]
            self._report.unreachable = "; ".join(self._down.values())
            return False
        return channel in ("email", "sms")

    @property
    def sender(self) -> str:
        """The From address of e-mail."""
        return self.settings.smtp_from or ""

    def send(self, outgoing: Outgoing) -> str:
        """Hand the message over on its channel; the provider's id for it (Twilio's SID,
        the e-mail's Message-ID)."""
        if outgoing.mail is not None:
            assert self._mail is not None
            self._mail.send(outgoing.mail)
            return str(outgoing.mail["Message-ID"] or "")
        assert self._texts is not None
        return self._texts.send(outgoing.to, outgoing.text, outgoing.key)


def _requeue_the_interrupted(store: Store) -> None:
    """Messages a dead runner left "sending" are sent again (this pass holds the lease)."""

    def work(session: Session) -> None:
        for message in session.exec(select(m.Message).where(col(m.Message.status) == "sending")):
            message.status, message.sending_since = "queued", None
            session.add(message)

    in_write(store, work)


def _send_due(
    store: Store,
    channels: Channels,
    clock: Callable[[], datetime],
    holder: str,
    report: PassReport,
) -> None:
    renew_at = clock() + LEASE_TIME / 2
    passed: set[int] = set()  # waiting for a channel that is down this pass
    while True:
        due = [(i, c) for i, c in _due(store, clock()) if i not in passed]
        if not due:
            return
        for message_id_, channel in due:
            if clock() >= renew_at:  # renewed while half of it is left
                if not take_lease(store, holder, clock()):
                    return  # lost (this pass stalled past its lease): another runner sends
                renew_at = clock() + LEASE_TIME / 2
            if channels.ready(channel):
                _send_one(store, channels, message_id_, clock, report)
            else:
                passed.add(message_id_)


def _due(store: Store, now: datetime) -> list[tuple[int, str]]:
    with store.read() as session:
        return [
            (message.id or 0, message.channel)
            for message in session.exec(
                select(m.Message)
                .where(col(m.Message.status).in_(("queued", "failed")))
                .where(col(m.Message.channel).in_(SENT_CHANNELS))
                .where(col(m.Message.scheduled_for) <= now)
                .order_by(col(m.Message.scheduled_for), col(m.Message.id))
                .limit(ROUND)
            )
        ]


@dataclass(frozen=True)
class Outgoing:
    """A message claimed for sending: an e-mail ready for the server, or a text."""

    message_id: int
    to: str
    text: str
    key: str
    mail: EmailMessage | None


def _send_one(
    store: Store,
    channels: Channels,
    message_id_: int,
    clock: Callable[[], datetime],
    report: PassReport,
) -> None:
    settings = channels.settings
    outgoing = in_write(
        store, lambda s: _claim(s, message_id_, channels.sender, clock(), settings, report)
    )
    if outgoing is None:
        return
    try:
        reference = channels.send(outgoing)
    except SEND_ERRORS as failure:
        refused: BaseException = failure
        in_write(store, lambda s: _failed(s, message_id_, refused, clock(), settings, report))
        return
    in_write(store, lambda s: _sent(s, outgoing, reference, clock(), report))


def _claim(
    session: Session,
    message_id_: int,
    sender: str,
    now: datetime,
    settings: Settings,
    report: PassReport,
) -> Outgoing | None:
    """Mark the message "sending" and build it, unless it is no longer due or the patient
    no longer agrees to be written to there (then it is withdrawn)."""
    message = session.get(m.Message, message_id_)
    if message is None or message.status not in ("queued", "failed"):
        return None
    patient = session.get(m.Patient, message.patient_id)
    if patient is None or (message.channel, message.to_address) not in contact_points(
        session, patient, settings
    ):
        message.status = "cancelled"
        message.error = f"withdrawn: the patient no longer agrees to {message.channel} there"
        session.add(message)
        report.withdrawn += 1
        return None
    message.status, message.sending_since = "sending", now
    message.attempts += 1
    session.add(message)
    key = message.dedupe_key or str(message.id)
    mail = _mail(session, message, sender, now, settings) if message.channel == "email" else None
    return Outgoing(message_id_, message.to_address, message.body, key, mail)


def _mail(
    session: Session, message: m.Message, sender: str, now: datetime, settings: Settings
) -> EmailMessage:
    visit = session.get(m.Appointment, message.appointment_id or 0)
    carried = None
    if visit is not None:
        words = visit_words(session, visit, settings)
        domain = sender.rpartition("@")[2] or "schedtui.invalid"
        carried = invite(
            message.kind, words, end=visit.end, uid=visit_uid(visit, domain),
            sequence=message.sequence,
            organizer=sender, attendee=message.to_address, now=now,
        )  # fmt: skip
    return email_message(
        sender=sender,
        to=message.to_address,
        subject=message.subject,
        text=message.body,
        message_id=message_id(message.dedupe_key or str(message.id), sender),
        invite=carried,
    )


def _sent(
    session: Session, outgoing: Outgoing, reference: str, now: datetime, report: PassReport
) -> None:
    message = session.get(m.Message, outgoing.message_id)
    assert message is not None
    message.status, message.sent_at, message.sending_since = "sent", now, None
    message.provider_ref = reference[:64] or None
    message.error = ""
    session.add(message)
    audit.record(
        session,
        actor=None,
        username="message runner",
        action="export",
        now=now,
        entity="message",
        entity_id=message.id,
        patient_id=message.patient_id,
        detail={"kind": message.kind, "channel": message.channel, "to": message.to_address},
    )
    report.sent += 1


def retry_wait(attempts: int) -> timedelta:
    """How long after its `attempts`-th failed try a message is tried again."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), LONGEST_WAIT)


def _failed(
    session: Session,
    message_id_: int,
    failure: BaseException,
    now: datetime,
    settings: Settings,
    report: PassReport,
) -> None:
    message = session.get(m.Message, message_id_)
    assert message is not None
    message.error = f"{type(failure).__name__}: {failure}"[:500]
    message.sending_since = None
    if message.attempts >= settings.message_tries:
        message.status = "dead"
        report.dead += 1
    else:
        message.status = "failed"
        message.scheduled_for = now + retry_wait(message.attempts)
        report.failed += 1
    session.add(message)
