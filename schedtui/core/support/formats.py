"""One spelling of each thing people read: a visit's time (the local wall time of its
place, 12-hour with AM/PM, its zone named: what a scheduler reads to a caller), a day,
a day as a heading, and a person's name as lists show it ("Last, First")."""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from typing import Protocol


class Named(Protocol):
    """A patient, a provider or anyone with a first and a last name."""

    first_name: str
    last_name: str


def listed_name(person: Named) -> str:
    """'Garcia, Jose': the name as lists, panels and cards show it."""
    return f"{person.last_name}, {person.first_name}"


def moment_text(local: datetime) -> str:
    """`local` (already in its place's zone) as 'Mon 03/09/2026 09:00 AM EDT'."""
    return f"{local:%a %m/%d/%Y %I:%M %p %Z}"


def visit_time(local: datetime) -> str:
    """A visit's time within the weeks ahead, without the year: 'Mon 03/09 09:00 AM EDT'."""
    return f"{local:%a %m/%d %I:%M %p %Z}"


def clock_time(local: datetime) -> str:
    """Only the time of day: '09:00 AM'."""
    return f"{local:%I:%M %p}"


def clinic_moment_text(moment: datetime, zone: tzinfo) -> str:
    """A stored moment (UTC) in the clinic's own zone, labelled."""
    return moment_text(moment.astimezone(zone))


def day_text(day: date) -> str:
    """A day as US forms write it (dates of birth, coverage dates): '03/09/2026'."""
    return f"{day:%m/%d/%Y}"


def day_heading(day: date) -> str:
    """A day over a schedule: 'Monday 09 March 2026'."""
    return f"{day:%A %d %B %Y}"
