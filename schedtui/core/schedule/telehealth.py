"""A video visit's link: the provider's own room when the clinic has one for them
(`telehealth_rooms`, by NPI), else a link of the visit's own with an unguessable code
(`telehealth_url` with {token}); made when the visit is booked, sent only to the
patient, shown on the visit's card."""

from __future__ import annotations

import secrets

from schedtui.data import models as m
from schedtui.settings import Settings

#: Bytes of randomness in a visit's own link (22 URL-safe characters).
TOKEN_BYTES = 16


def video_link(provider: m.Provider, settings: Settings) -> str:
    """The link a video visit with `provider` is joined by ("" when none is set up)."""
    room = settings.telehealth_rooms.get(provider.npi, "")
    if room:
        return room
    if settings.telehealth_url:
        return settings.telehealth_url.replace("{token}", secrets.token_urlsafe(TOKEN_BYTES))
    return ""
