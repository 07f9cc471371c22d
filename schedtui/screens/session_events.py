"""What the sign-in and lock screens tell the app. Kept apart from those screens (which
check passwords against the store) so the app shell can name them before the store is
opened."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from schedtui.core.security.access import Actor


@dataclass
class SignedIn(Message):
    """Someone signed in; the app opens their work."""

    actor: Actor


@dataclass
class Refused(Message):
    """A sign-in (or unlock) attempt failed, with the reason to show."""

    reason: str
    locked_out: bool = False


@dataclass
class Unlocked(Message):
    """The signed-in user proved it is them again."""
