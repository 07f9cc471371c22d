"""Writing 005010X279A1 270 eligibility inquiries (ISA/GS/ST envelopes, TRN trace)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from schedtui.core.x12.elements import element_text, routing_id
from schedtui.core.x12.tokens import Delimiters

VERSION = "005010X279A1"
#: What we write with: the separators most clearinghouses expect.
STANDARD = Delimiters()


@dataclass(frozen=True)
class Person:
    """Someone the inquiry is about."""

    last: str
    first: str
    birth_date: date | None


@dataclass(frozen=True)
class Inquiry:
    """What we ask a payer about one patient."""

    trace: str
    payer_name: str
    payer_id: str
    provider_name: str
    provider_npi: str
    subscriber: Person
    member_id: str
    service_date: date
    service_types: tuple[str, ...] = ("30",)
    dependent: Person | None = None


@dataclass(frozen=True)
class Envelope:
    """Who sends to whom, and the control numbers."""

    sender_id: str
    receiver_id: str
    control_number: int
    created: datetime
    production: bool = False


def _clean(text: str, delimiters: Delimiters, limit: int) -> str:
    return element_text(text, delimiters, limit)


def build_270(
    inquiry: Inquiry,
    envelope: Envelope,
    delimiters: Delimiters = STANDARD,
    newline: bool = True,
) -> str:
    """The inquiry as one interchange with one group and one transaction set."""
    d = delimiters
    sender = routing_id(envelope.sender_id, "The sender id (x12_sender_id)")
    receiver = routing_id(envelope.receiver_id, "The payer's X12 id")
    control = f"{envelope.control_number % 1_000_000_000:09d}"
    set_control = f"{envelope.control_number % 10_000:04d}"
    when = envelope.created
    body = _body(inquiry, d, when)
    segments = [
        [
            "ISA",
            "00",
            " " * 10,
            "00",
            " " * 10,
            "ZZ",
            f"{sender:<15}",
            "ZZ",
            f"{receiver:<15}",
            f"{when:%y%m%d}",
            f"{when:%H%M}",
            d.repetition,
            "00501",
            control,
            "0",
            "P" if envelope.production else "T",
            d.component,
        ],
        [
            "GS",
            "HS",
            sender,
            receiver,
            f"{when:%Y%m%d}",
            f"{when:%H%M}",
            str(envelope.control_number % 1_000_000_000),
            "X",
            VERSION,
        ],
        ["ST", "270", set_control, VERSION],
        *body,
        ["SE", str(len(body) + 2), set_control],
        ["GE", "1", str(envelope.control_number % 1_000_000_000)],
        ["IEA", "1", control],
    ]
    end = d.segment + ("\n" if newline else "")
    return end.join(d.element.join(parts) for parts in segments) + end


def _body(inquiry: Inquiry, d: Delimiters, when: datetime) -> list[list[str]]:
    dependent = inquiry.dependent
    segments = [
        ["BHT", "0022", "13", _clean(inquiry.trace, d, 50), f"{when:%Y%m%d}", f"{when:%H%M}"],
        ["HL", "1", "", "20", "1"],
        [
            "NM1",
            "PR",
            "2",
            _clean(inquiry.payer_name, d, 60),
            "",
            "",
            "",
            "",
            "PI",
            _clean(inquiry.payer_id, d, 80),
        ],
        ["HL", "2", "1", "21", "1"],
        [
            "NM1",
            "1P",
            "2",
            _clean(inquiry.provider_name, d, 60),
            "",
            "",
            "",
            "",
            "XX",
            _clean(inquiry.provider_npi, d, 80),
        ],
        ["HL", "3", "2", "22", "1" if dependent else "0"],
    ]
    subscriber = _person(inquiry.subscriber, "IL", d, inquiry.member_id)
    if dependent is None:
        segments += [_trn(inquiry, d), *subscriber, *_service(inquiry, d)]
    else:
        segments += subscriber
        segments += [
            ["HL", "4", "3", "23", "0"],
            _trn(inquiry, d),
            *_person(dependent, "03", d, None),
            *_service(inquiry, d),
        ]
    return segments


def _trn(inquiry: Inquiry, d: Delimiters) -> list[str]:
    return ["TRN", "1", _clean(inquiry.trace, d, 50), "9SCHEDTUI0"]


def _person(person: Person, entity: str, d: Delimiters, member_id: str | None) -> list[list[str]]:
    name = ["NM1", entity, "1", _clean(person.last, d, 60), _clean(person.first, d, 35)]
    if member_id:
        name += ["", "", "", "MI", _clean(member_id, d, 80)]
    segments = [name]
    if person.birth_date:
        segments.append(["DMG", "D8", f"{person.birth_date:%Y%m%d}"])
    return segments


def _service(inquiry: Inquiry, d: Delimiters) -> list[list[str]]:
    return [
        ["DTP", "291", "D8", f"{inquiry.service_date:%Y%m%d}"],
        *(["EQ", _clean(code, d, 2)] for code in inquiry.service_types),
    ]
