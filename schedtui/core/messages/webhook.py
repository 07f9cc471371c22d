"""`schedtui messages serve`: the small web server Twilio calls when a patient texts the
clinic's number (/sms) and when a text we sent changes state (/sms/status).

Every call must carry Twilio's signature of the address it called (the public
`twilio_webhook_url`, the path under it) and its form fields; one that does not is
refused (403) and the refusal audited. What the server writes to its own log names no
patient, number or text."""

from __future__ import annotations

import sys
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from xml.sax.saxutils import escape

from schedtui.core.messages.delivery import take_status
from schedtui.core.messages.replies import Heard, take_reply
from schedtui.core.messages.signature import signed_by_twilio
from schedtui.core.messages.texting import INBOUND_PATH, STATUS_PATH
from schedtui.core.security import audit
from schedtui.core.support.writes import in_write
from schedtui.data.store import Store
from schedtui.settings import Settings

#: The largest form Twilio posts is a few kilobytes; anything much larger is not Twilio.
MAX_BODY = 64 * 1024
WEBHOOK_USER = "text webhook"


@dataclass(frozen=True)
class Hook:
    """What the server answers with: the store, the settings, the clock, Twilio's auth
    token (to check signatures) and the public address Twilio calls."""

    store: Store
    settings: Settings
    clock: Callable[[], datetime]
    token: str
    public_url: str


def serve(hook: Hook, host: str, port: int) -> ThreadingHTTPServer:
    """A server bound to host:port, not yet serving (`serve_forever` runs it)."""

    class Handler(_Handler):
        pass

    Handler.hook = hook
    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    return server


class _Handler(BaseHTTPRequestHandler):
    hook: Hook
    server_version = "schedtui"
    sys_version = ""

    def do_POST(self) -> None:
        path = urllib.parse.urlsplit(self.path).path.rstrip("/")
        if path not in (INBOUND_PATH, STATUS_PATH):
            self._answer(HTTPStatus.NOT_FOUND)
            return
        fields = self._form()
        if fields is None:
            return
        hook = self.hook
        url = hook.public_url.rstrip("/") + self.path
        if not signed_by_twilio(hook.token, url, fields, self.headers.get("X-Twilio-Signature")):
            self._refuse(path)
            return
        form = dict(fields)
        try:
            if path == INBOUND_PATH:
                self._inbound(form)
            else:
                take_status(
                    hook.store, form.get("MessageSid", ""), form.get("MessageStatus", ""),
                    form.get("ErrorCode", ""), now=hook.clock(),
                )  # fmt: skip
                self._answer(HTTPStatus.NO_CONTENT)
        except Exception as fault:  # a fault is logged by type only (no patient data)
            self.log_message("could not handle %s: %s", path, type(fault).__name__)
            self._answer(HTTPStatus.INTERNAL_SERVER_ERROR)

    def do_GET(self) -> None:
        self._answer(HTTPStatus.METHOD_NOT_ALLOWED)

    def _form(self) -> list[tuple[str, str]] | None:
        kind = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if kind != "application/x-www-form-urlencoded":
            self._answer(HTTPStatus.UNSUPPORTED_MEDIA_TYPE)
            return None
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            self._answer(HTTPStatus.LENGTH_REQUIRED)
            return None
        if not 0 <= length <= MAX_BODY:
            self._answer(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
            return None
        raw = self.rfile.read(length).decode("utf-8", errors="replace")
        return urllib.parse.parse_qsl(raw, keep_blank_values=True)

    def _inbound(self, form: dict[str, str]) -> None:
        heard = Heard(
            sid=form.get("MessageSid") or form.get("SmsSid", ""),
            sender=form.get("From", ""),
            to=form.get("To", ""),
            body=form.get("Body", ""),
        )
        if not heard.sid or not heard.sender:
            self._answer(HTTPStatus.BAD_REQUEST)
            return
        answer = take_reply(
            self.hook.store, heard, now=self.hook.clock(), settings=self.hook.settings
        )
        said = f"<Message>{escape(answer.reply)}</Message>" if answer.reply else ""
        twiml = f'<?xml version="1.0" encoding="UTF-8"?><Response>{said}</Response>'
        self._answer(HTTPStatus.OK, twiml.encode(), "text/xml; charset=utf-8")

    def _refuse(self, path: str) -> None:
        """A call without Twilio's signature: refused, and the refusal audited."""
        hook = self.hook
        detail = {"path": path, "from": self.client_address[0]}
        in_write(
            hook.store,
            lambda session: audit.record(
                session, actor=None, username=WEBHOOK_USER, action="permission-denied",
                now=hook.clock(), entity="webhook", entity_id=path, detail=detail,
            ),
        )  # fmt: skip
        self._answer(HTTPStatus.FORBIDDEN)

    def _answer(self, status: HTTPStatus, body: bytes = b"", kind: str = "text/plain") -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """One line per call on stderr: the method, path and status, never the form."""
        sys.stderr.write(f"{self.log_date_time_string()} {format % args}\n")
