"""Interchange (ISA/IEA), group (GS/GE) and transaction set (ST/SE) envelopes: checked counts."""

from __future__ import annotations

from dataclasses import dataclass, field

from schedtui.core.x12.tokens import Delimiters, Segment, X12Error, split_segments


@dataclass
class TransactionSet:
    """One ST..SE transaction set."""

    kind: str
    control: str
    segments: list[Segment]


@dataclass
class Interchange:
    """A parsed interchange: its sets, and anything odd that did not stop the reading."""

    delimiters: Delimiters
    control: str
    sets: list[TransactionSet] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _expect(segment: Segment, id_: str) -> None:
    if segment.id != id_:
        raise X12Error(f"expected {id_} at {segment.label()}")


def _count(value: str, segment: Segment, what: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise X12Error(f"{segment.label()}: {what} '{value}' is not a number") from None


def read_interchange(text: str) -> Interchange:
    """Split and check an interchange; raise `X12Error` on broken envelopes or counts.

    A trailer's control number that differs from its header's is recorded as a warning
    (seen in real files), a wrong count is an error.
    """
    delimiters, segments = split_segments(text)
    if not segments:
        raise X12Error("is empty")
    if any(segment.id == "TA1" for segment in segments):
        raise X12Error("is an interchange acknowledgement (TA1), not a 271")
    isa, iea = segments[0], segments[-1]
    _expect(isa, "ISA")
    if iea.id != "IEA":
        raise X12Error(f"is cut short: it ends at {iea.label()}, without IEA")
    interchange = Interchange(delimiters, isa.get(13))
    groups = _groups(segments[1:-1], interchange)
    if _count(iea.get(1), iea, "the group count") != groups:
        raise X12Error(f"{iea.label()}: says {iea.get(1)} groups, the file has {groups}")
    if iea.get(2) != isa.get(13):
        interchange.warnings.append(f"IEA02 {iea.get(2)} does not match ISA13 {isa.get(13)}")
    return interchange


def _groups(segments: list[Segment], interchange: Interchange) -> int:
    groups, index = 0, 0
    while index < len(segments):
        gs = segments[index]
        _expect(gs, "GS")
        end = next((i for i in range(index + 1, len(segments)) if segments[i].id == "GE"), None)
        if end is None:
            raise X12Error(f"{gs.label()}: the group has no GE (the file is cut short)")
        sets = _sets(segments[index + 1 : end], interchange)
        ge = segments[end]
        if _count(ge.get(1), ge, "the set count") != sets:
            raise X12Error(f"{ge.label()}: says {ge.get(1)} transaction sets, the group has {sets}")
        if ge.get(2) != gs.get(6):
            interchange.warnings.append(f"GE02 {ge.get(2)} does not match GS06 {gs.get(6)}")
        groups += 1
        index = end + 1
    return groups


def _sets(segments: list[Segment], interchange: Interchange) -> int:
    count, index = 0, 0
    while index < len(segments):
        st = segments[index]
        _expect(st, "ST")
        end = next((i for i in range(index + 1, len(segments)) if segments[i].id == "SE"), None)
        if end is None:
            raise X12Error(f"{st.label()}: the transaction set has no SE (cut short)")
        se = segments[end]
        included = end - index + 1
        if _count(se.get(1), se, "the segment count") != included:
            raise X12Error(f"{se.label()}: says {se.get(1)} segments, the set has {included}")
        if se.get(2) != st.get(2):
            interchange.warnings.append(f"SE02 {se.get(2)} does not match ST02 {st.get(2)}")
        interchange.sets.append(TransactionSet(st.get(1), st.get(2), segments[index : end + 1]))
        count += 1
        index = end + 1
    return count
