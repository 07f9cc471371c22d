"""Keeping the waitlist true: an entry removed with a reason, its wishes changed (the
same checks as when added), entries past their window expired; each audited before and
after; a removed or expired entry is never offered a time again; the shell commands."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlmodel import col, select

from schedtui.core.schedule.waitlist import OpenTime, WaitlistRequest, add_to_waitlist, offers_for
from schedtui.core.schedule.waitlist_upkeep import (
    WaitlistChange,
    change_waitlist,
    expire_lapsed,
    remove_from_waitlist,
)
from schedtui.core.support.errors import BadInput
from schedtui.data import models as m
from tests.cli_helpers import first_mrn
from tests.cli_helpers import run_and_read as _cli
from tests.test_cli_messages import db  # noqa: F401 (a fixture)
from tests.test_messages import MONDAY, NOW, SUPERVISOR, Desk, desk, inbox  # noqa: F401

TODAY = NOW.date()


def _wish(at: Desk, patient: int = 1, **given: object) -> int:
    request = WaitlistRequest(at.clinic.patients[patient], "FU", MONDAY, **given)  # type: ignore[arg-type]
    return add_to_waitlist(at.store, SUPERVISOR, request, now=NOW)


def _entry(at: Desk, entry_id: int) -> m.WaitlistEntry:
    with at.store.read() as session:
        found = session.get(m.WaitlistEntry, entry_id)
        assert found is not None
        return found


def _offered(at: Desk) -> list[int]:
    start = at.clinic.at(MONDAY, 9)
    opened = OpenTime(at.clinic.okafor, at.clinic.site, start, start + timedelta(minutes=20))
    with at.store.read() as session:
        return [offer.entry_id for offer in offers_for(session, opened, now=NOW)]


def _audited(at: Desk, entry_id: int) -> list[dict[str, object]]:
    with at.store.read() as session:
        rows = session.exec(
            select(m.AuditEvent).where(col(m.AuditEvent.entity) == "waitlist")
            .where(col(m.AuditEvent.entity_id) == str(entry_id))
            .where(col(m.AuditEvent.action) == "update")
        ).all()  # fmt: skip
    return [json.loads(row.detail_json) for row in rows]


def test_a_removed_entry_is_never_offered_again(desk: Desk) -> None:  # noqa: F811
    entry = _wish(desk)
    assert _offered(desk) == [entry]
    with pytest.raises(BadInput, match="reason for removing it is required"):
        remove_from_waitlist(desk.store, SUPERVISOR, entry, "  ", now=NOW)
    remove_from_waitlist(desk.store, SUPERVISOR, entry, "booked at another clinic", now=NOW)
    assert _entry(desk, entry).status == "removed" and _offered(desk) == []
    [said] = _audited(desk, entry)
    assert said["reason"] == "booked at another clinic"
    with pytest.raises(BadInput, match="is removed, not active"):
        remove_from_waitlist(desk.store, SUPERVISOR, entry, "again", now=NOW)


def test_changed_wishes_decide_the_offers(desk: Desk) -> None:  # noqa: F811
    entry = _wish(desk)
    change_waitlist(desk.store, SUPERVISOR, entry, WaitlistChange(day_part="afternoon"), now=NOW)
    assert _offered(desk) == []  # 9:00 is not the afternoon
    change_waitlist(desk.store, SUPERVISOR, entry, WaitlistChange(day_part="any", weekdays="0"),
                    now=NOW)  # fmt: skip
    assert _offered(desk) == [entry]
    first, second = _audited(desk, entry)
    assert first["before"]["day_part"] == "any" and first["after"]["day_part"] == "afternoon"  # type: ignore[index]
    assert second["after"]["weekdays"] == "0"  # type: ignore[index]


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (WaitlistChange(), "Say what changes"),
        (WaitlistChange(weekdays="79"), "Weekdays are digits"),
        (WaitlistChange(day_part="dusk"), "Day part 'dusk' is not one of"),
        (WaitlistChange(latest=date(2026, 3, 1)), "latest date is before the earliest"),
    ],
)
def test_a_bad_change_is_refused_and_nothing_changes(
    desk: Desk,  # noqa: F811
    change: WaitlistChange,
    said: str,
) -> None:
    entry = _wish(desk)
    before = _entry(desk, entry)
    with pytest.raises(BadInput, match=said):
        change_waitlist(desk.store, SUPERVISOR, entry, change, now=NOW)
    after = _entry(desk, entry)
    assert (after.weekdays, after.day_part, after.latest_date) == (
        before.weekdays, before.day_part, before.latest_date,
    )  # fmt: skip


def test_entries_past_their_window_expire(desk: Desk) -> None:  # noqa: F811
    lapsing = _wish(desk, latest=date(2026, 3, 10))
    lasting = _wish(desk, 2, latest=date(2026, 4, 30))
    assert expire_lapsed(desk.store, today=date(2026, 3, 10), now=NOW) == 0
    assert expire_lapsed(desk.store, today=date(2026, 3, 11), now=NOW) == 1
    assert (_entry(desk, lapsing).status, _entry(desk, lasting).status) == ("expired", "active")
    assert _audited(desk, lapsing)[0]["after"]["status"] == "expired"  # type: ignore[index]


def test_waitlist_upkeep_from_the_shell(
    db: str,  # noqa: F811 (the fixture)
    capsys: pytest.CaptureFixture[str],
) -> None:
    mrn = first_mrn(db)
    code, out, err = _cli(capsys, "waitlist", "add", "--patient", str(mrn), "--type", "FU",
                          "--from", "2026-03-09", "--json", "--db", db)  # fmt: skip
    assert code == 0, err
    entry = json.loads(out)["id"]
    code, out, err = _cli(capsys, "waitlist", "update", str(entry), "--part", "morning",
                          "--priority", "3", "--db", db)  # fmt: skip
    assert code == 0 and "updated" in out, err
    [listed] = json.loads(_cli(capsys, "waitlist", "list", "--json", "--db", db)[1])
    assert (listed["day_part"], listed["priority"]) == ("morning", 3)
    code, _, err = _cli(capsys, "waitlist", "update", str(entry), "--days", "9", "--db", db)
    assert code == 2 and "Weekdays are digits" in err
    code, out, _ = _cli(capsys, "waitlist", "remove", str(entry), "--reason", "no longer needed",
                        "--db", db)  # fmt: skip
    assert code == 0 and json.loads(_cli(capsys, "waitlist", "list", "--json", "--db", db)[1]) == []
    code, out, _ = _cli(capsys, "waitlist", "expire", "--db", db)
    assert code == 0 and "Expired 0 waitlist entries" in out
