"""Reading a coverage off the patient's card as the scheduler types it in the workspace:
the payer by name or X12 id, dates as people say them. Every wrong field is named."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from dateutil.parser import ParserError
from dateutil.parser import parse as parse_date
from rapidfuzz import fuzz, process, utils

from schedtui.core.insurance.records import CoverageInput, PayerRow, cents
from schedtui.core.support.errors import BadInput, FieldErrors
from schedtui.core.support.text import text_problem
from schedtui.data.codes import SUBSCRIBER_RELATIONSHIPS

#: The form's fields: name, label.
CARD_FIELDS = (
    ("payer", "Payer (name or X12 payer id)"),
    ("member_id", "Member id"),
    ("group_id", "Group id (optional)"),
    ("plan", "Plan (optional)"),
    ("relationship", "Patient is the subscriber's: self, spouse, child or other"),
    ("rank", "1 primary, 2 secondary, 3 tertiary"),
    ("effective_from", "Effective from (any form: 1/1/2026, jan 1 26)"),
    ("effective_to", "Effective to (optional)"),
    ("copay", "Copay on the card (optional, e.g. 25.00)"),
)


@dataclass
class _Reading:
    typed: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)

    def text(self, name: str, limit: int = 64) -> str:
        value = self.typed.get(name, "").strip()
        if problem := text_problem(value, limit):
            self.errors[name] = problem
        return value


def payer_for(typed: str, directory: list[PayerRow]) -> PayerRow | None:
    """The payer meant: its exact X12 id, else the closest name (None if nothing is close)."""
    text = typed.strip()
    for payer in directory:
        if text and text.upper() == payer.x12_payer_id.upper():
            return payer
    names = {p.name: p for p in directory}
    best = (
        process.extractOne(text, list(names), scorer=fuzz.WRatio, processor=utils.default_process)
        if text
        else None
    )
    return names[best[0]] if best is not None and best[1] >= 70 else None


def _day(reading: _Reading, name: str, *, required: bool) -> date | None:
    text = reading.typed.get(name, "").strip()
    if not text:
        if required:
            reading.errors[name] = "required"
        return None
    try:
        return parse_date(text).date()
    except (ParserError, OverflowError, ValueError, TypeError):
        reading.errors[name] = f"'{text}' is not a date"
        return None


def read_card(patient_id: int, typed: dict[str, str], directory: list[PayerRow]) -> CoverageInput:
    """A `CoverageInput` from the form, or `FieldErrors` naming every wrong field."""
    reading = _Reading(typed)
    payer = payer_for(typed.get("payer", ""), directory)
    if payer is None:
        reading.errors["payer"] = "no payer by that name or X12 id (`schedtui payers list`)"
    member = reading.text("member_id")
    if not member and "member_id" not in reading.errors:
        reading.errors["member_id"] = "required (read it from the card)"
    relationship = reading.text("relationship").lower() or "self"
    if relationship not in SUBSCRIBER_RELATIONSHIPS:
        reading.errors["relationship"] = "self, spouse, child or other"
    rank = reading.text("rank") or "1"
    if rank not in ("1", "2", "3"):
        reading.errors["rank"] = "1, 2 or 3"
    start = _day(reading, "effective_from", required=True)
    end = _day(reading, "effective_to", required=False)
    if start and end and end < start:
        reading.errors["effective_to"] = "before the coverage starts"
    try:
        cents(typed.get("copay"), "Copay")
    except BadInput as wrong:
        reading.errors["copay"] = str(wrong)
    if reading.errors or payer is None or start is None:
        raise FieldErrors(reading.errors)
    return CoverageInput(
        patient_id,
        payer.x12_payer_id,
        member,
        start,
        end,
        int(rank),
        reading.text("group_id"),
        reading.text("plan"),
        relationship,
        copay=typed.get("copay") or None,
    )
