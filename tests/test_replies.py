"""Patients' texts back, through `messages serve` as Twilio calls it: signed requests
only (a forged one is refused and audited), STOP turns texts off at once and START back
on, HELP is answered, C confirms the visit last texted about, R asks for a call back;
each text is handled once however often it is delivered; delivery reports land on the
message and never move it back."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from http.server import ThreadingHTTPServer

import pytest
from sqlmodel import col, select

from schedtui.core.messages.signature import twilio_signature
from schedtui.core.messages.webhook import Hook, serve
from schedtui.core.messages.webhook import serve as webhook_serve
from schedtui.core.patients.contact_consent import consents
from schedtui.core.schedule.statuses import status_text
from schedtui.core.upkeep.stores import open_store
from schedtui.core.views.patient_panel import patient_panel
from schedtui.core.views.today import day_schedule
from schedtui.data import keys
from schedtui.data import models as m
from schedtui.data.store import Store
from tests.cli_helpers import first_mrn
from tests.cli_helpers import run_and_read as _cli
from tests.test_cli_messages import db  # noqa: F401 (a fixture)
from tests.test_messages import NOW, SUPERVISOR, Desk
from tests.test_texting import (  # noqa: F401 (fixtures)
    BACKEND,
    FROM,
    SID,
    TOKEN,
    FakeTwilio,
    texting,
    twilio,
)

PATIENT_PHONE = "+16175550123"
PUBLIC = "https://clinic.example.org/twilio"


class Phone:
    """Twilio's side of the webhook: posts signed (or forged) forms to the server."""

    def __init__(self, port: int) -> None:
        self.port, self.sent = port, 0

    def post(self, path: str, form: dict[str, str], *, token: str = TOKEN) -> tuple[int, str]:
        signature = twilio_signature(token, PUBLIC + path, form.items())
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}",
            data=urllib.parse.urlencode(form).encode(),
            headers={"X-Twilio-Signature": signature,
                     "Content-Type": "application/x-www-form-urlencoded"},
        )  # fmt: skip
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                return answer.status, answer.read().decode()
        except urllib.error.HTTPError as refused:
            return refused.code, ""

    def text(self, body: str, *, sid: str = "", sender: str = PATIENT_PHONE) -> tuple[int, str]:
        self.sent += 1
        form = {"MessageSid": sid or f"SMin{self.sent:030d}", "From": sender, "To": FROM,
                "Body": body, "AccountSid": "AC0123456789abcdef"}  # fmt: skip
        return self.post("/sms", form)


