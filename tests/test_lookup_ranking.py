"""The streamed top rows are exactly the rows that scoring every patient would give."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from schedtui.core.patients.lookup.index import Entry, PatientIndex, _everyone_in
from schedtui.core.patients.lookup.normalize import name_tokens
from schedtui.core.patients.lookup.query import parse_query
from schedtui.core.patients.lookup.ranking import best_of, stream_best

FIRSTS = ["robert", "bob", "roberta", "rob", "mary", "marie", "maria", "mark", "ann", "anna"]
LASTS = ["smith", "smyth", "smithers", "garcia", "garza", "marsh", "martin", "ma", "mann"]

people = st.lists(st.tuples(st.sampled_from(FIRSTS), st.sampled_from(LASTS)), max_size=60)
fragments = st.lists(
    st.sampled_from(FIRSTS + LASTS).flatmap(lambda n: st.integers(1, len(n)).map(lambda k: n[:k])),
    min_size=1,
    max_size=2,
)


def _index(names: list[tuple[str, str]]) -> PatientIndex:
    """Half loaded in bulk, the rest added after (kept in order one by one), one removed."""
    index = PatientIndex()
    for number, (first, last) in enumerate(names, start=1):
        if number == len(names) // 2 + 1:
            index.finish_loading()
        tokens = tuple(sorted(name_tokens(first) | name_tokens(last)))
        index.add(Entry(number, first, last, date(1970, 1, 1), "", tokens))
    if len(names) < 2:
        index.finish_loading()
    index.remove(len(names) // 3)
    return index


@settings(max_examples=300, deadline=None)
@given(people, fragments, st.integers(1, 8), st.booleans())
def test_streamed_top_rows_equal_scoring_everyone(
    names: list[tuple[str, str]], typed: list[str], limit: int, typos: bool
) -> None:
    index = _index(names)
    query = parse_query(" ".join(typed), date(2026, 11, 27))
    terms = [(term, index.tiers(term, typos=typos)) for term in query.names]
    streamed = stream_best(terms, index.rank, limit)
    everyone = best_of(set(index.entries), terms, 0.0, index.rank, limit)
    assert streamed == everyone
    if terms:
        fitting = set.intersection(*(_everyone_in(tiers) for _, tiers in terms))
        assert stream_best(terms, index.rank, limit, fitting) == everyone


def test_ties_are_broken_by_name_then_id() -> None:
    people = [("zed", "zed"), ("mary", "smith"), ("ann", "smith"), ("ann", "smith")]
    index = _index([*people, ("bob", "garcia"), ("al", "smith")])  # 2 (mary) is removed
    query = parse_query("smith", date(2026, 11, 27))
    assert [e.patient_id for e, _, _ in index.search(query)] == [6, 3, 4]
