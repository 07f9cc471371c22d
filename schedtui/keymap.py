"""Keys users can remap. Every binding a user may move has an id ("app.calendar",
"workspace.book"); the `[keymap]` table of the settings gives an id other keys
(`app.calendar = "f9"`, several as "f9,ctrl+k"), applied with Textual's keymap support.
Every key named in text (notices, prompts, the help screen) is written from the same map,
so a moved key is never described by its old name.

A keymap is checked before the TUI starts, and refused with what is wrong and where: an id
no screen has, a key that is not a key, a key of the whole app that would swallow typing,
or two keys of one screen on the same key.
"""

from __future__ import annotations

import pkgutil
import re
from collections.abc import Iterator, Mapping
from functools import cache
from importlib import import_module

from textual.binding import Binding
from textual.dom import DOMNode
from textual.keys import Keys, _normalize_key_list, format_key, key_to_character

from schedtui.core.support.errors import BadInput
from schedtui.keymap_defaults import DEFAULT_KEYS

#: Where the setting comes from, for messages.
WHERE = "[keymap] in the settings file or SCHEDTUI_KEYMAP"
#: Keys Textual keeps for itself, and the keys that move between fields.
RESERVED = frozenset({"ctrl+q", "ctrl+p", "ctrl+c", "tab", "shift+tab"})
APP = "schedtui.app.SchedApp"
MODIFIERS = ("ctrl", "alt", "shift", "super", "meta", "hyper")
_NAMES = {
    "escape": "Esc",
    "enter": "Enter",
    "pageup": "PgUp",
    "pagedown": "PgDn",
    "home": "Home",
    "end": "End",
    "up": "↑",
    "down": "↓",
    "left": "←",
    "right": "→",
    "space": "Space",
    "backspace": "Backspace",
    "delete": "Del",
    "insert": "Ins",
}
_PLACEHOLDER = re.compile(r"\{\{([a-z_-]+\.[a-z_]+)\}\}")


def key_label(key: str) -> str:
    """How a key is written for people: "ctrl+s" → "Ctrl+S", "f10" → "F10",
    "escape" → "Esc", "left_square_bracket" → "[", "W" stays "W"."""
    *modifiers, base = key.strip().split("+")
    if re.fullmatch(r"f\d{1,2}", base):
        name = base.upper()
    elif base in _NAMES:
        name = _NAMES[base]
    else:
        name = format_key(base)
        if modifiers and len(name) == 1:
            name = name.upper()
    return "+".join([*(part.capitalize() for part in modifiers), name])


def _node_classes() -> Iterator[type[DOMNode]]:
    """Every screen, widget and the app of schedtui (their modules imported)."""
    import_module("schedtui.app")
    for package in ("schedtui.screens", "schedtui.widgets"):
        found = import_module(package)
        for info in pkgutil.iter_modules(found.__path__):
            import_module(f"{package}.{info.name}")
    seen: set[type[DOMNode]] = set()
    todo: list[type[DOMNode]] = [DOMNode]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            if sub not in seen:
                seen.add(sub)
                todo.append(sub)
    for cls in sorted(seen, key=lambda c: (c.__module__, c.__qualname__)):
        if cls.__module__.startswith("schedtui."):
            yield cls


def _own_bindings(cls: type[DOMNode]) -> list[Binding]:
    return [b for b in cls.__dict__.get("BINDINGS", []) if isinstance(b, Binding) and b.id]


@cache
def _catalogue() -> tuple[dict[str, Binding], dict[str, tuple[str, ...]]]:
    bindings: dict[str, Binding] = {}
    owners: dict[str, tuple[str, ...]] = {}
    for cls in _node_classes():
        ids = []
        for binding in _own_bindings(cls):
            bindings.setdefault(binding.id or "", binding)
            ids.append(binding.id or "")
        if ids:
            owners[f"{cls.__module__}.{cls.__qualname__}"] = tuple(ids)
    return bindings, owners


def _known() -> dict[str, Binding]:
    """The catalogue's bindings by id (shared: not to be changed)."""
    return _catalogue()[0]


def remappable() -> dict[str, Binding]:
    """Every binding a keymap may move, by id (its default keys and what it does)."""
    return dict(_catalogue()[0])


def _keys_of(binding_id: str, keymap: Mapping[str, str]) -> list[str]:
    keys = keymap.get(binding_id) or DEFAULT_KEYS[binding_id]
    return [key.strip() for key in _normalize_key_list(keys).split(",") if key.strip()]


class KeyNames:
    """The keys of the bindings as this user has them, written for people."""

    def __init__(self, keymap: Mapping[str, str] | None = None) -> None:
        self.keymap = normalized(keymap or {})

    def __call__(self, binding_id: str) -> str:
        """The first key of a binding ("Ctrl+S"); a bug names an unknown id."""
        if binding_id not in DEFAULT_KEYS:
            raise KeyError(f"no binding has the id {binding_id!r}")
        return key_label(_keys_of(binding_id, self.keymap)[0])

    def fill(self, text: str) -> str:
        """`text` with each `{{binding.id}}` replaced by the key's name."""
        return _PLACEHOLDER.sub(lambda found: self(found.group(1)), text)

    def moved(self) -> list[tuple[Binding, str]]:
        """The bindings this keymap moves, with the key each now has."""
        return [(_known()[bid], self(bid)) for bid in sorted(self.keymap)]


