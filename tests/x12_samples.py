"""Helpers to restyle the shared X12 samples and to write our own 271 variants."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from schedtui.core.x12.tokens import Delimiters, split_segments

FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "x12"


#: CI sets this: there the shared samples must be present, and a missing one fails.
REQUIRE_ENV = "SCHEDTUI_REQUIRE_FIXTURES"


def sample(name: str) -> str:
    """A shared sample, read where it lies (never copied into the project). A clone
    without ../shared skips the test that needs it, saying so; CI requires them."""
    path = FIXTURES / name
    if not path.is_file():
        reason = f"the shared X12 samples are not at {FIXTURES} (a clone without ../shared)"
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(f"{reason}, but {REQUIRE_ENV}=1")
        pytest.skip(reason)
    return path.read_text(encoding="ascii")


def restyle(text: str, new: Delimiters, *, line_break: str = "") -> str:
    """The same interchange written with other delimiters (and line breaks)."""
    old, segments = split_segments(text)
    lines = []
    for segment in segments:
        elements = list(segment.elements)
        if segment.id == "ISA":
            elements[11], elements[16] = new.repetition, new.component
        else:
            elements = [
                e.replace(old.repetition, new.repetition).replace(old.component, new.component)
                for e in elements
            ]
        lines.append(new.element.join(elements))
    end = new.segment + line_break
    return end.join(lines) + end


def interchange(body: list[str], *, kind: str = "271") -> str:
    """Wrap ST..SE body segments ('*' and '~' style, without ST/SE) in correct envelopes."""
    isa = (
        "ISA*00*          *00*          *ZZ*PAYER          *ZZ*SCHEDTUI       *260306*1700*^"
        "*00501*000000077*0*T*:"
    )
    segments = [
        isa,
        "GS*HB*PAYER*SCHEDTUI*20260306*1700*77*X*005010X279A1",
        f"ST*{kind}*0001*005010X279A1",
        *body,
        f"SE*{len(body) + 2}*0001",
        "GE*1*77",
        "IEA*1*000000077",
    ]
    return "~\n".join(segments) + "~\n"


def answer_body(
    trace: str,
    *,
    subscriber: str = "SMITH*ANN",
    member: str = "B123456789",
    benefits: tuple[str, ...] = ("EB*1**30**SILVER PLAN",),
    extra: tuple[str, ...] = (),
) -> list[str]:
    """One subscriber's answer, echoing our trace."""
    return [
        "BHT*0022*11*" + trace + "*20260306*1700",
        "HL*1**20*1",
        "NM1*PR*2*BLUEBIRD HEALTH PLAN*****PI*BBHP01",
        "HL*2*1*21*1",
        "NM1*1P*2*DOWNTOWN CLINIC*****XX*1234567893",
        "HL*3*2*22*0",
        f"TRN*2*{trace}*9SCHEDTUI0",
        f"NM1*IL*1*{subscriber}****MI*{member}",
        "DMG*D8*19610101",
        *extra,
        *benefits,
    ]
