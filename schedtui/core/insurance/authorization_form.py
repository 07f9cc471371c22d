"""Reading a prior authorization's edit form (F6, Enter on a row): only what changed is
sent on, every wrong field is named."""

from __future__ import annotations

from datetime import date
from typing import Any

from dateutil.parser import ParserError
from dateutil.parser import parse as parse_date

from schedtui.core.insurance.records import AuthorizationChange, AuthorizationRow
from schedtui.core.support.errors import FieldErrors
from schedtui.core.support.formats import day_text
from schedtui.core.support.text import text_problem
from schedtui.data.codes import AUTHORIZATION_STATUSES

#: The form's fields: name, label.
AUTH_FIELDS = (
    ("status", f"Status: {', '.join(AUTHORIZATION_STATUSES)}"),
    ("auth_number", "Authorization number (needed once approved)"),
    ("approved_units", "Approved units or visits"),
    ("used_units", "Used"),
    ("valid_from", "Valid from (any form: 3/1/2026, mar 1 26)"),
    ("valid_to", "Valid to"),
    ("follow_up_on", "Follow up on"),
    ("note", "Note to add (who you spoke to, what they said)"),
)
_DAYS = ("valid_from", "valid_to", "follow_up_on")
_UNITS = ("approved_units", "used_units")


def as_typed(row: AuthorizationRow) -> dict[str, str]:
    """A worklist row as the form shows it (dates as MM/DD/YYYY)."""
    shown: dict[str, str] = {}
    for name, _ in AUTH_FIELDS:
        value = getattr(row, name, None)  # the note is new text, not the row's
        if name in _DAYS and value:
            value = day_text(date.fromisoformat(str(value)))
        shown[name] = "" if value is None else str(value)
    return shown


def read_change(typed: dict[str, str], shown: dict[str, str]) -> AuthorizationChange:
    """The change between what the form showed and what is typed now."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    for name, _ in AUTH_FIELDS:
        text = typed.get(name, "").strip()
        if text == shown.get(name, "").strip():
            continue
        if problem := text_problem(text, 500 if name == "note" else 40):
            errors[name] = problem
        elif name == "status" and text not in AUTHORIZATION_STATUSES:
            errors[name] = f"one of {', '.join(AUTHORIZATION_STATUSES)}"
        elif name in _UNITS:
            if not text.isdigit():
                errors[name] = "a whole number, 0 or more"
            else:
                values[name] = int(text)
        elif name in _DAYS:
            try:
                values[name] = parse_date(text).date()
            except (ParserError, OverflowError, ValueError):
                errors[name] = f"'{text}' is not a date"
        elif text:
            values[name] = text
    if errors:
        raise FieldErrors(errors)
    return AuthorizationChange(**values)
