"""The work around appointments: waitlist, call notes, messages, payments,
escalations, complaints and recall campaigns."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Index, UniqueConstraint

from schedtui.data import codes
from schedtui.data.models.base import Field, SQLModel, not_negative, one_of
from schedtui.data.types import UTCDateTime


class WaitlistEntry(SQLModel, table=True):
    """A patient waiting for an earlier or any slot matching their needs."""

    __tablename__ = "waitlist_entry"
    __table_args__ = (
        one_of("status", codes.WAITLIST_STATUSES),
        one_of("day_part", codes.DAY_PARTS),
        CheckConstraint("latest_date IS NULL OR latest_date >= earliest_date", name="date_range"),
        Index("ix_waitlist_entry_status_created", "status", "created_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    appointment_type_id: int = Field(foreign_key="appointment_type.id")
    provider_id: int | None = Field(default=None, foreign_key="provider.id")
    site_id: int | None = Field(default=None, foreign_key="site.id")
    specialty_id: int | None = Field(default=None, foreign_key="specialty.id")
    current_appointment_id: int | None = Field(default=None, foreign_key="appointment.id")
    earliest_date: date
    latest_date: date | None = None
    expires_on: date | None = Field(default=None, description="the entry lapses after this day")
    weekdays: str = Field(default="0123456", max_length=7, description="0 = Monday")
    day_part: str = Field(default="any", max_length=10)
    priority: int = 0
    status: str = Field(default="active", max_length=10)
    notes: str = Field(default="", max_length=1000)
    created_at: datetime = Field(sa_type=UTCDateTime)
    created_by_id: int | None = Field(default=None, foreign_key="app_user.id")


class CallNote(SQLModel, table=True):
    """A note of a call (an interaction); drafts are saved every few seconds."""

    __tablename__ = "call_note"
    __table_args__ = (Index("ix_call_note_patient_started", "patient_id", "started_at"),)
    id: int | None = Field(default=None, primary_key=True)
    patient_id: int | None = Field(default=None, foreign_key="patient.id")
    appointment_id: int | None = Field(default=None, foreign_key="appointment.id")
    user_id: int | None = Field(default=None, foreign_key="app_user.id", index=True)
    started_at: datetime = Field(sa_type=UTCDateTime)
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    body: str = ""
    is_draft: bool = True
    resolved_on_call: bool | None = None
    updated_at: datetime = Field(sa_type=UTCDateTime)


class Message(SQLModel, table=True):
    """A confirmation, reminder, notice or offer waiting in (or sent from) the outbox.

    `dedupe_key` names what the message is for (the change it tells of, or the reminder
    of a visit at an offset, and the channel): the outbox never makes the same message
    twice, whichever process reads the change feed and however often."""

    __tablename__ = "message"
    __table_args__ = (
        one_of("channel", codes.MESSAGE_CHANNELS),
        one_of("kind", codes.MESSAGE_KINDS),
        one_of("status", codes.MESSAGE_STATUSES),
        one_of("delivery", codes.DELIVERY_STATES),
        one_of("call_outcome", ("", *codes.CONTACT_OUTCOMES)),
        Index("ix_message_status_scheduled", "status", "scheduled_for"),
        Index("ix_message_appointment_id", "appointment_id"),
        Index("ix_message_provider_ref", "provider_ref"),
    )
    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    appointment_id: int | None = Field(default=None, foreign_key="appointment.id")
    channel: str = Field(max_length=8)
    kind: str = Field(max_length=16)
    to_address: str = Field(max_length=200)
    subject: str = Field(default="", max_length=200)
    body: str = ""
    status: str = Field(default="queued", max_length=10)
    scheduled_for: datetime = Field(sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    error: str = Field(default="", max_length=500)
    dedupe_key: str | None = Field(default=None, max_length=200, unique=True)
    #: The change (domain_event) it tells of; None for a reminder.
    event_id: int | None = Field(default=None, foreign_key="domain_event.id")
    #: The calendar invite's SEQUENCE (moves so far of the visit it is about).
    sequence: int = 0
    attempts: int = 0
    #: When a runner handed it to the provider (while status is "sending").
    sending_since: datetime | None = Field(default=None, sa_type=UTCDateTime)
    #: The provider's id for it (Twilio's message SID), once sent.
    provider_ref: str | None = Field(default=None, max_length=64)
    #: What the provider last said became of it (Twilio's status callbacks), and when.
    delivery: str = Field(default="", max_length=12)
    delivery_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    #: A message on the call list (channel "voice"): what came of the last call.
    call_outcome: str = Field(default="", max_length=12)


class WaitlistOffer(SQLModel, table=True):
    """A freed time offered by text to a patient on the waitlist (made when a
    cancellation frees it, from the change feed). The first YES books it."""

    __tablename__ = "waitlist_offer"
    __table_args__ = (
        one_of("status", codes.OFFER_STATUSES),
        UniqueConstraint("entry_id", "event_id", name="uq_waitlist_offer_entry_event"),
        Index("ix_waitlist_offer_to_status", "to_address", "status"),
    )
    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = Field(foreign_key="waitlist_entry.id")
    patient_id: int = Field(foreign_key="patient.id", index=True)
    #: The change that freed the time (a cancellation).
    event_id: int = Field(foreign_key="domain_event.id")
    provider_id: int = Field(foreign_key="provider.id")
    site_id: int = Field(foreign_key="site.id")
    start: datetime = Field(sa_type=UTCDateTime)
    end: datetime = Field(sa_type=UTCDateTime)
    to_address: str = Field(max_length=32)
    status: str = Field(default="open", max_length=8)
    made_at: datetime = Field(sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    answered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    #: The visit the patient's YES booked.
    appointment_id: int | None = Field(default=None, foreign_key="appointment.id")


class MessageWording(SQLModel, table=True):
    """A supervisor's own words for one kind of message on one channel in one language
    (where there is none, the program's own words are used)."""

    __tablename__ = "message_wording"
    __table_args__ = (
        one_of("channel", codes.WORDED_CHANNELS),
        one_of("language", codes.MESSAGE_LANGUAGES),
        UniqueConstraint("kind", "channel", "language", name="uq_message_wording_kind"),
    )
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16)
    channel: str = Field(max_length=8)
    language: str = Field(max_length=2)
    subject: str = Field(default="", max_length=200)
    body: str = Field(max_length=2000)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    updated_by_id: int | None = Field(default=None, foreign_key="app_user.id")


