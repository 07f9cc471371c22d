"""Text messages through Twilio's REST API, checked against a local HTTP server standing
in for Twilio: the account, the auth, To, From, the body (saying the least), the
idempotency token; an error answer is kept and retried."""

from __future__ import annotations

import base64
import json
import threading
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlmodel import col, select

from schedtui.data import keys
from schedtui.data import models as m
from schedtui.data.store import Store
from schedtui.settings import load_settings
from tests.engine_clinic import build_engine_clinic
from tests.test_messages import NOW, Desk, Inbox

SID, TOKEN, FROM = "AC0123456789abcdef", "twilio-test-token", "+16175550199"
BACKEND = "keyrings.alt.file.PlaintextKeyring"


@dataclass
class FakeTwilio:
    """What the stand-in received, and whether it refuses."""

    calls: list[dict[str, Any]] = field(default_factory=list)
    refuse: bool = False


@pytest.fixture
def twilio() -> Iterator[tuple[FakeTwilio, str]]:
    seen = FakeTwilio()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            form = urllib.parse.parse_qs(self.rfile.read(length).decode())
            seen.calls.append(
                {"path": self.path, "auth": self.headers["Authorization"],
                 "token": self.headers["I-Twilio-Idempotency-Token"],
                 **{k: v[0] for k, v in form.items()}}
            )  # fmt: skip
            status, answer = (
                (400, {"code": 21211, "message": "The 'To' number is not a valid phone number."})
                if seen.refuse
                else (201, {"sid": f"SM{len(seen.calls):032d}", "status": "queued"})
            )
            body = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield seen, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def texting(
    sqlite_store: Store, twilio: tuple[FakeTwilio, str], monkeypatch: pytest.MonkeyPatch
) -> tuple[Desk, FakeTwilio]:
    import keyring

    keys.use_backend(BACKEND)
    keyring.set_password("schedtui-twilio", SID, TOKEN)
    seen, url = twilio
    clinic = build_engine_clinic(sqlite_store)
    with sqlite_store.write() as session:
        patient_id = clinic.patients[0]
        session.add(m.PatientPhone(patient_id=patient_id, number="+16175550123", kind="mobile",
                                   is_primary=True))  # fmt: skip
        session.add(m.ContactConsent(patient_id=patient_id, channel="sms", granted=True,
                                     recorded_at=NOW))  # fmt: skip
    settings = load_settings(
        twilio_base_url=url, twilio_account_sid=SID, twilio_from=FROM, message_tries=2,
        clinic_phone="+16175550100",
    )  # fmt: skip
    return Desk(sqlite_store, clinic, settings, Inbox()), seen


def test_a_booking_texts_the_patient_the_least_it_must(texting: tuple[Desk, FakeTwilio]) -> None:
    desk, twilio = texting
    desk.book(0, 9)
    report = desk.run()
    assert report.sent == 1
    [call] = twilio.calls
    assert call["path"] == f"/2010-04-01/Accounts/{SID}/Messages.json"
    assert call["auth"] == "Basic " + base64.b64encode(f"{SID}:{TOKEN}".encode()).decode()
    assert (call["To"], call["From"]) == ("+16175550123", FROM)
    body = call["Body"]
    assert "Monday, March 9 at 9:00 AM EDT" in body and "+16175550100" in body
    assert "Reply STOP" in body and "Okafor" not in body and "FU" not in body
    [sms] = desk.messages(channel="sms", kind="confirmation")
    assert call["token"] == sms.dedupe_key and sms.status == "sent"
    assert {r.channel for r in desk.messages(kind="reminder")} == {"sms"}


def test_a_refusal_is_kept_and_retried(texting: tuple[Desk, FakeTwilio]) -> None:
    desk, twilio = texting
    twilio.refuse = True
    desk.book(0, 9)
    assert desk.run().failed == 1
    [sms] = desk.messages(kind="confirmation")
    assert sms.status == "failed" and "Twilio 400" in sms.error and "21211" in sms.error
    twilio.refuse = False
    desk.now = sms.scheduled_for
    assert desk.run().sent == 1


def test_no_texts_without_an_account_or_consent(texting: tuple[Desk, FakeTwilio]) -> None:
    desk, twilio = texting
    desk.settings = desk.settings.model_copy(update={"twilio_account_sid": None,
                                                      "smtp_host": "127.0.0.1",
                                                      "smtp_from": "v@h.example"})  # fmt: skip
    desk.book(0, 9)
    desk.run()
    assert twilio.calls == [] and desk.messages() == []
    with desk.store.read() as session:
        assert session.exec(select(m.Message).where(col(m.Message.channel) == "sms")).all() == []
