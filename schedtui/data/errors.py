"""Errors the store raises for things a user can fix (a bad path, a server that is down)."""

from __future__ import annotations


class StoreError(Exception):
    """The store cannot be opened or used; the message is one plain sentence for the user."""
