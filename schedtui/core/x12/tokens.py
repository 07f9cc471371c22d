"""Splitting an X12 interchange into segments, with the delimiters its ISA declares."""

from __future__ import annotations

from dataclasses import dataclass

ISA_LENGTH = 106  # ISA is fixed width: 105 characters and the segment terminator


class X12Error(Exception):
    """The file is not a well-formed X12 interchange; the message names file and segment."""


@dataclass(frozen=True)
class Delimiters:
    """The four separators of an interchange."""

    element: str = "*"
    component: str = ":"
    repetition: str = "^"
    segment: str = "~"


@dataclass(frozen=True)
class Segment:
    """One segment: its id, its elements (1-based like the X12 guides), where it was."""

    elements: tuple[str, ...]
    number: int

    @property
    def id(self) -> str:
        """The segment id, e.g. 'EB'."""
        return self.elements[0]

    def get(self, position: int) -> str:
        """Element `position` (EB03 is get(3)); empty when absent."""
        return self.elements[position] if position < len(self.elements) else ""

    def label(self) -> str:
        """'segment 12 (EB)', for messages."""
        return f"segment {self.number} ({self.id})"


def delimiters_of(text: str) -> Delimiters:
    """Read the delimiters from the ISA segment at the start of `text`."""
    stripped = text.lstrip("\ufeff \r\n\t")
    if not stripped.startswith("ISA"):
        raise X12Error("does not start with an ISA segment")
    if len(stripped) < ISA_LENGTH:
        raise X12Error("the ISA segment is cut short")
    element = stripped[3]
    fields = stripped[: ISA_LENGTH - 1].split(element)
    if len(fields) != 17:
        raise X12Error(f"the ISA segment has {len(fields) - 1} elements, not 16")
    return Delimiters(
        element=element,
        component=stripped[ISA_LENGTH - 2],
        repetition=fields[11],
        segment=stripped[ISA_LENGTH - 1],
    )


def split_segments(text: str) -> tuple[Delimiters, list[Segment]]:
    """The interchange's delimiters and its segments (whitespace between segments ignored)."""
    stripped = text.lstrip("\ufeff \r\n\t")
    found = delimiters_of(stripped)
    segments: list[Segment] = []
    for raw in stripped.split(found.segment):
        raw = raw.strip("\r\n")
        if not raw.strip():
            continue
        segments.append(Segment(tuple(raw.split(found.element)), len(segments) + 1))
    return found, segments
