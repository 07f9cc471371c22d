"""Reading what the scheduler typed: names, a date of birth in any spoken form, phone
digits, an MRN, in any order and mix ("garcia 3/4/61", "ann 4471", "march 4 61")."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from schedtui.core.patients.lookup.normalize import fold

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_DATE_SEPARATED = re.compile(r"^(\d{1,4})[/.\-](\d{1,2})[/.\-](\d{1,4})$")
_PHONEY = re.compile(r"^[+()\d.\-]+$")


@dataclass
class ParsedQuery:
    """The parts of a query."""

    names: list[str] = field(default_factory=list)
    birth_dates: set[date] = field(default_factory=set)
    phone_digits: str = ""
    tokens: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """Nothing to search for."""
        return not (self.names or self.birth_dates or self.phone_digits or self.tokens)


def _year(text: str, today: date) -> int | None:
    if len(text) == 4:
        return int(text)
    if len(text) == 2:
        value = int(text)
        return 2000 + value if 2000 + value <= today.year else 1900 + value
    return None


def _make(year: int | None, month: int, day: int, today: date) -> date | None:
    if year is None:
        return None
    try:
        found = date(year, month, day)
    except ValueError:
        return None
    return found if date(today.year - 125, 1, 1) <= found <= today else None


def dates_in(token: str, today: date) -> set[date]:
    """Every date of birth a token can mean (US order for slashes: month first)."""
    found: set[date | None] = set()
    match = _DATE_SEPARATED.match(token)
    if match:
        a, b, c = match.groups()
        if len(a) == 4:
            found.add(_make(int(a), int(b), int(c), today))
        else:
            found.add(_make(_year(c, today), int(a), int(b), today))
    elif token.isdigit() and len(token) == 8:
        found.add(_make(int(token[4:]), int(token[:2]), int(token[2:4]), today))
        found.add(_make(int(token[:4]), int(token[4:6]), int(token[6:]), today))
    elif token.isdigit() and len(token) == 6:
        found.add(_make(_year(token[4:], today), int(token[:2]), int(token[2:4]), today))
    return {d for d in found if d is not None}


def _spoken_date(words: list[str], start: int, today: date) -> tuple[date | None, int]:
    """'march 4 61' / 'mar 4, 1961' / '4 march 1961' starting at `start`; (date, words used)."""
    part = words[start : start + 3]
    if len(part) < 3:
        return None, 0
    for month_at, day_at in ((0, 1), (1, 0)):
        month = MONTHS.get(part[month_at].rstrip(","))
        day_text, year_text = part[day_at].rstrip(","), part[2].rstrip(",")
        if month and day_text.isdigit() and year_text.isdigit():
            return _make(_year(year_text, today), month, int(day_text), today), 3
    return None, 0


def parse_query(text: str, today: date) -> ParsedQuery:
    """Split a query into names, dates of birth, phone digits and other tokens (MRNs)."""
    parsed = ParsedQuery()
    words = [w for w in re.split(r"[\s,]+", text.strip().lower()) if w]
    phone_parts: list[str] = []
    index = 0
    while index < len(words):
        spoken, used = _spoken_date(words, index, today)
        if spoken is not None:
            parsed.birth_dates.add(spoken)
            index += used
            continue
        word = words[index]
        index += 1
        dates = dates_in(word, today)
        if dates:
            parsed.birth_dates |= dates
            if word.isdigit():
                parsed.tokens.append(word)  # 8 digits may also be an MRN
            continue
        if _PHONEY.match(word) and any(ch.isdigit() for ch in word):
            phone_parts.append(re.sub(r"\D", "", word))
            parsed.tokens.append(word.upper())
            continue
        if any(ch.isdigit() for ch in word):
            parsed.tokens.append(word.upper())
            continue
        folded = fold(word).replace(" ", "")
        if folded:
            parsed.names.append(folded)
    digits = "".join(phone_parts)
    if len(digits) >= 4:
        parsed.phone_digits = digits
    return parsed
