"""Patient messages: the outbox fed by the change feed, e-mail with calendar invites to a
real SMTP server (aiosmtpd on 127.0.0.1), reminders and quiet hours, consent, retries
and the runner's lease."""

from __future__ import annotations

import email
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from email.message import Message as MimeMessage
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller
from icalendar import Calendar
from sqlmodel import col, select

from schedtui.core.messages.consent import set_consent
from schedtui.core.messages.outbox import take_up_changes
from schedtui.core.messages.runner import run_pass, take_lease
from schedtui.core.messages.timing import Offset, reminder_at
from schedtui.core.payments.emailed_receipts import email_receipt
from schedtui.core.payments.taking import PaymentRequest, take_payment
from schedtui.core.schedule.appointment_changes import cancel, reschedule
from schedtui.core.schedule.blocks import BlockRequest, add_block
from schedtui.core.schedule.booking import BookingRequest
from schedtui.core.security.access import Actor
from schedtui.core.support.errors import BadInput
from schedtui.data import models as m
from schedtui.data.store import Store
from schedtui.settings import Settings, load_settings
from tests.builders import book_self_pay
from tests.engine_clinic import EngineClinic, build_engine_clinic

NOW = datetime(2026, 3, 6, 17, 0, tzinfo=UTC)  # Friday, noon in Boston
MONDAY = date(2026, 3, 9)
SUPERVISOR = Actor(None, "sue", "supervisor")
SENDER = "visits@harbor.example"


@dataclass
class Inbox:
    """What the test's SMTP server received, and whether it refuses."""

    received: list[MimeMessage] = field(default_factory=list)
    refuse: bool = False

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse:
            return "550 5.1.1 mailbox unavailable"
        self.received.append(email.message_from_bytes(envelope.content))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    handler, port = Inbox(), _free_port()
    server = Controller(handler, hostname="127.0.0.1", port=port)
    server.start()
    try:
        yield handler, port
    finally:
        server.stop()


@dataclass
class Desk:
    store: Store
    clinic: EngineClinic
    settings: Settings
    inbox: Inbox
    now: datetime = NOW

    def run(self) -> Any:
        return run_pass(self.store, clock=lambda: self.now, settings=self.settings, holder="t1")

    def book(self, patient: int, hour: int, day: date = MONDAY) -> int:
        request = BookingRequest(
            self.clinic.patients[patient], self.clinic.okafor, "FU", self.clinic.at(day, hour)
        )
        return book_self_pay(self.store, SUPERVISOR, request, now=self.now)

    def messages(self, **where: object) -> list[m.Message]:
        with self.store.read() as session:
            query = select(m.Message).order_by(col(m.Message.id))
            for name, value in where.items():
                query = query.where(getattr(m.Message, name) == value)
            return list(session.exec(query))


def _writable(store: Store, clinic: EngineClinic, patients: range) -> None:
    """Give patients an e-mail address and their consent to e-mail."""
    with store.write() as session:
        for n in patients:
            patient = session.get(m.Patient, clinic.patients[n])
            assert patient is not None
            patient.email = f"patient{n}@example.org"
            session.add(
                m.ContactConsent(
                    patient_id=patient.id or 0, channel="email", granted=True, recorded_at=NOW
                )
            )


@pytest.fixture
def desk(any_store: Store, inbox: tuple[Inbox, int]) -> Desk:
    clinic = build_engine_clinic(any_store)
    _writable(any_store, clinic, range(0, 6))
    handler, port = inbox
    settings = load_settings(
        smtp_host="127.0.0.1", smtp_port=port, smtp_from=SENDER, smtp_starttls=False,
        clinic_phone="+16175550100", message_tries=2,
    )  # fmt: skip
    return Desk(any_store, clinic, settings, handler)


