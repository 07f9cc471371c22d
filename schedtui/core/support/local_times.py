"""One way to write a moment for people: the local wall time of a place, 12-hour with
AM/PM, its zone named (what a scheduler reads to a caller)."""

from __future__ import annotations

from datetime import datetime, tzinfo


def moment_text(local: datetime) -> str:
    """`local` (already in its place's zone) as 'Mon 03/09/2026 09:00 AM EDT'."""
    return f"{local:%a %m/%d/%Y %I:%M %p %Z}"


def clinic_moment_text(moment: datetime, zone: tzinfo) -> str:
    """A stored moment (UTC) in the clinic's own zone, labelled."""
    return moment_text(moment.astimezone(zone))
