"""Escalations and complaints: an escalation goes to a team with the time its priority
allows and tops the work queue until resolved; emergency words bring the clinic's
script; a complaint is recorded, goes to management and is resolved by a supervisor;
wrong input is named and nothing is written; every list is an audited view."""

from __future__ import annotations

import json
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import col, select

from schedtui.app import SchedApp
from schedtui.core.patients.call_backs import ask_call_back
from schedtui.core.patients.cases import (
    complaint_rows,
    escalate_complaint,
    open_escalations,
    raise_escalation,
    record_complaint,
    red_flags,
    resolve_complaint,
    resolve_escalation,
)
from schedtui.core.security.access import PermissionDenied
from schedtui.core.support.errors import BadInput
from schedtui.core.views.work_queue import work_queue
from schedtui.data import models as m
from schedtui.data.store import Store
from tests.app_helpers import call_app, settle
from tests.builders import NOW, Staff, add_staff, build_tiny_clinic
from tests.cli_helpers import first_mrn
from tests.cli_helpers import run_and_read as _cli
from tests.test_cli_messages import db  # noqa: F401 (the fixture)

ZONE = ZoneInfo("America/New_York")


@pytest.fixture
def staff(any_store: Store) -> Staff:
    build_tiny_clinic(any_store)
    return add_staff(any_store)


def test_an_escalation_tops_the_queue_until_it_is_resolved(any_store: Store, staff: Staff) -> None:
    ask_call_back(any_store, staff.scheduler, "MRN0002", NOW - timedelta(hours=3), "bill",
                  now=NOW - timedelta(hours=4))  # fmt: skip
    made = raise_escalation(any_store, staff.scheduler, "MRN0001", "worse cough, fever 39",
                            priority="urgent", team="Nursing", now=NOW)  # fmt: skip
    with any_store.read() as session:
        [row] = open_escalations(session)
    assert (row.id, row.priority, row.team, row.answer_by) == (
        made, "urgent", "nursing", NOW + timedelta(hours=1),
    )  # fmt: skip
    queue = work_queue(any_store, staff.scheduler, now=NOW, zone=ZONE)
    assert [item.kind for item in queue][:2] == ["escalation", "call-back"]
    resolve_escalation(any_store, staff.supervisor, made, "nurse called back, advised", now=NOW)
    with any_store.read() as session:
        assert open_escalations(session) == []
    with pytest.raises(BadInput, match="already resolved"):
        resolve_escalation(any_store, staff.supervisor, made, "again", now=NOW)


def test_emergency_words_are_found_in_what_the_caller_says() -> None:
    assert red_flags("Pt says CHEST  pain since am, and\nshortness of breath") == [
        "chest pain", "shortness of breath",
    ]  # fmt: skip
    assert red_flags("wants to move her physical") == []


@pytest.mark.parametrize(
    ("change", "said"),
    [({"priority": "asap"}, "--priority 'asap': use emergent, urgent, routine"),
     ({"reported": "  "}, "What the caller reports is required"),
     ({"mrn": "MRN9999"}, "There is no patient with MRN 'MRN9999'"),
     ({"team": "nurse$"}, "--team 'nurse$'")],
)  # fmt: skip
def test_an_escalation_that_cannot_be_is_refused_and_writes_nothing(
    any_store: Store, staff: Staff, change: dict[str, str], said: str
) -> None:
    asked = {"mrn": "MRN0001", "reported": "fever", "priority": "urgent", "team": "nursing"}
    asked |= change
    with pytest.raises(BadInput, match=said.replace("$", r"\$")):
        raise_escalation(any_store, staff.scheduler, asked["mrn"], asked["reported"],
                         priority=asked["priority"], team=asked["team"], now=NOW)  # fmt: skip
    with any_store.read() as session:
        assert session.exec(select(m.Escalation)).all() == []


