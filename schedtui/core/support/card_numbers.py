"""A full card number (PAN) is never stored: found in typed text by its length and its
Luhn check digit, so it can be refused before anything is written."""

from __future__ import annotations

import re

#: Runs of 13 to 19 digits, as card numbers are printed (spaces or dashes between groups).
_DIGIT_RUN = re.compile(r"(?<!\d)\d(?:[ -]?\d){12,18}(?!\d)")


def luhn_valid(digits: str) -> bool:
    """Whether `digits` end in a correct Luhn check digit."""
    total = 0
    for place, char in enumerate(reversed(digits)):
        value = int(char)
        if place % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def has_card_number(text: str) -> bool:
    """Whether `text` holds what may be a full card number (13-19 digits, Luhn-valid)."""
    return any(luhn_valid(re.sub(r"[ -]", "", run.group())) for run in _DIGIT_RUN.finditer(text))