@pytest.fixture
def phone(texting: tuple[Desk, FakeTwilio]) -> Iterator[tuple[Desk, Phone]]:  # noqa: F811
    desk, _ = texting
    desk.settings = desk.settings.model_copy(update={"twilio_webhook_url": PUBLIC})
    hook = Hook(desk.store, desk.settings, lambda: desk.now, TOKEN, PUBLIC)
    server = serve(hook, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield desk, Phone(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()


def _patient_id(desk: Desk) -> int:
    return desk.clinic.patients[0]


def _sms_consent(store: Store, patient_id: int) -> bool:
    with store.read() as session:
        return consents(session, patient_id)["sms"]


def _audit(store: Store, entity: str) -> list[m.AuditEvent]:
    with store.read() as session:
        return list(session.exec(select(m.AuditEvent).where(col(m.AuditEvent.entity) == entity)))


def test_stop_turns_texts_off_at_once_and_start_back_on(phone: tuple[Desk, Phone]) -> None:
    desk, patient = phone
    status, twiml = patient.text(" stop ")
    assert status == 200 and "no more texts" in twiml
    assert not _sms_consent(desk.store, _patient_id(desk))
    [changed] = _audit(desk.store, "contact-consent")
    assert changed.username == "text reply"
    assert json.loads(changed.detail_json)["after"]["sms"] is False
    desk.book(0, 9)
    desk.run()
    assert not desk.messages(channel="sms", status="sent")  # nothing texted after STOP
    status, twiml = patient.text("START")
    assert status == 200 and "again" in twiml
    assert _sms_consent(desk.store, _patient_id(desk))


def test_help_says_who_we_are_and_the_number_to_call(phone: tuple[Desk, Phone]) -> None:
    _, patient = phone
    status, twiml = patient.text("Help")
    assert status == 200 and "+16175550100" in twiml and "STOP" in twiml


def test_c_confirms_the_visit_last_texted_about(phone: tuple[Desk, Phone]) -> None:
    desk, patient = phone
    visit = desk.book(0, 9)
    assert desk.run().sent >= 1
    status, twiml = patient.text("C")
    assert status == 200 and "is confirmed" in twiml and "Monday, March 9 at 9:00 AM" in twiml
    with desk.store.read() as session:
        booked = session.get(m.Appointment, visit)
        assert booked is not None and booked.confirmed_at == NOW
        kinds = [e.kind for e in session.exec(select(m.DomainEvent))]
    assert "appointment.confirmed" in kinds
    with desk.store.read() as session:  # Today, the panel and the card say so
        [row] = [
            r for r in day_schedule(session, date(2026, 3, 9)).rows if r.appointment_id == visit
        ]
    panel = patient_panel(desk.store, SUPERVISOR, _patient_id(desk), now=NOW)
    [upcoming] = [v for v in panel.upcoming if v.appointment_id == visit]
    assert row.confirmed and upcoming.confirmed
    assert status_text(row.status, row.confirmed) == "● Booked, confirmed"


def test_c_with_nothing_to_confirm_says_so(phone: tuple[Desk, Phone]) -> None:
    _, patient = phone
    status, twiml = patient.text("c")
    assert status == 200 and "no upcoming visit" in twiml


def test_r_puts_the_patient_on_the_call_back_list(phone: tuple[Desk, Phone]) -> None:
    desk, patient = phone
    patient.text("R")
    with desk.store.read() as session:
        [asked] = session.exec(select(m.InboundMessage))
    assert (asked.action, asked.patient_id, asked.handled_at) == (
        "call-back", _patient_id(desk), None,
    )  # fmt: skip


def test_a_text_delivered_twice_is_handled_once(phone: tuple[Desk, Phone]) -> None:
    desk, patient = phone
    first = patient.text("STOP", sid="SMrepeat")
    patient.text("START", sid="SMother")
    again = patient.text("STOP", sid="SMrepeat")  # Twilio delivering the first again
    assert first == again
    assert _sms_consent(desk.store, _patient_id(desk))  # START stands
    with desk.store.read() as session:
        assert len(list(session.exec(select(m.InboundMessage)))) == 2


def test_a_forged_call_is_refused_and_audited(phone: tuple[Desk, Phone]) -> None:
    desk, patient = phone
    form = {"MessageSid": "SMforged", "From": PATIENT_PHONE, "To": FROM, "Body": "STOP"}
    status, _ = patient.post("/sms", form, token="not-the-token")
    assert status == 403
    assert _sms_consent(desk.store, _patient_id(desk))
    [refused] = _audit(desk.store, "webhook")
    assert (refused.action, refused.username) == ("permission-denied", "text webhook")


def test_a_call_that_is_not_a_form_or_not_ours_is_refused(phone: tuple[Desk, Phone]) -> None:
    _, patient = phone
    assert patient.post("/elsewhere", {"a": "b"})[0] == 404
    request = urllib.request.Request(
        f"http://127.0.0.1:{patient.port}/sms", data=b"{}",
        headers={"Content-Type": "application/json"},
    )  # fmt: skip
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)
    assert refused.value.code == 415


def test_delivery_reports_land_on_the_message_and_never_go_back(
    phone: tuple[Desk, Phone],
    texting: tuple[Desk, FakeTwilio],  # noqa: F811
) -> None:
    desk, patient = phone
    desk.book(0, 9)
    desk.run()
    [sms] = desk.messages(channel="sms", kind="confirmation")
    [call] = texting[1].calls  # Twilio was asked to report to us
    assert call["StatusCallback"] == f"{PUBLIC}/sms/status"
    assert sms.provider_ref.startswith("SM")
    report = {"MessageSid": sms.provider_ref, "AccountSid": "AC0123456789abcdef"}
    assert patient.post("/sms/status", report | {"MessageStatus": "delivered"})[0] == 204
    desk.now += timedelta(minutes=1)
    patient.post("/sms/status", report | {"MessageStatus": "sent"})  # late, out of order
    [sms] = desk.messages(channel="sms", kind="confirmation")
    assert (sms.delivery, sms.delivery_at) == ("delivered", NOW)


def test_an_undelivered_text_says_why(phone: tuple[Desk, Phone]) -> None:
    desk, patient = phone
    desk.book(0, 9)
    desk.run()
    [sms] = desk.messages(channel="sms", kind="confirmation")
    patient.post("/sms/status", {"MessageSid": sms.provider_ref, "MessageStatus": "undelivered",
                                 "ErrorCode": "30003"})  # fmt: skip
    [sms] = desk.messages(channel="sms", kind="confirmation")
    assert sms.delivery == "undelivered" and "30003" in sms.error


def test_the_signature_is_twilios_own() -> None:
    """Twilio's published example (twilio-python's tests): their token, URL, form and
    the signature their library computes."""
    form = {
        "AccountSid": "AC9a9f9392lad99kla0sklakjs90j092j3", "ApiVersion": "2010-04-01",
        "CallSid": "CAd800bb12c0426a7ea4230e492fef2a4f", "CallStatus": "ringing",
        "Called": "+15306384866", "CalledCity": "OAKLAND", "CalledCountry": "US",
        "CalledState": "CA", "CalledZip": "94612", "Caller": "+15306666666",
        "CallerCity": "SOUTH LAKE TAHOE", "CallerCountry": "US",
        "CallerName": "CA Wireless Call", "CallerState": "CA", "CallerZip": "89449",
        "Direction": "inbound", "From": "+15306666666", "FromCity": "SOUTH LAKE TAHOE",
        "FromCountry": "US", "FromState": "CA", "FromZip": "89449", "To": "+15306384866",
        "ToCity": "OAKLAND", "ToCountry": "US", "ToState": "CA", "ToZip": "94612",
    }  # fmt: skip
    url = "http://www.postbin.org/1ed898x"
    signed = twilio_signature("1c892n40nd03kdnc0112slzkl3091j20", url, form.items())
    assert signed == "fF+xx6dTinOaCdZ0aIeNkHr/ZAA="


def test_messages_serve_replies_and_called_back_from_the_shell(
    db: str,  # noqa: F811 (the fixture)
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import keyring

    from schedtui.core.messages import webhook

    keys.use_backend(BACKEND)
    keyring.set_password("schedtui-twilio", SID, TOKEN)
    for name, value in {"TWILIO_ACCOUNT_SID": SID, "TWILIO_FROM": FROM,
                        "TWILIO_WEBHOOK_URL": PUBLIC}.items():  # fmt: skip
        monkeypatch.setenv(f"SCHEDTUI_{name}", value)
    store = open_store(db, now=NOW).store
    with store.write() as session:
        patient = session.exec(select(m.Patient).order_by(col(m.Patient.id))).first()
        assert patient is not None
        session.add(m.PatientPhone(patient_id=patient.id or 0, number=PATIENT_PHONE))
        mrn = patient.mrn
    store.dispose()
    servers: list[ThreadingHTTPServer] = []

    def serving(hook: Hook, host: str, port: int) -> ThreadingHTTPServer:
        servers.append(webhook_serve(hook, host, port))
        return servers[-1]

    monkeypatch.setattr(webhook, "serve", serving)
    answers: list[tuple[int, str]] = []

    finished = threading.Event()

    def twilio_calls() -> None:
        while not servers and not finished.is_set():  # the command has bound its port
            time.sleep(0.01)
        if servers:
            answers.append(Phone(servers[0].server_address[1]).text("r"))
            servers[0].shutdown()

    caller = threading.Thread(target=twilio_calls)
    caller.start()
    try:
        code, _, err = _cli(capsys, "messages", "serve", "--port", "0", "--db", db)
    finally:
        finished.set()
        caller.join()
    assert code == 0, err
    assert "/sms and delivery reports to" in err
    [(status, twiml)] = answers
    assert status == 200 and "call you back" in twiml
    code, out, _ = _cli(capsys, "messages", "replies", "--call-backs", "--json", "--db", db)
    [waiting] = json.loads(out)
    assert (waiting["action"], waiting["mrn"], waiting["body"]) == ("call-back", mrn, "r")
    code, out, _ = _cli(capsys, "messages", "called-back", str(waiting["id"]), "--db", db)
    assert code == 0 and "called back" in out
    out = _cli(capsys, "messages", "replies", "--call-backs", "--db", db)[1]
    assert "No patients waiting for a call back." in out
    code, _, err = _cli(capsys, "messages", "called-back", str(waiting["id"]), "--db", db)
    assert code == 2 and "already" in err


def test_a_text_reminder_says_what_the_patient_may_reply(phone: tuple[Desk, Phone]) -> None:
    desk, _ = phone
    desk.book(0, 9)
    desk.run()
    reminders = desk.messages(channel="sms", kind="reminder")
    assert reminders and all("Reply C to confirm, R for a call back." in r.body for r in reminders)
    [confirmation] = desk.messages(channel="sms", kind="confirmation")
    assert "Reply C" not in confirmation.body  # (nothing to confirm yet: it was just booked)


def test_messages_preview_shows_each_kind_for_a_sample_patient(
    db: str,  # noqa: F811 (the fixture)
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = _cli(capsys, "messages", "preview", "--db", db)
    assert code == 0, err
    for kind in ("confirmation", "reminder", "change", "cancellation", "must-move"):
        assert f"--- {kind}, email" in out and f"--- {kind}, sms" in out
    assert "Hello Alex," in out and "Reply STOP to opt out." in out
    code, out, _ = _cli(capsys, "messages", "preview", "--kind", "reminder", "--channel", "sms",
                        "--language", "es", "--video", "--json", "--db", db)  # fmt: skip
    [shown] = json.loads(out)
    assert shown["kind"] == "reminder" and "Entre por video" in shown["text"]
    code, _, err = _cli(capsys, "messages", "preview", "--kind", "recall", "--db", db)
    assert code == 2 and "not one of" in err


def test_messages_preview_of_a_real_visit_is_audited(
    db: str,  # noqa: F811 (the fixture)
    capsys: pytest.CaptureFixture[str],
) -> None:
    mrn = first_mrn(db)
    start = datetime(2026, 3, 9, 13, 0, tzinfo=UTC).isoformat()  # Monday 9:00 in Boston
    code, out, err = _cli(capsys, "book", "--patient", str(mrn), "--provider", "1", "--type",
                          "FU", "--start", start, "--override-reason", "self-pay", "--json",
                          "--db", db)  # fmt: skip
    assert code == 0, err
    visit = json.loads(out)["id"]
    store = open_store(db, now=NOW).store
    before = len(_audit(store, "message-preview"))
    store.dispose()
    code, out, err = _cli(capsys, "messages", "preview", "--visit", str(visit), "--db", db)
    assert code == 0, err
    assert "--- confirmation, email" in out and "Monday, March 9 at 9:00 AM EDT" in out
    store = open_store(db, now=NOW).store
    assert len(_audit(store, "message-preview")) == before + 1
    store.dispose()