def test_a_complaint_goes_to_management_and_a_supervisor_resolves_it(
    any_store: Store, staff: Staff
) -> None:
    made = record_complaint(any_store, staff.scheduler, "MRN0001", "Waited 50 minutes",
                            category="wait-time", now=NOW)  # fmt: skip
    escalate_complaint(any_store, staff.scheduler, made, now=NOW)
    with pytest.raises(PermissionDenied, match="resolve complaints"):
        resolve_complaint(any_store, staff.scheduler, made, "apologised", now=NOW)
    resolve_complaint(any_store, staff.supervisor, made, "apologised; fixed the rota", now=NOW)
    with any_store.read() as session:
        assert complaint_rows(session) == []
        [row] = complaint_rows(session, open_only=False)
        kept = session.exec(select(m.AuditEvent).where(col(m.AuditEvent.entity) == "complaint")
                            .order_by(col(m.AuditEvent.id))).all()  # fmt: skip
    assert (row.status, row.escalated, row.category) == ("resolved", True, "wait-time")
    assert [(a.action, json.loads(a.detail_json)) for a in kept] == [
        ("create", {"category": "wait-time"}), ("update", {"escalated": True}),
        ("permission-denied", {"permission": "complaints.resolve", "role": "scheduler"}),
        ("update", {"resolved": True}),
    ]  # fmt: skip
    with pytest.raises(BadInput, match="--category 'rude': use availability"):
        record_complaint(any_store, staff.scheduler, "MRN0001", "x", category="rude", now=NOW)
    with pytest.raises(BadInput, match="is not one of MRN0001's visits"):
        record_complaint(any_store, staff.scheduler, "MRN0001", "x", category="staff", now=NOW,
                         appointment_id=999)  # fmt: skip


def test_escalations_and_complaints_from_the_shell(
    db: str,  # noqa: F811 (the fixture)
    capsys: pytest.CaptureFixture[str],
) -> None:
    mrn = first_mrn(db)
    code, out, err = _cli(capsys, "escalations", "add", "chest pain and sweating", "--patient",
                          mrn, "--priority", "urgent", "--json", "--db", db)  # fmt: skip
    assert code == 0 and "call 911" in err and "warm transfer" in err
    made = json.loads(out)["id"]
    [row] = json.loads(_cli(capsys, "escalations", "list", "--json", "--db", db)[1])
    assert (row["id"], row["patient_mrn"], row["priority"]) == (made, mrn, "urgent")
    code, _, err = _cli(capsys, "escalations", "resolve", str(made), "--resolution", "",
                        "--db", db)  # fmt: skip
    assert code == 2 and "--resolution is required" in err
    code, out, _ = _cli(capsys, "complaints", "add", "Rude on the phone", "--patient", mrn,
                        "--category", "staff", "--db", db)  # fmt: skip
    assert code == 0 and "recorded" in out
    assert mrn in _cli(capsys, "complaints", "list", "--db", db)[1]


def _caller_open(store: Store) -> SchedApp:
    """The TUI on the call workspace with MRN0001 looked up (Enter opens them)."""
    build_tiny_clinic(store)
    return call_app(store, add_staff(store).scheduler, caller="MRN0001")


async def test_filing_a_note_with_emergency_words_shows_the_clinics_script(
    sqlite_store: Store,
) -> None:
    app = _caller_open(sqlite_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "f5", *"she has chest pain now")
        await pilot.press("ctrl+s")
        await settle(pilot)
    shown = [(n.title, n.message) for n in app._notifications]
    assert any(title == "Emergency words" and "call 911" in text and "chest pain" in text
               for title, text in shown)  # fmt: skip


async def test_the_workspace_key_escalates_the_open_patient_to_nursing(
    sqlite_store: Store,
) -> None:
    app = _caller_open(sqlite_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "ctrl+t", *"new chest pain", "enter", *"emergent", "enter")
        await settle(pilot)
    with sqlite_store.read() as session:
        [made] = session.exec(select(m.Escalation)).all()
    assert (made.reason, made.priority, made.team) == ("new chest pain", 2, "nursing")
    titles = [n.title for n in app._notifications]
    assert "Emergency words" in titles and "Escalated" in titles
