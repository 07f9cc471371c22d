"""Amounts are shown from integer cents, never through a float."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from schedtui.core.insurance.money import dollars


def test_dollars_reads_like_a_statement() -> None:
    assert [dollars(c) for c in (0, 5, 123405, 100_000_000_01, -250)] == [
        "$0.00",
        "$0.05",
        "$1,234.05",
        "$100,000,000.01",
        "-$2.50",
    ]


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_dollars_round_trips_exactly(cents: int) -> None:
    shown = dollars(cents)
    digits = shown.replace("$", "").replace(",", "").replace(".", "")
    assert int(digits) == cents