def _invite(mail: MimeMessage) -> Calendar:
    parts = [p for p in mail.walk() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1, "one text/calendar alternative"
    payload = parts[0].get_payload(decode=True)
    assert isinstance(payload, bytes)
    return Calendar.from_ical(payload)


def _event(calendar: Calendar) -> Any:
    [event] = calendar.walk("VEVENT")
    return event


def _text(mail: MimeMessage) -> str:
    part = next(p for p in mail.walk() if p.get_content_type() == "text/plain")
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode()


def test_a_booking_sends_a_confirmation_with_an_invite(desk: Desk) -> None:
    visit = desk.book(0, 9)
    report = desk.run()
    assert (report.sent, report.failed) == (1, 0)
    [mail] = desk.inbox.received
    assert mail["To"] == "patient0@example.org" and mail["From"] == SENDER
    assert "March 9" in mail["Subject"]
    text = _text(mail)
    assert "Amara Okafor" in text and "9:00 AM EDT" in text and "+16175550100" in text
    calendar = _invite(mail)
    assert str(calendar["METHOD"]) == "REQUEST"
    event = _event(calendar)
    assert int(event["SEQUENCE"]) == 0
    assert event.decoded("DTSTART") == desk.clinic.at(MONDAY, 9)
    assert event["DTSTART"].params["TZID"] == "America/New_York"
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["America/New_York"]
    [sent] = desk.messages(kind="confirmation")
    assert (sent.status, sent.appointment_id) == ("sent", visit)
    with desk.store.read() as session:
        disclosed = session.exec(
            select(m.AuditEvent).where(col(m.AuditEvent.entity) == "message")
        ).all()
    assert [(row.action, row.entity_id) for row in disclosed] == [("export", str(sent.id))]


def test_reminders_wait_for_their_time_and_none_already_passed(desk: Desk) -> None:
    desk.book(0, 9)  # Monday 9:00, booked Friday noon: the 7-day reminder has passed
    desk.run()
    reminders = desk.messages(kind="reminder")
    local = [r.scheduled_for.astimezone(desk.clinic.zone) for r in reminders]
    assert [r.status for r in reminders] == ["queued", "queued"]
    assert local == [
        datetime(2026, 3, 7, 9, 0, tzinfo=desk.clinic.zone),  # 2 days before
        datetime(2026, 3, 9, 8, 0, tzinfo=desk.clinic.zone),  # 2 hours before is 7:00: quiet
    ]
    desk.now = reminders[0].scheduled_for
    assert desk.run().sent == 1
    assert "Reminder" in desk.inbox.received[-1]["Subject"]


def test_a_move_tells_the_new_time_under_the_same_invite_and_withdraws_old_reminders(
    desk: Desk,
) -> None:
    first = desk.book(0, 9)
    desk.run()
    moved = reschedule(
        desk.store, SUPERVISOR, first, desk.clinic.at(MONDAY, 11), now=NOW,
        settings=desk.settings, override_reason="self-pay",
    )  # fmt: skip
    desk.run()
    change = desk.inbox.received[-1]
    assert "moved" in change["Subject"]
    text = _text(change)
    assert "It was: Monday, March 9 at 9:00 AM EDT" in text
    assert "It is now: Monday, March 9 at 11:00 AM EDT" in text
    before, after = _event(_invite(desk.inbox.received[0])), _event(_invite(change))
    assert str(after["UID"]) == str(before["UID"])
    assert int(after["SEQUENCE"]) == int(before["SEQUENCE"]) + 1
    assert {r.status for r in desk.messages(kind="reminder", appointment_id=first)} == {"cancelled"}
    assert {r.status for r in desk.messages(kind="reminder", appointment_id=moved.new_id)} == {
        "queued"
    }
    cancel(desk.store, SUPERVISOR, moved.new_id, "pat", now=NOW, settings=desk.settings)
    desk.run()
    cancelled = _invite(desk.inbox.received[-1])
    assert str(cancelled["METHOD"]) == "CANCEL"
    assert str(_event(cancelled)["UID"]) == str(before["UID"])
    assert int(_event(cancelled)["SEQUENCE"]) == 2
    assert len(desk.inbox.received) == 3
    assert all(r.status == "cancelled" for r in desk.messages(kind="reminder"))


def test_nothing_is_made_twice_however_often_the_feed_is_read(desk: Desk) -> None:
    desk.book(0, 9)
    desk.book(1, 11, day=date(2026, 3, 10))
    first = desk.run()
    assert desk.run().made == 0
    with desk.store.write() as session:  # the cursor lost: the feed is read from the start
        cursor = session.get(m.OutboxCursor, "outbox")
        assert cursor is not None
        cursor.last_event_id = 0
    assert desk.run().made == 0
    assert len(desk.messages()) == first.made and len(desk.inbox.received) == 2


def test_no_consent_no_message_and_consent_withdrawn_before_sending(desk: Desk) -> None:
    desk.book(7, 9)  # patient 7 never agreed to e-mail
    desk.book(0, 11)
    desk.run()
    assert {m_.patient_id for m_ in desk.messages()} == {desk.clinic.patients[0]}
    with desk.store.read() as session:
        mrn = session.get(m.Patient, desk.clinic.patients[0]).mrn  # type: ignore[union-attr]
    set_consent(desk.store, SUPERVISOR, mrn, {"email": False}, now=NOW)
    desk.now = NOW + timedelta(days=3)
    report = desk.run()
    assert (report.sent, report.withdrawn) == (0, 2)
    assert {r.status for r in desk.messages(kind="reminder")} == {"cancelled"}


def test_a_refused_message_is_retried_then_given_up(desk: Desk) -> None:
    desk.book(0, 9)
    desk.inbox.refuse = True
    assert desk.run().failed == 1
    [confirmation] = desk.messages(kind="confirmation")
    assert confirmation.status == "failed" and "mailbox unavailable" in confirmation.error
    assert desk.run().failed == 0  # not yet: it waits before the next try
    desk.now = confirmation.scheduled_for
    assert desk.run().dead == 1
    assert desk.messages(kind="confirmation")[0].status == "dead"
    assert desk.inbox.received == []


def test_an_unreachable_mail_server_leaves_the_messages_waiting(desk: Desk) -> None:
    desk.book(0, 9)
    desk.settings = desk.settings.model_copy(update={"smtp_port": _free_port()})
    report = desk.run()
    assert report.unreachable and report.sent == 0
    assert desk.messages(kind="confirmation")[0].status == "queued"


def test_a_message_left_sending_by_a_dead_runner_is_sent_by_the_next(desk: Desk) -> None:
    desk.book(0, 9)
    desk.run()
    desk.book(1, 11)
    take_up_changes(desk.store, now=NOW, settings=desk.settings)
    with desk.store.write() as session:  # a runner died after claiming it
        pending = session.exec(
            select(m.Message)
            .where(col(m.Message.status) == "queued")
            .where(col(m.Message.kind) == "confirmation")
        ).one()
        pending.status, pending.sending_since = "sending", NOW
    assert desk.run().sent == 1
    assert len(desk.inbox.received) == 2


def test_one_runner_at_a_time(desk: Desk) -> None:
    assert take_lease(desk.store, "other-host:1", NOW)
    assert desk.run().busy
    assert take_lease(desk.store, "t1", NOW + timedelta(minutes=6))  # the other's lapsed


def test_a_block_over_a_visit_tells_the_patient_it_must_move(desk: Desk) -> None:
    desk.book(0, 9)
    desk.run()
    block = BlockRequest(
        desk.clinic.okafor, desk.clinic.at(MONDAY, 9), desk.clinic.at(MONDAY, 10), "meeting"
    )
    add_block(desk.store, SUPERVISOR, block, now=NOW, confirm=True)
    desk.run()
    notice = desk.inbox.received[-1]
    assert "must move" in notice["Subject"] and "+16175550100" in _text(notice)
    assert not [p for p in notice.walk() if p.get_content_type() == "text/calendar"]


def test_spanish_speakers_are_written_to_in_spanish(desk: Desk) -> None:
    with desk.store.write() as session:
        patient = session.get(m.Patient, desk.clinic.patients[2])
        assert patient is not None
        patient.language = "es"
    desk.book(2, 9)
    desk.run()
    mail = desk.inbox.received[-1]
    assert "Su cita" in mail["Subject"] and "lunes 9 de marzo a las 9:00 AM EDT" in _text(mail)


BOSTON = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("visit", "offset", "expected"),
    [
        # 2 hours before a 7:00 visit the day after clocks went forward is 5:00 (quiet):
        # after the quiet hours (8:00) is too late, so just before them, the evening before
        (datetime(2026, 3, 9, 7, 0), timedelta(hours=2), datetime(2026, 3, 8, 20, 59)),
        # 2 days before a 22:30 visit is 22:30 (quiet): after them, at 8:00
        (datetime(2026, 3, 12, 22, 30), timedelta(days=2), datetime(2026, 3, 11, 8, 0)),
        # on the day clocks go back, 7:30 standard time is still quiet until 8:00
        (datetime(2026, 11, 1, 11, 0), timedelta(hours=3, minutes=30), datetime(2026, 11, 1, 8, 0)),
        (datetime(2026, 3, 12, 15, 0), timedelta(days=2), datetime(2026, 3, 10, 15, 0)),
    ],
)
def test_quiet_hours_in_the_sites_own_time(
    visit: datetime, offset: timedelta, expected: datetime
) -> None:
    settings = load_settings(quiet_hours="21:00-08:00")
    start = visit.replace(tzinfo=BOSTON)
    at = reminder_at(start, Offset("x", offset), BOSTON, settings, NOW)
    assert at is not None and at.astimezone(BOSTON).replace(tzinfo=None) == expected
    assert time(8) <= at.astimezone(BOSTON).time() < time(21)  # never in the quiet hours


