"""Nothing typed into the store breaks out of an X12 element: names become safe text,
ids that route the interchange are refused, and a property test over any text shows
the interchange keeps its shape.

Regression tests for a payer id `IJ~ST*999*X~` becoming segments of its own in the 270,
and an escape character in a provider name passing through.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schedtui.core.insurance.records import add_payer
from schedtui.core.security.access import Actor
from schedtui.core.support.errors import BadInput
from schedtui.core.x12.envelope import read_interchange
from schedtui.core.x12.tokens import ISA_LENGTH, Delimiters, X12Error, split_segments
from schedtui.core.x12.x270 import Envelope, Inquiry, Person, build_270
from schedtui.data.store import Store
from tests.builders import NOW

ODD = Delimiters(element="|", component=">", repetition="!", segment="'")
WHEN = datetime(2026, 3, 6, 9, 30, tzinfo=UTC)


def _inquiry(text: str, payer_id: str = "P1") -> Inquiry:
    return Inquiry(
        text, text, payer_id, text, "1234567893",
        Person(text, text, date(1961, 7, 4)), text or "M1", date(2026, 3, 9),
        dependent=Person(text, text, None),
    )  # fmt: skip


def _shape(text: str) -> list[tuple[str, int]]:
    _, segments = split_segments(text)
    return [(segment.id, len(segment.elements)) for segment in segments]


@pytest.mark.parametrize("delimiters", [Delimiters(), ODD])
@settings(max_examples=150, deadline=None)
@given(text=st.text(max_size=120))
def test_any_text_in_names_keeps_the_interchange_whole(delimiters: Delimiters, text: str) -> None:
    written = build_270(_inquiry(text), Envelope("SENDER", "P1", 7, WHEN), delimiters)
    plain = build_270(_inquiry("SMITH"), Envelope("SENDER", "P1", 7, WHEN), delimiters)
    assert _shape(written) == _shape(plain)  # the same segments, the same elements each
    assert written.isascii() and all(ch.isprintable() or ch == "\n" for ch in written)
    assert read_interchange(written).sets[0].kind == "270"


@settings(max_examples=150, deadline=None)
@given(payer_id=st.text(max_size=40))
def test_a_routing_id_is_written_as_it_is_or_refused(payer_id: str) -> None:
    try:
        written = build_270(_inquiry("SMITH", payer_id), Envelope("SENDER", payer_id, 7, WHEN))
    except X12Error as refused:
        assert "cannot stand in an X12 envelope" in str(refused)
        return
    isa = written.split("~")[0] + "~"
    assert len(isa) == ISA_LENGTH
    assert isa.split("*")[8].strip() == payer_id.strip().upper()
    assert _shape(written) == _shape(
        build_270(_inquiry("SMITH"), Envelope("SENDER", "P1", 7, WHEN))
    )


def test_the_payer_id_that_broke_out_is_refused() -> None:
    with pytest.raises(X12Error, match="cannot stand in an X12 envelope"):
        build_270(_inquiry("SMITH", "IJ~ST*999*X~"), Envelope("SENDER", "IJ~ST*999*X~", 7, WHEN))


def test_an_escape_in_a_provider_name_does_not_pass_through() -> None:
    inquiry = Inquiry(
        "T1", "PAYER", "P1", "Clinic\x1b]0;owned\x07 José", "1234567893",
        Person("Müller", "Zoë", None), "M1", date(2026, 3, 9),
    )  # fmt: skip
    written = build_270(inquiry, Envelope("SENDER", "P1", 7, WHEN))
    assert "\x1b" not in written and "\x07" not in written
    assert "CLINIC ]0;OWNED JOSE" in written and "MULLER*ZOE" in written


@pytest.mark.parametrize("payer_id", ["IJ~ST*999*X~", "ABC DEF", "A" * 16, "", "ÄBC", "AB\x1bC"])
def test_payers_add_refuses_an_id_that_cannot_address_an_interchange(
    sqlite_store: Store, payer_id: str
) -> None:
    with pytest.raises(BadInput):
        add_payer(
            sqlite_store, Actor(None, "sam", "supervisor"), name="Plan", x12_payer_id=payer_id,
            now=NOW,
        )  # fmt: skip


def test_payers_add_refuses_control_characters_in_the_name(sqlite_store: Store) -> None:
    with pytest.raises(BadInput, match="control characters"):
        add_payer(
            sqlite_store, Actor(None, "sam", "supervisor"), name="Plan\x1b[2J", x12_payer_id="P9",
            now=NOW,
        )  # fmt: skip
