"""How appointment statuses read to a scheduler: a word and a symbol, never colour alone."""

from __future__ import annotations

from typing import Final

#: FHIR status -> (symbol, label).
STATUS_DISPLAY: Final[dict[str, tuple[str, str]]] = {
    "proposed": ("?", "Proposed"),
    "pending": ("…", "Pending"),
    "booked": ("●", "Booked"),
    "arrived": ("→", "Arrived"),
    "checked-in": ("▶", "Checked in"),
    "fulfilled": ("✓", "Seen"),
    "cancelled": ("⊘", "Cancelled"),
    "noshow": ("✗", "No-show"),
    "entered-in-error": ("!", "Entered in error"),
    "waitlist": ("⌛", "Waitlist"),
}


def status_text(status: str, confirmed: bool = False) -> str:
    """'● Booked' for 'booked' ('● Booked, confirmed' once the patient said they will
    come); unknown codes show as they are."""
    symbol, label = STATUS_DISPLAY.get(status, ("", status))
    said = ", confirmed" if confirmed and status == "booked" else ""
    return f"{symbol} {label}{said}".strip()


#: Visits that can still be moved to another time (nobody has arrived yet).
MOVABLE: Final = ("booked", "pending", "proposed")
#: Visits still to happen or under way: what a block or the panel's upcoming list counts.
NOT_YET_SEEN: Final = (*MOVABLE, "arrived", "checked-in")
