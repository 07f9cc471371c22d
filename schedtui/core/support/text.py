"""Stored text made safe for a terminal and for spreadsheets."""

from __future__ import annotations

import unicodedata

from schedtui.core.support.errors import BadInput

#: Bidirectional overrides and isolates: they can make text read differently than it is stored.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
#: Cells starting with these are run as formulas by spreadsheet programs (OWASP CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def printable(text: str) -> str:
    """Text with every control character made visible (ESC shows as ␛), so no stored value
    can move the cursor, clear the screen or ring the bell."""
    if text.isprintable() and not BIDI_CONTROLS.intersection(text):
        return text
    return "".join(_visible(char) for char in text)


def _visible(char: str) -> str:
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)
    if code == 0x7F:
        return "\u2421"
    if char in BIDI_CONTROLS or unicodedata.category(char) in ("Cc", "Zl", "Zp", "Cs"):
        return "\ufffd"
    return char


def spreadsheet_safe(value: object) -> str:
    """A cell value that a spreadsheet shows as text and never runs as a formula (nor
    sends a control character to the terminal it is printed on)."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + printable(text)
    text = printable(text)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def text_problem(value: str, limit: int) -> str | None:
    """What is wrong with a typed line of text (too long, control characters), or None."""
    if len(value) > limit:
        return f"at most {limit} characters"
    if not value.isprintable() or BIDI_CONTROLS.intersection(value):
        return "contains control characters"
    return None


def check_lines(fields: dict[str, tuple[str | None, int]]) -> None:
    """Refuse, naming the field, a typed line that is too long or holds control
    characters (ESC, NUL, a line break); fields given as None were not typed."""
    for label, (value, limit) in fields.items():
        if value is None:
            continue
        problem = text_problem(value.strip(), limit)
        if problem:
            raise BadInput(f"{label}: {problem}.")
