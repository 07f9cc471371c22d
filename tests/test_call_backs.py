"""Call-backs and the one work queue: a call-back asked on a call (bad input refused,
nothing written) or by a patient's R reply; done once, with what came of it (an R's
texts answered too); the queue lists what is due now, most pressing first, and is an
audited view; the shell commands."""

from __future__ import annotations

import json
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import col, select

from schedtui.core.patients.call_backs import ask_call_back, call_back_done, open_call_backs
from schedtui.core.schedule.referrals import ReferralRequest, add_referral
from schedtui.core.support.errors import BadInput
from schedtui.core.views.work_queue import work_queue
from schedtui.data import models as m
from tests.cli_helpers import first_mrn
from tests.cli_helpers import run_and_read as _cli
from tests.test_cli_messages import db  # noqa: F401 (a fixture)
from tests.test_messages import NOW, SUPERVISOR, Desk, desk, inbox  # noqa: F401
from tests.test_replies import Phone, phone  # noqa: F401 (a fixture)
from tests.test_texting import FakeTwilio, texting, twilio  # noqa: F401 (fixtures)

ZONE = ZoneInfo("America/New_York")


def _mrn(at: Desk, patient: int = 0) -> str:
    with at.store.read() as session:
        found = session.get(m.Patient, at.clinic.patients[patient])
        assert found is not None
        return found.mrn


@pytest.mark.parametrize(
    ("about", "later", "said"),
    [("", 1, "is required"), ("x" * 301, 1, "at most 300"), ("results", -90, "already past")],
)
def test_a_bad_call_back_is_refused_and_nothing_is_written(
    desk: Desk,  # noqa: F811
    about: str,
    later: int,
    said: str,
) -> None:
    with pytest.raises(BadInput, match=said):
        ask_call_back(desk.store, SUPERVISOR, _mrn(desk), NOW + timedelta(minutes=later), about,
                      now=NOW)  # fmt: skip
    with desk.store.read() as session:
        assert open_call_backs(session) == []


def test_a_call_back_is_done_once(desk: Desk) -> None:  # noqa: F811
    made = ask_call_back(desk.store, SUPERVISOR, _mrn(desk), NOW + timedelta(hours=2),
                         "lab results", now=NOW)  # fmt: skip
    with desk.store.read() as session:
        assert [row.id for row in open_call_backs(session)] == [made]
        assert open_call_backs(session, due_by=NOW) == []  # not due yet
    call_back_done(desk.store, SUPERVISOR, made, "left a message", now=NOW)
    with pytest.raises(BadInput, match="already done"):
        call_back_done(desk.store, SUPERVISOR, made, "", now=NOW)
    with desk.store.read() as session:
        assert open_call_backs(session) == []


def test_an_r_reply_is_a_call_back_and_doing_it_answers_the_text(
    phone: tuple[Desk, Phone],  # noqa: F811
) -> None:
    at, patient = phone
    patient.text("R")
    with at.store.read() as session:
        [asked] = open_call_backs(session, due_by=NOW)
    assert asked.source == "text" and asked.patient_mrn == _mrn(at)
    call_back_done(at.store, SUPERVISOR, asked.id, "called, booked", now=NOW)
    with at.store.read() as session:
        [text] = session.exec(select(m.InboundMessage)).all()
    assert text.handled_at == NOW


def test_the_queue_puts_what_is_due_first_and_is_audited(desk: Desk) -> None:  # noqa: F811
    call = ask_call_back(desk.store, SUPERVISOR, _mrn(desk, 1), NOW, "about the bill", now=NOW)
    routine, urgent = (
        add_referral(desk.store, SUPERVISOR, ReferralRequest(_mrn(desk, n), "FU", urgency),
                     today=NOW.date(), now=NOW, settings=desk.settings)
        for n, urgency in ((2, "routine"), (3, "urgent"))
    )  # fmt: skip
    later = ask_call_back(desk.store, SUPERVISOR, _mrn(desk, 4), NOW + timedelta(days=1),
                          "not yet due", now=NOW)  # fmt: skip
    items = work_queue(desk.store, SUPERVISOR, now=NOW, zone=ZONE)
    assert [(i.kind, i.item_id) for i in items] == [
        ("call-back", call), ("referral", urgent), ("referral", routine),
    ]  # fmt: skip
    assert later not in [i.item_id for i in items if i.kind == "call-back"]
    with desk.store.read() as session:
        [seen] = session.exec(select(m.AuditEvent).where(col(m.AuditEvent.entity) == "queue"))
    assert set(json.loads(seen.detail_json)["patients"]) == {_mrn(desk, n) for n in (1, 2, 3)}


def test_call_backs_and_the_queue_from_the_shell(
    db: str,  # noqa: F811 (the fixture)
    capsys: pytest.CaptureFixture[str],
) -> None:
    mrn = first_mrn(db)
    code, out, err = _cli(capsys, "callbacks", "add", "--patient", mrn, "--about",
                          "her MRI results", "--json", "--db", db)  # fmt: skip
    assert code == 0, err
    made = json.loads(out)["id"]
    [item] = json.loads(_cli(capsys, "queue", "--json", "--db", db)[1])
    assert (item["kind"], item["item_id"], item["patient_mrn"]) == ("call-back", made, mrn)
    code, _, err = _cli(capsys, "callbacks", "add", "--patient", "NOPE", "--about", "x",
                        "--db", db)  # fmt: skip
    assert code == 2 and "no patient with MRN 'NOPE'" in err
    assert _cli(capsys, "callbacks", "done", str(made), "--outcome", "told her", "--db", db)[0] == 0
    assert "No call-backs waiting." in _cli(capsys, "callbacks", "list", "--db", db)[1]
    assert "Nothing is due." in _cli(capsys, "queue", "--db", db)[1]
