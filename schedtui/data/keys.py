"""Keys of encrypted (SQLCipher) stores, kept in the OS keychain through keyring.

A key is filed under the store file's absolute path. On a headless server pin a
keyring backend that never prompts (e.g. keyrings.alt.file.PlaintextKeyring) in
the settings; schedtui reads keys before the TUI starts, never while it runs.
"""

from __future__ import annotations

import contextlib
import importlib
import secrets
from pathlib import Path
from typing import Any

from schedtui.data.errors import StoreError

SERVICE = "schedtui"


def _keyring() -> Any:
    import keyring  # loaded only when a key is needed: commands start faster

    return keyring


def _errors() -> Any:
    import keyring.errors

    return keyring.errors.KeyringError


def use_backend(dotted: str | None) -> None:
    """Pin the keyring backend named by a dotted class path (None: keyring's own choice)."""
    if not dotted:
        return
    module_name, _, class_name = dotted.rpartition(".")
    try:
        backend = getattr(importlib.import_module(module_name), class_name)()
    except (ImportError, AttributeError, ValueError) as exc:
        raise StoreError(f"Cannot use the keyring backend '{dotted}': {exc}.") from None
    _keyring().set_keyring(backend)


def _name(path: Path) -> str:
    return str(path.expanduser().absolute())


def store_key(path: Path) -> str | None:
    """The key of the encrypted store at `path`, if the keychain holds one."""
    try:
        key: str | None = _keyring().get_password(SERVICE, _name(path))
    except _errors() as exc:
        raise StoreError(
            f"Cannot read the keychain ({exc}); set keyring_backend in the settings."
        ) from None
    return key


def new_store_key(path: Path) -> str:
    """Make a random key for a new encrypted store and file it in the keychain."""
    key = secrets.token_urlsafe(32)
    try:
        _keyring().set_password(SERVICE, _name(path), key)
    except _errors() as exc:
        raise StoreError(
            f"Cannot save the store's key in the keychain ({exc}); set keyring_backend "
            "in the settings (e.g. keyrings.alt.file.PlaintextKeyring on a server)."
        ) from None
    return key


def forget_store_key(path: Path) -> None:
    """Remove a key (used when creating an encrypted store failed half-way)."""
    with contextlib.suppress(_errors()):
        _keyring().delete_password(SERVICE, _name(path))