def test_a_reminder_whose_time_has_passed_is_not_made() -> None:
    settings = load_settings()
    start = datetime(2026, 3, 7, 10, 0, tzinfo=BOSTON)
    assert reminder_at(start, Offset("2d", timedelta(days=2)), BOSTON, settings, NOW) is None


def test_a_payments_receipt_is_e_mailed_once_to_a_patient_who_agreed(desk: Desk) -> None:
    """The receipt goes through the outbox to the address on file (consent), as plain
    text without a calendar invite; a second request and a patient without an e-mail
    address they agreed to are refused, and nothing more is queued."""
    patient = desk.clinic.patients
    with desk.store.read() as session:
        writable, unwritable = (session.get(m.Patient, patient[n]) for n in (0, 8))
        assert writable is not None and unwritable is not None
    settings = desk.settings.model_copy(update={"clinic_name": "Harbor Clinic"})
    paid = take_payment(desk.store, SUPERVISOR, PaymentRequest(writable.mrn, "25.00", "cash"),
                        now=NOW)  # fmt: skip
    message = email_receipt(desk.store, SUPERVISOR, paid.payment_id, now=NOW, settings=settings)
    with pytest.raises(BadInput, match="in the outbox already"):
        email_receipt(desk.store, SUPERVISOR, paid.payment_id, now=NOW, settings=settings)
    other = take_payment(desk.store, SUPERVISOR, PaymentRequest(unwritable.mrn, "5", "cash"),
                         now=NOW)  # fmt: skip
    with pytest.raises(BadInput, match="no e-mail address they agreed to"):
        email_receipt(desk.store, SUPERVISOR, other.payment_id, now=NOW, settings=settings)
    assert [row.id for row in desk.messages(kind="receipt")] == [message]
    assert desk.run().sent == 1
    [mail] = desk.inbox.received
    assert mail["Subject"] == "Your receipt from Harbor Clinic"
    assert mail["To"] == "patient0@example.org"
    assert not [p for p in mail.walk() if p.get_content_type() == "text/calendar"]
    text = next(p for p in mail.walk() if p.get_content_type() == "text/plain")
    body = text.get_payload(decode=True)
    assert isinstance(body, bytes)
    assert "Receipt S1-000001" in body.decode() and "Paid: $25.00 by cash" in body.decode()
