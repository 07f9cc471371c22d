"""The call list: a patient who takes neither e-mail nor texts but agreed to calls gets
their reminders and notices as calls with a script; the caller records what came of
each; no answer comes back later, a few times; the runner never sends them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import col, select

from schedtui.core.messages.calls import CALL_TRIES, calls_due, record_call
from schedtui.core.schedule.appointment_changes import cancel, reschedule
from schedtui.core.support.errors import BadInput
from schedtui.core.views.work_queue import work_queue
from schedtui.data import models as m
from tests.test_messages import MONDAY, NOW, SUPERVISOR, Desk, desk, inbox  # noqa: F401

CALLER = 7  # a patient of the engine clinic with no e-mail (the fixture writes to 0-5)
PHONE = "+16175550142"


@pytest.fixture
def caller(desk: Desk) -> Desk:  # noqa: F811
    """Patient CALLER: a home phone and a yes to calls only."""
    with desk.store.write() as session:
        patient_id = desk.clinic.patients[CALLER]
        session.add(m.PatientPhone(patient_id=patient_id, number=PHONE, kind="home"))
        session.add(
            m.ContactConsent(patient_id=patient_id, channel="voice", granted=True, recorded_at=NOW)
        )
    return desk


def _calls(clinic_desk: Desk) -> list[m.Message]:
    return clinic_desk.messages(channel="voice")


def _moved_by_the_clinic(caller: Desk) -> m.Message:
    """Book Monday 9:00, then the clinic moves it to 11:00: the change call."""
    visit = caller.book(CALLER, 9)
    caller.run()
    reschedule(
        caller.store, SUPERVISOR, visit, caller.clinic.at(MONDAY, 11), now=NOW,
        settings=caller.settings, override_reason="self-pay", reason="prov",
    )  # fmt: skip
    caller.run()
    [change] = [c for c in _calls(caller) if c.kind == "change"]
    return change


def test_a_patient_who_takes_only_calls_gets_one_reminder_call_and_no_confirmation_call(
    caller: Desk,
) -> None:
    caller.book(CALLER, 9)  # Monday 9:00, booked Friday noon
    report = caller.run()
    [call] = _calls(caller)
    assert (call.kind, call.to_address, call.status) == ("reminder", PHONE, "queued")
    assert call.scheduled_for.astimezone(caller.clinic.zone).date() == MONDAY - timedelta(days=2)
    assert "Will you be able to come?" in call.body and "Amara Okafor" in call.body
    voicemail = call.body.splitlines()[-1]
    assert voicemail.startswith("On a voicemail, say only:")
    assert "Okafor" not in voicemail and "+16175550100" in voicemail
    assert report.sent == 0 and not report.unreachable  # the runner never sends a call
    caller.now = call.scheduled_for
    assert caller.run().sent == 0
    assert [c.status for c in _calls(caller)] == ["queued"]


def test_a_patient_with_e_mail_gets_no_calls_and_one_without_consent_gets_nothing(
    caller: Desk,
) -> None:
    with caller.store.write() as session:
        session.add(
            m.ContactConsent(
                patient_id=caller.clinic.patients[0], channel="voice", granted=True,
                recorded_at=NOW,
            )
        )  # fmt: skip
    caller.book(0, 9)  # e-mail and calls: e-mail only
    caller.book(8, 11)  # no consent at all
    caller.run()
    assert _calls(caller) == []


def test_a_move_puts_a_change_call_on_the_list_and_withdraws_the_old_reminder_call(
    caller: Desk,
) -> None:
    change = _moved_by_the_clinic(caller)
    by_kind = {(c.kind, c.status) for c in _calls(caller)}
    assert ("change", "queued") in by_kind and ("reminder", "cancelled") in by_kind
    assert "from Monday, March 9 at 9:00 AM EDT to Monday, March 9 at 11:00 AM EDT" in (
        change.body.replace("\n", " ")
    )
    with caller.store.read() as session:
        due = calls_due(session, NOW)
    assert [(row.id, row.kind, row.number) for row in due] == [(change.id, "change", PHONE)]
    assert due[0].patient_mrn and due[0].script == change.body


def test_no_answer_comes_back_later_and_is_given_up_after_the_tries(caller: Desk) -> None:
    change = _moved_by_the_clinic(caller)
    assert change.id is not None
    now = NOW
    for attempt in range(1, CALL_TRIES):
        said = record_call(caller.store, SUPERVISOR, change.id, "no-answer", now=now,
                           settings=caller.settings)  # fmt: skip
        assert said.startswith("on the list again at")
        with caller.store.read() as session:
            assert calls_due(session, now) == []  # not before its time
            again = calls_due(session, now + timedelta(hours=2))
        assert [(row.id, row.tries, row.last_outcome) for row in again] == [
            (change.id, attempt, "no-answer")
        ]
        now += timedelta(hours=2)
    said = record_call(caller.store, SUPERVISOR, change.id, "no-answer", now=now,
                       settings=caller.settings)  # fmt: skip
    assert said == f"given up: no answer after {CALL_TRIES} call(s)"
    [gone] = caller.messages(id=change.id)
    assert gone.status == "dead"
    with caller.store.read() as session:
        audited = session.exec(
            select(m.AuditEvent).where(col(m.AuditEvent.entity) == "message")
        ).all()
    assert len(audited) == CALL_TRIES and all('"no-answer"' in row.detail_json for row in audited)


@pytest.mark.parametrize(
    ("outcome", "status"),
    [("reached", "sent"), ("left-message", "sent"), ("declined", "sent"), ("wrong-number", "dead")],
)
def test_an_outcome_takes_the_call_off_the_list(caller: Desk, outcome: str, status: str) -> None:
    caller.book(CALLER, 9)
    caller.run()
    [call] = _calls(caller)
    assert call.id is not None
    at = call.scheduled_for
    record_call(caller.store, SUPERVISOR, call.id, outcome, now=at, settings=caller.settings)
    [done] = caller.messages(id=call.id)
    assert (done.status, done.call_outcome) == (status, outcome)
    with caller.store.read() as session:
        assert calls_due(session, at) == []
    with pytest.raises(BadInput, match=f"is {status}: it is off the call list"):
        record_call(caller.store, SUPERVISOR, call.id, "reached", now=at,
                    settings=caller.settings)  # fmt: skip


def test_a_bad_outcome_or_a_message_that_is_no_call_is_refused_and_changes_nothing(
    caller: Desk,
) -> None:
    caller.book(CALLER, 9)
    caller.book(0, 11)
    caller.run()
    [call] = _calls(caller)
    [mail] = caller.messages(channel="email", kind="confirmation")
    assert call.id is not None and mail.id is not None
    with pytest.raises(BadInput, match="--outcome 'answered': use one of reached"):
        record_call(caller.store, SUPERVISOR, call.id, "answered", now=NOW,
                    settings=caller.settings)  # fmt: skip
    with pytest.raises(BadInput, match=f"Message {mail.id} is not a call"):
        record_call(caller.store, SUPERVISOR, mail.id, "reached", now=NOW,
                    settings=caller.settings)  # fmt: skip
    [same] = caller.messages(id=call.id)
    assert (same.status, same.attempts, same.call_outcome) == ("queued", 0, "")


def test_a_call_about_a_visit_that_has_begun_is_left_off_and_calls_are_in_the_queue(
    caller: Desk,
) -> None:
    caller.book(CALLER, 9)
    caller.run()
    [call] = _calls(caller)
    due_at = call.scheduled_for
    queue = work_queue(caller.store, SUPERVISOR, now=due_at, zone=caller.clinic.zone)
    assert [(item.kind, item.item_id) for item in queue if item.kind == "call"] == [
        ("call", call.id)
    ]
    assert PHONE in next(item.what for item in queue if item.kind == "call")
    with caller.store.read() as session:
        assert calls_due(session, caller.clinic.at(MONDAY, 9)) == []


def test_a_move_or_cancellation_the_patient_asked_for_makes_no_call(caller: Desk) -> None:
    first = caller.book(CALLER, 9)
    second = caller.book(CALLER, 8)
    caller.run()
    reschedule(
        caller.store, SUPERVISOR, first, caller.clinic.at(MONDAY, 11), now=NOW,
        settings=caller.settings, override_reason="self-pay", reason="pat",
    )  # fmt: skip
    cancel(caller.store, SUPERVISOR, second, "pat-crs", now=NOW, settings=caller.settings)
    caller.run()
    assert {c.kind for c in _calls(caller)} == {"reminder"}
    cancel(
        caller.store,
        SUPERVISOR,
        caller.book(CALLER, 9, MONDAY + timedelta(days=1)),
        "prov",
        now=NOW,
        settings=caller.settings,
    )
    caller.run()
    assert "cancellation" in {c.kind for c in _calls(caller)}
