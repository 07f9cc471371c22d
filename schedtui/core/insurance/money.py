"""Money is kept in integer cents: how an amount typed by people is read, and how one is
shown."""

from __future__ import annotations

import re
from decimal import Decimal

from schedtui.core.support.errors import BadInput

#: Dollars and cents as people type them (after the $ and the thousands commas): 25, 25.5,
#: .50, -5 (refused as negative, by name).
_PLAIN_AMOUNT = re.compile(r"-?([0-9]+\.?[0-9]*|\.[0-9]+)")


def dollars(cents: int) -> str:
    """$1,234.05 from 123405 cents, without going through a float."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}${whole:,}.{part:02d}"


def typed_cents(text: str, what: str, *, most_cents: int, zero_ok: bool = False) -> int:
    """'25', '25.00' or '$1,250.50' as integer cents: more than zero (or zero, when
    `zero_ok`), at most two decimals and at most `most_cents`; `BadInput` naming the
    field (`what`) otherwise. Never through a float."""
    plain = text.strip().lstrip("$").replace(",", "")
    if not _PLAIN_AMOUNT.fullmatch(plain):  # no 1e5, 1_000, NaN or Infinity
        raise BadInput(f"{what} '{text}' is not an amount like 25.00.")
    value = Decimal(plain)
    if value < 0 or (value == 0 and not zero_ok):
        least = "zero or more" if zero_ok else "more than zero"
        raise BadInput(f"{what} must be {least}; '{text}' was given.")
    if value * 100 > most_cents:  # first: a huge value cannot even be rounded to cents
        raise BadInput(f"{what} '{text}' is more than {dollars(most_cents)}.")
    if value != value.quantize(Decimal("0.01")):
        raise BadInput(f"{what} '{text}' has more than two decimals (dollars and cents).")
    return int(value * 100)
