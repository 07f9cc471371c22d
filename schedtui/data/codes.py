"""Code sets the tables are checked against.

They follow the standards of the field (FHIR R4 value sets) so that exports map one to one.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

#: FHIR R4 AppointmentStatus.
APPOINTMENT_STATUSES: Final = (
    "proposed",
    "pending",
    "booked",
    "arrived",
    "fulfilled",
    "cancelled",
    "noshow",
    "entered-in-error",
    "checked-in",
    "waitlist",
)

#: FHIR appointment-cancellation-reason codes, with their plain-words meaning.
CANCELLATION_REASONS: Final[dict[str, str]] = {
    "pat": "Patient",
    "pat-crs": "Patient: canceled via automated reminder system",
    "pat-cpp": "Patient: canceled via patient portal",
    "pat-dec": "Patient: deceased",
    "pat-fb": "Patient: feeling better",
    "pat-lt": "Patient: lack of transportation",
    "pat-mt": "Patient: member terminated",
    "pat-mv": "Patient: moved",
    "pat-preg": "Patient: pregnant",
    "pat-swl": "Patient: scheduled from wait list",
    "pat-ucp": "Patient: unhappy/changed provider",
    "prov": "Provider",
    "prov-pers": "Provider: personal",
    "prov-dch": "Provider: discharged",
    "prov-edu": "Provider: education/meeting",
    "prov-hosp": "Provider: hospitalized",
    "prov-labs": "Provider: labs out of acceptable range",
    "prov-mri": "Provider: MRI screening form marked do not proceed",
    "prov-onc": "Provider: oncology treatment plan changes",
    "maint": "Equipment maintenance/repair",
    "meds-inc": "Prep/med incomplete",
    "other": "Other",
    "oth-cms": "Other: CMS therapy cap service not authorized",
    "oth-err": "Other: error",
    "oth-fin": "Other: financial",
    "oth-iv": "Other: improper IV access/infiltrate IV",
    "oth-int": "Other: no interpreter available",
    "oth-mu": "Other: prep/med/results unacceptable",
    "oth-room": "Other: room/resource maintenance",
    "oth-oerr": "Other: schedule order error",
    "oth-swie": "Other: silent walk-in error",
    "oth-weath": "Other: weather",
}


class VisitMode(StrEnum):
    """How a visit happens (an appointment's visit_mode)."""

    IN_PERSON = "in-person"
    TELEHEALTH = "telehealth"


class DayPart(StrEnum):
    """The part of the day a caller wants (a waitlist entry's day_part, a search's)."""

    ANY = "any"
    MORNING = "morning"
    AFTERNOON = "afternoon"
    EVENING = "evening"


VISIT_MODES: Final = tuple(mode.value for mode in VisitMode)
TEMPLATE_VISIT_MODES: Final = ("in-person", "telehealth", "both")
APPOINTMENT_CATEGORIES: Final = ("new", "follow-up", "procedure")
BLOCK_KINDS: Final = ("admin", "lunch", "vacation", "on-call", "meeting")
RESOURCE_KINDS: Final = ("room", "equipment", "interpreter")
ROLES: Final = ("admin", "supervisor", "scheduler", "trainee")
CONTACT_CHANNELS: Final = ("sms", "email", "voice")
PHONE_KINDS: Final = ("mobile", "home", "work")
SEXES: Final = ("female", "male", "other", "unknown")
#: How a patient prefers to be reached ("" when they have not said).
PREFERRED_CONTACTS: Final = ("", "sms", "email", "voice")
#: Why a patient did not come, as they (or the clinic) said it ("" before anyone asked).
NO_SHOW_REASONS: Final[dict[str, str]] = {
    "forgot": "Forgot",
    "transport": "No transport",
    "illness": "Ill",
    "cost": "Cost",
    "work": "Work or family",
    "weather": "Weather",
    "other": "Other",
}
SUBSCRIBER_RELATIONSHIPS: Final = ("self", "spouse", "child", "other")
ELIGIBILITY_STATUSES: Final = ("requested", "active", "inactive", "rejected", "error")
AUTHORIZATION_STATUSES: Final = ("needed", "submitted", "pending", "approved", "denied", "expired")
#: new (received, nobody has reached the patient), contacted (a call made), scheduled
#: (a visit booked for it), completed (the visit happened), closed (with a reason),
#: expired (past its end date unbooked).
REFERRAL_STATUSES: Final = ("new", "contacted", "scheduled", "completed", "closed", "expired")
#: Still to be worked: a referral in these is on a scheduler's list.
REFERRALS_OPEN: Final = ("new", "contacted")
REFERRAL_URGENCIES: Final = ("urgent", "soon", "routine")
#: What a call about a referral came to.
CONTACT_OUTCOMES: Final = ("reached", "no-answer", "left-message", "wrong-number", "declined")
WAITLIST_STATUSES: Final = ("active", "offered", "booked", "removed", "expired")
DAY_PARTS: Final = tuple(part.value for part in DayPart)
MESSAGE_CHANNELS: Final = ("sms", "email", "voice", "letter")
MESSAGE_KINDS: Final = (
    "confirmation",  # a visit booked
    "reminder",  # a visit coming up (7 days, 2 days, 2 hours before by default)
    "change",  # a visit moved: the old time and the new
    "cancellation",  # a visit cancelled
    "must-move",  # the clinic cannot keep a visit (a block, closure or template change)
    "waitlist-offer",
    "recall",
    "referral",  # a referral nobody could be reached about: please call us
    "receipt",  # a payment's receipt, e-mailed when the patient asks for it
)
#: The channels whose wording a supervisor may change, and the languages messages are
#: written in.
WORDED_CHANNELS: Final = ("email", "sms", "voice")
MESSAGE_LANGUAGES: Final = ("en", "es")
#: queued (waiting for its time, or for a retry), sending (handed to the provider by a
#: runner; a runner that died leaves it for the next pass to send again), sent, failed
#: (the last try failed; retried later), dead (gave up after the tries allowed),
#: cancelled (withdrawn: its visit moved or was cancelled, or the patient opted out).
MESSAGE_STATUSES: Final = ("queued", "sending", "sent", "failed", "dead", "cancelled")
#: What a patient's text back did: STOP and its synonyms, START, HELP, C (confirm the
#: visit), R (call me back), anything else.
REPLY_ACTIONS: Final = ("opt-out", "opt-in", "help", "confirm", "call-back", "offer", "other")
#: A freed time offered to a waitlist patient by text: open (waiting for a YES), taken
#: (their YES booked it), lost (another patient's YES came first, or it could not be
#: booked by text), expired (no YES in time).
OFFER_STATUSES: Final = ("open", "taken", "lost", "expired")
#: What Twilio said became of a text after it took it ("" before it says anything).
DELIVERY_STATES: Final = (
    "", "accepted", "queued", "sending", "sent", "delivered", "undelivered", "failed",
)  # fmt: skip
PAYMENT_METHODS: Final = ("card", "cash", "check", "other")
PAYMENT_KINDS: Final = ("copay", "balance", "prepayment", "refund")
CASE_STATUSES: Final = ("open", "in-progress", "resolved", "closed")
CAMPAIGN_STATUSES: Final = ("draft", "active", "finished")
RECALL_STATUSES: Final = ("due", "contacted", "booked", "declined", "unreachable")
CLOSURE_KINDS: Final = ("holiday", "closure")
AUDIT_ACTIONS: Final = (
    "view",
    "create",
    "update",
    "delete",
    "export",
    "print",
    "login",
    "login-failed",
    "logout",
    "permission-denied",
)


def sql_in(column: str, values: tuple[str, ...] | dict[str, str]) -> str:
    """A CHECK expression that keeps `column` inside a code set."""
    quoted = ", ".join(f"'{value}'" for value in values)
    return f"{column} IN ({quoted})"
