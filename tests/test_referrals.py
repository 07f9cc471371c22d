"""Referrals and orders as a worklist: added with a book-by day from their urgency (bad
input refused with nothing written); a booking of that type links the referral, the visit
seen completes it, a cancellation puts it back, a move carries it to the new visit; calls
are recorded and three unanswered ones write to the patient; the list shows what is
still to book and what is overdue; the shell commands and their audit."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlmodel import col, select

from schedtui.core.schedule.appointment_changes import cancel, change_status, reschedule
from schedtui.core.schedule.readback import read_back
from schedtui.core.schedule.referrals import (
    ReferralRequest,
    add_referral,
    close_referral,
    record_contact,
    referral_rows,
)
from schedtui.core.schedule.slots import Slot
from schedtui.core.support.errors import BadInput
from schedtui.core.upkeep.stores import open_store
from schedtui.data import models as m
from tests.cli_helpers import first_mrn
from tests.cli_helpers import run_and_read as _cli
from tests.test_cli_messages import db  # noqa: F401 (a fixture)
from tests.test_messages import MONDAY, NOW, SUPERVISOR, Desk, _text, desk, inbox  # noqa: F401

TODAY = NOW.date()  # Friday, March 6


def _mrn(at: Desk, patient: int) -> str:
    with at.store.read() as session:
        found = session.get(m.Patient, at.clinic.patients[patient])
        assert found is not None
        return found.mrn


def _add(at: Desk, patient: int = 0, **given: object) -> int:
    request = ReferralRequest(_mrn(at, patient), "FU", referring_name="Dr. Helen Park",
                              **given)  # type: ignore[arg-type]  # fmt: skip
    return add_referral(at.store, SUPERVISOR, request, today=TODAY, now=NOW, settings=at.settings)


def _referral(at: Desk, referral_id: int) -> m.Referral:
    with at.store.read() as session:
        found = session.get(m.Referral, referral_id)
        assert found is not None
        return found


def _count(at: Desk) -> int:
    with at.store.read() as session:
        return len(session.exec(select(m.Referral.id)).all())


def test_the_book_by_day_follows_the_urgency(desk: Desk) -> None:  # noqa: F811
    routine, soon, urgent = _add(desk), _add(desk, urgency="soon"), _add(desk, urgency="urgent")
    assert _referral(desk, routine).due_on == TODAY + timedelta(days=30)
    assert _referral(desk, soon).due_on == TODAY + timedelta(days=14)
    assert _referral(desk, urgent).due_on == TODAY + timedelta(days=3)
    assert _referral(desk, urgent).status == "new"
    given = _add(desk, due=date(2026, 3, 20))
    assert _referral(desk, given).due_on == date(2026, 3, 20)


@pytest.mark.parametrize(
    ("given", "said"),
    [
        ({"due": date(2026, 3, 1)}, "already past"),
        ({"urgency": "asap"}, "--urgency 'asap' is not one of urgent, soon, routine"),
        ({"referring_npi": "12345"}, "not an NPI"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(
    desk: Desk,  # noqa: F811
    given: dict[str, object],
    said: str,
) -> None:
    with pytest.raises(BadInput, match=said):
        _add(desk, **given)
    assert _count(desk) == 0


def test_an_unknown_patient_or_visit_type_is_refused(desk: Desk) -> None:  # noqa: F811
    with pytest.raises(BadInput, match="no patient with MRN 'NOPE'"):
        add_referral(desk.store, SUPERVISOR, ReferralRequest("NOPE", "FU"), today=TODAY, now=NOW,
                     settings=desk.settings)  # fmt: skip
    with pytest.raises(BadInput, match="'XRAY' is not a visit type"):
        add_referral(desk.store, SUPERVISOR, ReferralRequest(_mrn(desk, 0), "XRAY"), today=TODAY,
                     now=NOW, settings=desk.settings)  # fmt: skip
    assert _count(desk) == 0


def test_a_booking_links_the_referral_and_the_visit_completes_it(desk: Desk) -> None:  # noqa: F811
    referral = _add(desk)
    visit = desk.book(0, 9)
    with desk.store.read() as session:
        booked = session.get(m.Appointment, visit)
        assert booked is not None and booked.referral_id == referral
    assert _referral(desk, referral).status == "scheduled"
    assert not referral_rows_now(desk)  # off the list to book
    seen_at = desk.clinic.at(MONDAY, 9, 5)
    for status in ("arrived", "fulfilled"):
        change_status(desk.store, SUPERVISOR, visit, status, now=seen_at)
    assert _referral(desk, referral).status == "completed"


def referral_rows_now(at: Desk, **given: object) -> list[object]:
    with at.store.read() as session:
        return list(referral_rows(session, today=TODAY, **given))  # type: ignore[arg-type]


def test_a_cancellation_puts_it_back_and_a_move_carries_it(desk: Desk) -> None:  # noqa: F811
    referral = _add(desk)
    visit = desk.book(0, 9)
    moved = reschedule(desk.store, SUPERVISOR, visit, desk.clinic.at(MONDAY, 11), now=NOW,
                       settings=desk.settings, override_reason="self-pay").new_id  # fmt: skip
    with desk.store.read() as session:
        new = session.get(m.Appointment, moved)
        assert new is not None and new.referral_id == referral
    assert _referral(desk, referral).status == "scheduled"
    cancel(desk.store, SUPERVISOR, moved, "pat", now=NOW, settings=desk.settings)
    assert _referral(desk, referral).status == "new"
    assert [row.id for row in referral_rows_now(desk)] == [referral]  # type: ignore[attr-defined]


def test_three_unanswered_calls_write_to_the_patient(desk: Desk) -> None:  # noqa: F811
    referral = _add(desk)
    for outcome in ("no-answer", "left-message"):
        assert record_contact(desk.store, SUPERVISOR, referral, outcome, "", now=NOW) == "contacted"
    desk.run()
    assert not desk.messages(kind="referral")
    record_contact(desk.store, SUPERVISOR, referral, "no-answer", "third try", now=NOW)
    desk.run()
    [letter] = desk.messages(kind="referral")
    assert letter.channel == "email" and letter.status == "sent"
    [mail] = [
        m_ for m_ in desk.inbox.received if m_["Subject"] == "Please call us to book your visit"
    ]
    said = _text(mail)
    assert "+16175550100" in said and "Follow-up" not in said and "Park" not in said
    [row] = referral_rows_now(desk)
    assert (row.contacts, row.last_outcome) == (3, "no-answer")  # type: ignore[attr-defined]


def test_a_declined_or_closed_referral_leaves_the_list(desk: Desk) -> None:  # noqa: F811
    declined, closed = _add(desk), _add(desk, 1)
    assert record_contact(desk.store, SUPERVISOR, declined, "declined", "", now=NOW) == "closed"
    with pytest.raises(BadInput, match="--reason is needed"):
        close_referral(desk.store, SUPERVISOR, closed, " ", now=NOW)
    close_referral(desk.store, SUPERVISOR, closed, "booked elsewhere", now=NOW)
    assert _referral(desk, closed).close_reason == "booked elsewhere"
    assert not referral_rows_now(desk)
    with pytest.raises(BadInput, match="is closed: it cannot have a call recorded"):
        record_contact(desk.store, SUPERVISOR, closed, "reached", "", now=NOW)


def test_the_overdue_view(desk: Desk) -> None:  # noqa: F811
    urgent = _add(desk, urgency="urgent")
    _add(desk, 1)
    with desk.store.read() as session:
        later = TODAY + timedelta(days=4)
        overdue = referral_rows(session, today=later, overdue=True)
    assert [row.id for row in overdue] == [urgent]


def test_referrals_from_the_shell(
    db: str,  # noqa: F811 (the fixture)
    capsys: pytest.CaptureFixture[str],
) -> None:
    mrn = first_mrn(db)
    code, out, err = _cli(capsys, "referrals", "add", "--patient", str(mrn), "--type", "FU",
                          "--urgency", "soon", "--from", "Dr. Helen Park", "--json",
                          "--db", db)  # fmt: skip
    assert code == 0, err
    added = json.loads(out)
    assert added["due"] == "2026-03-20" and added["status"] == "new"
    code, out, _ = _cli(capsys, "referrals", "list", "--json", "--db", db)
    [listed] = json.loads(out)
    assert {"id", "patient_mrn", "type_code", "due", "status", "appointment_id"} <= set(listed)
    code, out, _ = _cli(capsys, "referrals", "contact", str(added["id"]), "--outcome",
                        "no-answer", "--db", db)  # fmt: skip
    assert code == 0 and "it is contacted" in out
    code, _, err = _cli(capsys, "referrals", "add", "--patient", str(mrn), "--type", "FU",
                        "--due", "2026-01-02", "--db", db)  # fmt: skip
    assert code == 2 and "already past" in err
    code, out, _ = _cli(capsys, "referrals", "close", str(added["id"]), "--reason",
                        "seen at another clinic", "--db", db)  # fmt: skip
    assert code == 0
    assert "No referrals to book." in _cli(capsys, "referrals", "list", "--db", db)[1]


def test_the_list_is_audited(db: str, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: F811
    _cli(capsys, "referrals", "list", "--db", db)
    store = open_store(db, now=NOW).store
    with store.read() as session:
        seen = session.exec(
            select(m.AuditEvent).where(col(m.AuditEvent.entity) == "referral")
        ).all()
    store.dispose()
    assert [event.action for event in seen] == ["view"]


def test_the_read_back_says_which_referral_the_visit_answers(desk: Desk) -> None:  # noqa: F811
    _add(desk, due=date(2026, 3, 20))
    start = desk.clinic.at(MONDAY, 9)
    slot = Slot(desk.clinic.okafor, desk.clinic.site, start, start + timedelta(minutes=20), "FU",
                "in-person", ())  # fmt: skip
    said = read_back(desk.store, slot, desk.clinic.patients[0], now=NOW, settings=desk.settings)
    assert "for the referral from Dr. Helen Park, due Mar 20" in said.lines
    other = read_back(desk.store, slot, desk.clinic.patients[1], now=NOW, settings=desk.settings)
    assert not any("referral" in line for line in other.lines)
