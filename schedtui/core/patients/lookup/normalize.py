"""Names folded the way people say them: no accents, no case, hyphens and apostrophes
both kept apart and joined ("Smith-Jones" answers to smith, jones and smithjones)."""

from __future__ import annotations

import re
import unicodedata

_APOSTROPHES = "'\u2019`\u00b4"  # straight, curly, grave, acute
_SEPARATORS = re.compile("[\\s\\-\u2010\u2011\u2013\u2014_.,/]+")  # spaces, hyphens, dashes


def fold(text: str) -> str:
    """'José O\u2019Neil' -> 'jose oneil'."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = "".join(ch for ch in plain if ch not in _APOSTROPHES)
    return " ".join(_SEPARATORS.split(plain.casefold())).strip()


def name_tokens(*names: str) -> frozenset[str]:
    """Every word of the names, and each hyphenated or spaced name joined up."""
    tokens: set[str] = set()
    for name in names:
        folded = fold(name)
        words = [w for w in re.split(r"[^a-z0-9]+", folded) if w]
        tokens.update(words)
        if len(words) > 1:
            tokens.add("".join(words))
    return frozenset(tokens)
