"""Amounts are shown from integer cents, never through a float."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schedtui.core.insurance.money import dollars, typed_cents
from schedtui.core.support.errors import BadInput


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


@given(st.integers(min_value=1, max_value=10**11))
def test_what_is_shown_is_read_back_to_the_cent(cents: int) -> None:
    assert typed_cents(dollars(cents), "The amount", most_cents=10**11) == cents


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("1e5", "not an amount like 25.00"),  # scientific notation is not how people type money
        ("1_000", "not an amount like 25.00"),
        ("٣", "not an amount like 25.00"),  # only 0-9 (other scripts' digits are refused)
        ("NaN", "not an amount like 25.00"),
        ("9" * 40, "is more than $1,000.00"),  # refused before it is rounded to cents
        ("0", "must be more than zero"),
        ("2.505", "more than two decimals"),
    ],
)
def test_an_amount_people_would_not_type_is_refused_by_name(typed: str, said: str) -> None:
    with pytest.raises(BadInput, match=re.escape(said)):
        typed_cents(typed, "The copay", most_cents=1_000_00)
