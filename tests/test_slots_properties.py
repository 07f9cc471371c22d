"""Properties of the next-available search, checked against the clinic's rules read plainly
(local wall times), across the DST weeks of New York and Denver."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schedtui.core.schedule.booking import BookingRequest, hold_slot
from schedtui.core.schedule.slots import SlotRequest, find_open_slots
from schedtui.core.security.access import Actor
from schedtui.core.upkeep.stores import open_store
from schedtui.data.store import Store
from schedtui.settings import load_settings
from tests.builders import book_self_pay
from tests.engine_clinic import EngineClinic, build_engine_clinic

NOW = datetime(2026, 2, 27, 12, 0, tzinfo=UTC)
ACTOR = Actor(None, "ava", "scheduler")
DST_WEEKS = [date(2026, 3, 2), date(2026, 10, 26)]  # US DST starts Mar 8, ends Nov 1, 2026


def _busy_clinic(
    path: Path, zone: str
) -> tuple[Store, EngineClinic, list[tuple[datetime, datetime, int]]]:
    store = open_store(str(path), now=NOW).store
    clinic = build_engine_clinic(store, zone, closed_on=date(2026, 3, 10))
    taken: list[tuple[datetime, datetime, int]] = []
    for week in DST_WEEKS:
        for offset, hour, minute in ((0, 8, 0), (1, 9, 40), (7, 8, 20), (9, 11, 0)):
            day = week + timedelta(days=offset)
            request = BookingRequest(
                clinic.patients[offset % 5], clinic.okafor, "FU", clinic.at(day, hour, minute)
            )
            book_self_pay(store, ACTOR, request, now=NOW)
            taken.append((request.start, request.start + timedelta(minutes=20), clinic.okafor))
        monday = week + timedelta(days=7)
        scan = BookingRequest(clinic.patients[6], clinic.okafor, "MRI", clinic.at(monday, 10, 30))
        book_self_pay(store, ACTOR, scan, now=NOW)
        taken.append((scan.start, scan.start + timedelta(minutes=60), clinic.okafor))
        held = BookingRequest(clinic.patients[7], clinic.ortega, "FU", clinic.at(monday, 14))
        hold_slot(store, ACTOR, held, now=NOW, settings=load_settings(hold_minutes=60))
        taken.append((held.start, held.start + timedelta(minutes=20), clinic.ortega))
    return store, clinic, taken


@pytest.fixture(scope="module", params=["America/New_York", "America/Denver"])
def busy(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    path = tmp_path_factory.mktemp("props") / "clinic.db"
    return _busy_clinic(path, request.param)


def _allowed_by_the_rules(
    clinic: EngineClinic, provider: int, start: datetime, end: datetime, code: str
) -> None:
    local_start, local_end = start.astimezone(clinic.zone), end.astimezone(clinic.zone)
    day = local_start.date()
    assert local_end.date() == day
    assert day != clinic.closed_on, "offered on a closed day"
    if provider == clinic.okafor:
        assert day.weekday() < 5
        assert time(8) <= local_start.time() and local_end.time() <= time(12)
        admin = (
            datetime.combine(day, time(10), tzinfo=clinic.zone),
            datetime.combine(day, time(10, 30), tzinfo=clinic.zone),
        )
        assert not (start < admin[1] and admin[0] < end), "offered over the admin block"
        grid_from = datetime.combine(day, time(8), tzinfo=clinic.zone)
    else:
        assert code == "FU", "Ortega's block does not take MRI"
        assert day.weekday() in (0, 2)
        assert time(13) <= local_start.time() and local_end.time() <= time(17)
        grid_from = datetime.combine(day, time(13), tzinfo=clinic.zone)
    assert (start - grid_from) % timedelta(minutes=5) == timedelta(0)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    week=st.sampled_from(DST_WEEKS),
    offset=st.integers(0, 13),
    span=st.integers(0, 6),
    code=st.sampled_from(["FU", "MRI"]),
    day_part=st.sampled_from(["any", "morning", "afternoon"]),
    ranking=st.sampled_from(["earliest", "spread"]),
)
def test_no_offered_slot_breaks_a_rule(
    busy: tuple[Store, EngineClinic, list[tuple[datetime, datetime, int]]],
    week: date,
    offset: int,
    span: int,
    code: str,
    day_part: str,
    ranking: str,
) -> None:
    store, clinic, taken = busy
    first = week + timedelta(days=offset)
    request = SlotRequest(
        code,
        after=first,
        before=first + timedelta(days=span),
        limit=25,
        day_part=day_part,
        ranking=ranking,
    )
    with store.read() as session:
        slots = find_open_slots(session, request, now=NOW)
    for slot in slots:
        _allowed_by_the_rules(clinic, slot.provider_id, slot.start, slot.end, slot.type_code)
        assert first <= slot.start.astimezone(clinic.zone).date() <= request.before  # type: ignore[operator]
        for start, end, provider in taken:
            assert not (provider == slot.provider_id and slot.start < end and start < slot.end)
        if day_part == "morning":
            assert slot.start.astimezone(clinic.zone).time() < time(12)
    starts = [(s.provider_id, s.start) for s in slots]
    assert len(starts) == len(set(starts))
    if ranking == "earliest":
        assert [s.start for s in slots] == sorted(s.start for s in slots)


def test_local_hours_hold_across_the_dst_change(
    busy: tuple[Store, EngineClinic, list[tuple[datetime, datetime, int]]],
) -> None:
    store, clinic, _ = busy
    request = SlotRequest(
        "FU",
        provider_ids=(clinic.okafor,),
        after=date(2026, 3, 6),
        before=date(2026, 3, 9),
        limit=200,
    )
    with store.read() as session:
        slots = find_open_slots(session, request, now=NOW)
    firsts = {}
    for slot in slots:
        firsts.setdefault(slot.start.astimezone(clinic.zone).date(), slot.start)
    friday, monday = firsts[date(2026, 3, 6)], firsts[date(2026, 3, 9)]
    assert friday.astimezone(clinic.zone).time() == monday.astimezone(clinic.zone).time() == time(8)
    assert friday.utcoffset() == monday.utcoffset() == timedelta(0)
    assert (friday.hour, monday.hour) in ((13, 12), (15, 14))  # EST->EDT or MST->MDT


@pytest.fixture(scope="module")
def busy_denver_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, EngineClinic]:
    """The busy Denver clinic built once; each example books on its own copy."""
    path = tmp_path_factory.mktemp("bookable") / "c.db"
    store, clinic, _ = _busy_clinic(path, "America/Denver")
    store.dispose()
    return path, clinic


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(offset=st.integers(0, 13), code=st.sampled_from(["FU", "MRI"]))
def test_every_offered_slot_can_be_booked(
    tmp_path_factory: pytest.TempPathFactory,
    busy_denver_file: tuple[Path, EngineClinic],
    offset: int,
    code: str,
) -> None:
    built, clinic = busy_denver_file
    copy = tmp_path_factory.mktemp("bookable") / "c.db"
    shutil.copyfile(built, copy)
    store = open_store(str(copy), now=NOW).store
    first = DST_WEEKS[0] + timedelta(days=offset)
    request = SlotRequest(code, after=first, before=first + timedelta(days=2), limit=3)
    with store.read() as session:
        slots = find_open_slots(session, request, now=NOW)
    for number, slot in enumerate(slots):
        book_self_pay(
            store,
            ACTOR,
            BookingRequest(clinic.patients[8 + number], slot.provider_id, code, slot.start),
            now=NOW,
        )
    store.dispose()