def normalized(keymap: Mapping[str, str]) -> dict[str, str]:
    """The keymap as Textual reads it ("[" → "left_square_bracket")."""
    return {bid: _normalize_key_list(keys) for bid, keys in keymap.items()}


def check_keymap(keymap: Mapping[str, str]) -> None:
    """Raise `BadInput` naming the first thing wrong with `keymap` (nothing is applied).
    Only a keymap that moves something imports every screen to check it."""
    if not keymap:
        return
    known = _known()
    for binding_id, keys in keymap.items():
        if binding_id not in known:
            raise BadInput(
                f"{WHERE}: '{binding_id}' is not a key's id "
                f"(`schedtui config keys` lists them, and the README)."
            )
        for key in _split(keys):
            _check_key(binding_id, key)
    _check_no_clash(normalized(keymap))


def _split(keys: str) -> list[str]:
    parts = [part.strip() for part in _normalize_key_list(keys).split(",")]
    if not keys.strip() or not all(parts):
        raise BadInput(f'{WHERE}: \'{keys}\' has an empty key (write keys as "f9" or "f9,ctrl+k").')
    return parts


@cache
def _text_box_keys() -> frozenset[str]:
    """Keys the text boxes edit with (Ctrl+W deletes a word, Ctrl+K to the end...)."""
    from textual.widgets import Input, TextArea

    keys: set[str] = set()
    for widget in (Input, TextArea):
        for binding in widget.BINDINGS:
            found = binding.key if isinstance(binding, Binding) else binding[0]
            keys.update(key.strip() for key in found.split(","))
    return frozenset(keys)


def _check_key(binding_id: str, key: str) -> None:
    *modifiers, base = key.split("+")
    if not base or any(part not in MODIFIERS for part in modifiers) or not _is_key(base):
        raise BadInput(f'{WHERE}: {binding_id} = \'{key}\' is not a key (try "f9" or "ctrl+k").')
    if key in RESERVED:
        raise BadInput(
            f"{WHERE}: {binding_id} = '{key}': {key_label(key)} is kept for the program."
        )
    if key in _text_box_keys():
        raise BadInput(
            f"{WHERE}: {binding_id} = '{key}': {key_label(key)} edits the text in the box "
            f"you type in, so it cannot also be a key of a screen (try an F-key)."
        )
    typing = not modifiers or modifiers == ["shift"]
    if binding_id.startswith("app.") and typing and not re.fullmatch(r"f\d{1,2}", base):
        raise BadInput(
            f"{WHERE}: {binding_id} = '{key}': a key of the whole program must be an F-key "
            f"or use Ctrl or Alt, or it would take that key from every box you type in."
        )


def _is_key(base: str) -> bool:
    return (
        len(base) == 1
        or re.fullmatch(r"f\d{1,2}", base) is not None
        or base in {key.value for key in Keys}
        or key_to_character(base) is not None
    )


def _check_no_clash(keymap: Mapping[str, str]) -> None:
    """No key does two things on one screen, and no screen key is one of the app's."""
    _, owners = _catalogue()
    app_keys = _key_owners(owners.get(APP, ()), keymap)
    for owner, ids in owners.items():
        taken = _key_owners(ids, keymap)
        _check_moved_together(ids, keymap)
        for key, binding_ids in taken.items():
            if _clash(binding_ids, keymap):
                raise BadInput(
                    f"{WHERE}: {key_label(key)} is given to both {' and '.join(binding_ids)}."
                )
            if (
                owner != APP
                and key in app_keys
                and any(bid in keymap for bid in (*binding_ids, *app_keys[key]))
            ):
                raise BadInput(
                    f"{WHERE}: {key_label(key)} is given to {binding_ids[0]} and to "
                    f"{app_keys[key][0]} (which works on every screen)."
                )


def _clash(binding_ids: list[str], keymap: Mapping[str, str]) -> bool:
    """Two ids on one key, one of them moved there, and not a pair that shares its keys
    by design (the calendar's ] is the next day, or the next week in the week view)."""
    if len(binding_ids) < 2 or not any(bid in keymap for bid in binding_ids):
        return False
    return len({_known()[bid].key for bid in binding_ids}) > 1


def _check_moved_together(ids: tuple[str, ...], keymap: Mapping[str, str]) -> None:
    """Ids of one screen that share their keys by design move together (Textual takes a
    moved binding's old key from every binding that had it)."""
    known = _known()
    for first in ids:
        for second in ids:
            same = known[first].key == known[second].key
            if first < second and same and (first in keymap) != (second in keymap):
                raise BadInput(
                    f"{WHERE}: {first} and {second} share {key_label(known[first].key)} "
                    f"(one in the day view, one in the week view): move both."
                )


def _key_owners(ids: tuple[str, ...], keymap: Mapping[str, str]) -> dict[str, list[str]]:
    taken: dict[str, list[str]] = {}
    for binding_id in ids:
        for key in _keys_of(binding_id, keymap):
            if binding_id not in taken.setdefault(key, []):
                taken[key].append(binding_id)
    return taken
