"""Money is kept in integer cents; this is how an amount is shown."""

from __future__ import annotations


def dollars(cents: int) -> str:
    """$1,234.05 from 123405 cents, without going through a float."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}${whole:,}.{part:02d}"
