"""`patients consent`, `messages run` and `messages list` from the shell, against a real
SMTP server on 127.0.0.1."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import col, select

from schedtui.core.support.clock import FrozenClock
from schedtui.core.upkeep.stores import open_store
from schedtui.data import models as m
from tests.cli_helpers import as_os, link_first_admin
from tests.cli_helpers import run_and_read as _cli
from tests.engine_clinic import build_engine_clinic
from tests.test_messages import Inbox, _free_port

NOW = datetime(2026, 3, 6, 17, 0, tzinfo=UTC)


@pytest.fixture
def inbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[Inbox]:
    handler, port = Inbox(), _free_port()
    server = Controller(handler, hostname="127.0.0.1", port=port)
    server.start()
    for name, value in {
        "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(port), "SMTP_FROM": "visits@harbor.example",
        "SMTP_STARTTLS": "false",
    }.items():  # fmt: skip
        monkeypatch.setenv(f"SCHEDTUI_{name}", value)
    try:
        yield handler
    finally:
        server.stop()


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> str:
    path = tmp_path / "clinic.db"
    store = open_store(str(path), now=NOW).store
    clinic = build_engine_clinic(store)
    with store.write() as session:
        patient = session.get(m.Patient, clinic.patients[0])
        assert patient is not None
        patient.email = "pat@example.org"
    store.dispose()
    monkeypatch.setattr("schedtui.cli.SystemClock", lambda: FrozenClock(NOW))
    link_first_admin(str(path), monkeypatch, capsys)
    return str(path)


def _mrn(db: str) -> str:
    store = open_store(db, now=NOW).store
    with store.read() as session:
        patient = session.exec(select(m.Patient).where(col(m.Patient.email) != "")).one()
    store.dispose()
    return patient.mrn


def test_consent_then_a_booking_is_confirmed_by_the_runner(
    db: str, inbox: Inbox, capsys: pytest.CaptureFixture[str]
) -> None:
    mrn = _mrn(db)
    code, out, _ = _cli(capsys, "patients", "consent", mrn, "--email", "on", "--sms", "off",
                        "--db", db)  # fmt: skip
    assert code == 0 and "email on" in out and "sms off" in out
    shown = _cli(capsys, "patients", "show", mrn, "--db", db)[1]
    assert "contact: texts no, e-mail yes, calls no" in shown  # the panel says it too
    start = datetime(2026, 3, 9, 13, 0, tzinfo=UTC).isoformat()  # Monday 9:00 EDT in Boston
    code, _, err = _cli(capsys, "book", "--patient", mrn, "--provider", "1", "--type", "FU",
                        "--start", start, "--override-reason", "self-pay", "--db", db)  # fmt: skip
    assert code == 0, err
    code, out, err = _cli(capsys, "messages", "run", "--db", db)
    assert code == 0, err
    assert "sent 1" in out and len(inbox.received) == 1
    listed = json.loads(_cli(capsys, "messages", "list", "--patient", mrn, "--json", "--db", db)[1])
    assert {(row["kind"], row["status"]) for row in listed} == {
        ("confirmation", "sent"), ("reminder", "queued"),
    }  # fmt: skip
    assert {"id", "kind", "channel", "status", "appointment_id"} <= set(listed[0])


def test_listing_messages_is_an_audited_view(
    db: str, inbox: Inbox, capsys: pytest.CaptureFixture[str]
) -> None:
    mrn = _mrn(db)
    _cli(capsys, "messages", "list", "--patient", mrn, "--db", db)
    store = open_store(db, now=NOW).store
    with store.read() as session:
        looked = session.exec(
            select(m.AuditEvent).where(col(m.AuditEvent.entity) == "messages")
        ).all()
    store.dispose()
    assert [row.action for row in looked] == ["view"] and mrn in looked[0].detail_json


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["--email", "maybe"], "--email takes on or off, not 'maybe'"),
        ([], "Say which channel"),
    ],
)
def test_a_bad_consent_says_what_is_wrong_and_changes_nothing(
    db: str, argv: list[str], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _cli(capsys, "patients", "consent", _mrn(db), *argv, "--db", db)
    assert code == 2 and said in err
    store = open_store(db, now=NOW).store
    with store.read() as session:
        assert not session.exec(
            select(m.AuditEvent).where(col(m.AuditEvent.entity) == "contact-consent")
        ).all()
    store.dispose()


def test_schedulers_may_not_run_the_outbox(
    db: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _cli(capsys, "users", "add", "sam", "--role", "scheduler", "--os-account",
                        "sam_os", "--no-password", "--db", db)  # fmt: skip
    assert code == 0, err
    as_os(monkeypatch, "sam_os")
    code, _, err = _cli(capsys, "messages", "run", "--db", db)
    assert code == 2 and "may not send patients' messages" in err


def test_with_no_channel_set_up_the_runner_says_so(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _cli(capsys, "messages", "run", "--db", db)
    assert code == 2 and "Messages are not set up: set smtp_host and smtp_from (e-mail)" in err


def test_the_sandbox_never_sends(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    sandbox = tmp_path / "sandbox.db"
    monkeypatch.setenv("SCHEDTUI_SANDBOX_DB", str(sandbox))
    code, _, err = _cli(capsys, "--sandbox", "messages", "run")
    assert code == 2 and "The sandbox never sends messages" in err
    assert not sandbox.exists()  # refused before any store was opened


def test_a_supervisor_retries_a_failed_message_and_withdraws_a_waiting_one(
    db: str, inbox: Inbox, capsys: pytest.CaptureFixture[str]
) -> None:
    mrn = _mrn(db)
    _cli(capsys, "patients", "consent", mrn, "--email", "on", "--db", db)
    start = datetime(2026, 3, 9, 13, 0, tzinfo=UTC).isoformat()
    _cli(capsys, "book", "--patient", mrn, "--provider", "1", "--type", "FU", "--start", start,
         "--override-reason", "self-pay", "--db", db)  # fmt: skip
    inbox.refuse = True
    assert "failed 1" in _cli(capsys, "messages", "run", "--db", db)[1]
    listed = json.loads(_cli(capsys, "messages", "list", "--json", "--db", db)[1])
    failed = next(row for row in listed if row["status"] == "failed")
    reminder = next(row for row in listed if row["kind"] == "reminder")
    inbox.refuse = False
    code, out, err = _cli(capsys, "messages", "retry", str(failed["id"]), "--db", db)
    assert code == 0 and f"Message {failed['id']} is queued again." in out, err
    assert "sent 1" in _cli(capsys, "messages", "run", "--db", db)[1]
    code, out, _ = _cli(capsys, "messages", "cancel", str(reminder["id"]), "--db", db)
    assert code == 0 and "withdrawn" in out
    code, _, err = _cli(capsys, "messages", "cancel", str(failed["id"]), "--db", db)
    assert code == 2 and f"Message {failed['id']} is sent: only a message that is queued" in err
    code, _, err = _cli(capsys, "messages", "retry", "999999", "--db", db)
    assert code == 2 and "There is no message 999999." in err
    store = open_store(db, now=NOW).store
    with store.read() as session:
        changed = session.exec(
            select(m.AuditEvent)
            .where(col(m.AuditEvent.entity) == "message")
            .where(col(m.AuditEvent.action) == "update")
        ).all()
    store.dispose()
    assert len(changed) == 2  # the retry and the withdrawal; refusals change nothing


def test_the_call_list_from_the_shell(
    db: str, inbox: Inbox, capsys: pytest.CaptureFixture[str]
) -> None:
    store = open_store(db, now=NOW).store
    with store.write() as session:
        patient = session.exec(select(m.Patient).where(col(m.Patient.email) == "")).first()
        assert patient is not None and patient.id is not None
        mrn = patient.mrn
        session.add(m.PatientPhone(patient_id=patient.id, number="+16175550142", kind="home"))
    store.dispose()
    assert _cli(capsys, "patients", "consent", mrn, "--voice", "on", "--db", db)[0] == 0
    start = datetime(2026, 3, 9, 13, 0, tzinfo=UTC).isoformat()  # Monday 9:00 EDT in Boston
    code, _, err = _cli(capsys, "book", "--patient", mrn, "--provider", "1", "--type", "FU",
                        "--start", start, "--override-reason", "self-pay", "--db", db)  # fmt: skip
    assert code == 0, err
    assert _cli(capsys, "messages", "run", "--db", db)[0] == 0
    code, out, _ = _cli(capsys, "messages", "calls", "--db", db)
    assert code == 0 and out.strip() == "No calls due."  # the reminder call is Saturday's
    saturday = datetime(2026, 3, 7, 15, 0, tzinfo=UTC)  # after the 9:00 reminder call
    with pytest.MonkeyPatch.context() as later:
        later.setattr("schedtui.cli.SystemClock", lambda: FrozenClock(saturday))
        code, out, _ = _cli(capsys, "messages", "calls", "--json", "--db", db)
        [call] = json.loads(out)
        assert (call["kind"], call["patient_mrn"], call["number"]) == (
            "reminder", mrn, "+16175550142",
        )  # fmt: skip
        assert "On a voicemail, say only" in call["script"]
        code, _, err = _cli(capsys, "messages", "call-outcome", str(call["id"]), "--outcome",
                            "busy", "--db", db)  # fmt: skip
        assert code == 2 and "--outcome 'busy': use one of reached" in err
        code, out, err = _cli(capsys, "messages", "call-outcome", str(call["id"]), "--outcome",
                              "left-message", "--db", db)  # fmt: skip
        assert code == 0, err
        assert f"Call {call['id']}: left-message; done." in out
        assert _cli(capsys, "messages", "calls", "--db", db)[1].strip() == "No calls due."


def test_a_supervisor_words_a_text_from_a_file_and_the_listing_says_whose_words(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    words = tmp_path / "reminder.txt"
    words.write_text("{clinic}: hasta el {when}. Llame al {call}\n", encoding="utf-8")
    code, out, err = _cli(capsys, "messages", "wording", "set", "reminder", "--channel", "sms",
                          "--language", "es", "--body-file", str(words), "--db", db)  # fmt: skip
    assert code == 0, err
    assert "Saved: reminder, sms, es." in out and ": hasta el " in out and "STOP" in out
    listed = json.loads(_cli(capsys, "messages", "wording", "list", "--json", "--db", db)[1])
    own = [(r["kind"], r["channel"], r["language"]) for r in listed if r["own"]]
    assert own == [("reminder", "sms", "es")]
    assert len(listed) == 5 * 3 * 2 - 2  # no confirmation call, in either language
    code, out, _ = _cli(capsys, "messages", "wording", "show", "reminder", "--channel", "sms",
                        "--language", "es", "--db", db)  # fmt: skip
    assert code == 0 and "own words" in out and "{clinic}: hasta el {when}" in out
    code, _, err = _cli(capsys, "messages", "wording", "set", "reminder", "--channel", "sms",
                        "--body", "{clinic} {provider} {when} {call}", "--db", db)  # fmt: skip
    assert code == 2 and "{provider} cannot be said by sms" in err
    code, _, err = _cli(capsys, "messages", "wording", "set", "reminder", "--channel", "sms",
                        "--db", db)  # fmt: skip
    assert code == 2 and "--body TEXT or --body-file FILE" in err
    code, out, _ = _cli(capsys, "messages", "wording", "reset", "reminder", "--channel", "sms",
                        "--language", "es", "--db", db)  # fmt: skip
    assert code == 0 and "back to the program's words" in out
    listed = json.loads(_cli(capsys, "messages", "wording", "list", "--json", "--db", db)[1])
    assert not any(r["own"] for r in listed)
