"""What may stand in an X12 element: text from the store never carries a separator, a
control character or more than the element's length into an interchange.

Free text (names) is written safely: letters lose their accents, anything outside the
X12 character set or equal to one of the interchange's separators becomes a space, and
the text is cut to the element's length. Identifiers that route the interchange (the
ISA and GS sender and receiver) are never rewritten: one that cannot stand as it is
refused, since a silently changed id would send a patient's inquiry somewhere else.
"""

from __future__ import annotations

import re
import unicodedata

from schedtui.core.x12.tokens import Delimiters, X12Error

#: ISA06/ISA08 and GS02/GS03: letters, digits and spaces, at most 15.
ROUTING_ID = re.compile(r"^[A-Z0-9][A-Z0-9 ]{0,14}$")
#: Printable ASCII: the X12 basic and extended character sets.
_PRINTABLE = frozenset(chr(code) for code in range(0x20, 0x7F))


def element_text(text: str, delimiters: Delimiters, limit: int) -> str:
    """`text` as one element: upper case, separator- and control-free, within `limit`."""
    banned = {delimiters.element, delimiters.component, delimiters.repetition}
    banned.add(delimiters.segment)
    plain = unicodedata.normalize("NFKD", text.upper())
    kept = (
        " " if ch in banned or ch not in _PRINTABLE else ch
        for ch in plain
        if not unicodedata.combining(ch)
    )
    return " ".join("".join(kept).split())[:limit].strip()


def routing_id(value: str, what: str) -> str:
    """A sender or receiver id as the envelope carries it; `X12Error` names what is wrong."""
    upper = value.strip().upper()
    if not ROUTING_ID.match(upper):
        raise X12Error(
            f"{what} '{printable_id(value)}' cannot stand in an X12 envelope: use 1 to 15 "
            "letters and digits"
        )
    return upper


def printable_id(value: str) -> str:
    """An id for a message: control characters shown as '?', cut at 40 characters."""
    shown = "".join(ch if ch.isprintable() else "?" for ch in value)
    return shown if len(shown) <= 40 else shown[:40] + "..."
