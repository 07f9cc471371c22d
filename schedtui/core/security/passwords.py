"""Password hashing (argon2id) and the minimum a password must be."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from schedtui.core.support.errors import BadInput

if TYPE_CHECKING:
    from argon2 import PasswordHasher

MIN_LENGTH = 10


@cache
def _hasher() -> PasswordHasher:
    from argon2 import PasswordHasher

    return PasswordHasher()  # argon2id with the library's (RFC 9106) defaults


def check_strength(password: str, username: str) -> None:
    """Raise `BadInput` unless the password is long enough and not the user name."""
    if len(password) < MIN_LENGTH:
        raise BadInput(f"The password must be at least {MIN_LENGTH} characters long.")
    if password.strip().lower() == username.lower():
        raise BadInput("The password must not be the user name.")


def hash_password(password: str) -> str:
    """An argon2id hash of `password`."""
    return _hasher().hash(password)


def password_matches(stored_hash: str | None, password: str) -> bool:
    """True when `password` matches `stored_hash` (False for a user without a password)."""
    if not stored_hash:
        return False
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return _hasher().verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False