class CallBack(SQLModel, table=True):
    """ "Call this patient back at or after a time, about this": made from a call, or
    by the patient's own R reply to a text; done when someone called."""

    __tablename__ = "call_back"
    __table_args__ = (Index("ix_call_back_open_due", "done_at", "due_at"),)
    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    due_at: datetime = Field(sa_type=UTCDateTime)
    about: str = Field(default="", max_length=300)
    #: "call" (a scheduler asked for it) or "text" (the patient replied R).
    source: str = Field(default="call", max_length=8)
    created_at: datetime = Field(sa_type=UTCDateTime)
    created_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    done_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    done_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    outcome: str = Field(default="", max_length=300)


class InboundMessage(SQLModel, table=True):
    """A text a patient sent to the clinic's number, what it did and what they were told.
    One asking for a call back waits (`handled_at` empty) until a scheduler calls."""

    __tablename__ = "inbound_message"
    __table_args__ = (
        one_of("action", codes.REPLY_ACTIONS),
        Index("ix_inbound_message_action_handled", "action", "handled_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    #: Twilio's message SID: a text delivered twice is handled once.
    provider_ref: str = Field(max_length=64, unique=True)
    received_at: datetime = Field(sa_type=UTCDateTime)
    from_address: str = Field(max_length=32)
    to_address: str = Field(default="", max_length=32)
    body: str = Field(default="", max_length=1600)
    action: str = Field(max_length=12)
    reply: str = Field(default="", max_length=500)
    patient_id: int | None = Field(default=None, foreign_key="patient.id", index=True)
    appointment_id: int | None = Field(default=None, foreign_key="appointment.id")
    handled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    handled_by_id: int | None = Field(default=None, foreign_key="app_user.id")


class OutboxCursor(SQLModel, table=True):
    """How far along the change feed a reader has made its messages (the outbox's
    reader: "outbox"); what it has made is kept by `Message.dedupe_key`, so a reader
    that reads again from further back makes nothing twice."""

    __tablename__ = "outbox_cursor"
    name: str = Field(max_length=40, primary_key=True)
    last_event_id: int = 0
    updated_at: datetime = Field(sa_type=UTCDateTime)


class RunnerLease(SQLModel, table=True):
    """Which message runner may send now, and until when (a runner renews its lease as
    it goes; one that died lets it lapse): two runners never both send."""

    __tablename__ = "runner_lease"
    name: str = Field(max_length=40, primary_key=True)
    holder: str = Field(max_length=120)
    lease_until: datetime = Field(sa_type=UTCDateTime)


class Payment(SQLModel, table=True):
    """Money taken from a patient (copay, balance); amounts in integer cents."""

    __tablename__ = "payment"
    __table_args__ = (
        CheckConstraint("amount_cents > 0", name="amount_positive"),
        one_of("method", codes.PAYMENT_METHODS),
        one_of("kind", codes.PAYMENT_KINDS),
    )
    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    appointment_id: int | None = Field(default=None, foreign_key="appointment.id")
    amount_cents: int
    method: str = Field(max_length=8)
    kind: str = Field(max_length=12)
    reference: str = Field(default="", max_length=80)
    received_at: datetime = Field(sa_type=UTCDateTime)
    received_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    #: Where the money was taken, and that site's local day then (what a close counts).
    site_id: int | None = Field(default=None, foreign_key="site.id")
    day: date | None = Field(default=None, index=True)
    #: A card's last four digits: never more of it.
    card_last4: str = Field(default="", max_length=4)
    #: Numbered per site without gaps (the counter moves in the payment's transaction).
    receipt_number: int | None = None


class Escalation(SQLModel, table=True):
    """A call handed up to a supervisor or another team."""

    __tablename__ = "escalation"
    __table_args__ = (
        one_of("status", codes.CASE_STATUSES),
        *not_negative("priority"),
        Index("ix_escalation_status_answer_by", "status", "answer_by"),
    )
    id: int | None = Field(default=None, primary_key=True)
    patient_id: int | None = Field(default=None, foreign_key="patient.id", index=True)
    appointment_id: int | None = Field(default=None, foreign_key="appointment.id")
    raised_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    assigned_to_id: int | None = Field(default=None, foreign_key="app_user.id")
    reason: str = Field(max_length=1000)
    priority: int = 0
    status: str = Field(default="open", max_length=12)
    created_at: datetime = Field(sa_type=UTCDateTime)
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    resolution: str = ""
    #: Who answers it (nursing by default), and by when (its priority's time).
    team: str = Field(default="nursing", max_length=40)
    answer_by: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Complaint(SQLModel, table=True):
    """A patient's complaint, recorded and followed to resolution."""

    __tablename__ = "complaint"
    __table_args__ = (one_of("status", codes.CASE_STATUSES),)
    id: int | None = Field(default=None, primary_key=True)
    patient_id: int | None = Field(default=None, foreign_key="patient.id", index=True)
    received_at: datetime = Field(sa_type=UTCDateTime)
    channel: str = Field(default="voice", max_length=10)
    category: str = Field(default="", max_length=40)
    description: str
    status: str = Field(default="open", max_length=12)
    recorded_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    resolution: str = ""
    #: The visit it is about, if any, and when it went to management.
    appointment_id: int | None = Field(default=None, foreign_key="appointment.id")
    escalated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class RecallCampaign(SQLModel, table=True):
    """A drive to bring patients back (annual physicals, follow-ups overdue...)."""

    __tablename__ = "recall_campaign"
    __table_args__ = (
        one_of("status", codes.CAMPAIGN_STATUSES),
        CheckConstraint("due_to >= due_from", name="due_range"),
    )
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120)
    appointment_type_id: int = Field(foreign_key="appointment_type.id")
    specialty_id: int | None = Field(default=None, foreign_key="specialty.id")
    provider_id: int | None = Field(default=None, foreign_key="provider.id")
    criteria: str = Field(default="", max_length=1000)
    due_from: date
    due_to: date
    status: str = Field(default="draft", max_length=10)
    created_at: datetime = Field(sa_type=UTCDateTime)
    created_by_id: int | None = Field(default=None, foreign_key="app_user.id")


class RecallEntry(SQLModel, table=True):
    """One patient in a recall campaign, and how far the outreach got."""

    __tablename__ = "recall_entry"
    __table_args__ = (
        one_of("status", codes.RECALL_STATUSES),
        # a campaign's open entries, those to try again in the order they come due
        Index("ix_recall_entry_status", "campaign_id", "status", "retry_on"),
        Index("ix_recall_entry_patient_id", "patient_id"),  # every booking looks
    )
    campaign_id: int = Field(foreign_key="recall_campaign.id", primary_key=True)
    patient_id: int = Field(foreign_key="patient.id", primary_key=True)
    status: str = Field(default="due", max_length=12)
    contacted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    appointment_id: int | None = Field(default=None, foreign_key="appointment.id")
    #: Calls tried, what the last came to (codes.CONTACT_OUTCOMES), and when to try again.
    attempts: int = 0
    last_outcome: str = Field(default="", max_length=16)
    retry_on: date | None = None
