"""The privacy mask: what the screen shows instead of identifying details while it is on."""

from __future__ import annotations

MASK = "•••••"


def masked(value: str, mask_on: bool) -> str:
    """`value`, or the mask when the privacy mask is on (empty values stay empty)."""
    if not mask_on or not value:
        return value
    return MASK
