"""Errors a user can act on. Their message is one plain sentence: what was wrong, and where."""

from __future__ import annotations

from schedtui.data.errors import StoreError
from schedtui.settings import SettingsError


class BadInput(Exception):
    """A value the user gave cannot be used; nothing was changed."""


class FieldErrors(BadInput):
    """Some fields of a form are wrong; `errors` maps each field to its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{name}: {message}" for name, message in errors.items()))


class NotAllowed(Exception):
    """The user's role may not do this; the message says what it needs
    (`access.PermissionDenied`)."""


class SignInRefused(Exception):
    """Sign-in failed; the message is safe to show (it never says whether a user exists)."""


class AccountLocked(SignInRefused):
    """Too many failed sign-ins: the account is locked for a while."""


#: Every error that means "the user can fix this": the CLI exits 2, the TUI shows it and stays up.
USER_ERRORS: tuple[type[Exception], ...] = (
    BadInput,
    StoreError,
    SettingsError,
    NotAllowed,
    SignInRefused,
)
