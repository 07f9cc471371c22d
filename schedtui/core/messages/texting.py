"""Text messages through Twilio's Messages REST API (plain HTTPS with the standard
library; the base URL configurable, the auth token in the keyring). Each send carries
an idempotency token (the message's key), so Twilio itself drops a repeat of a message
a runner sent before it died."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable

from schedtui.core.support.errors import BadInput
from schedtui.settings import Settings

#: The keyring service that holds the auth token, by account SID.
KEYRING_SERVICE = "schedtui-twilio"
TIMEOUT = 30


class TextingNotSetUp(BadInput):
    """Text messages cannot go out: no account, sender number or token."""


class TextRefused(OSError):
    """Twilio answered with an error (4xx/5xx): its code and message."""


#: Where Twilio posts what became of a text, under `twilio_webhook_url`.
STATUS_PATH = "/sms/status"
#: Where Twilio posts a patient's text to the clinic's number.
INBOUND_PATH = "/sms"

TokenReader = Callable[[str, str], str | None]


def twilio_account(settings: Settings, token: TokenReader | None = None) -> tuple[str, str]:
    """The account SID and its auth token (from the keyring); `TextingNotSetUp` if either
    is missing."""
    sid = settings.twilio_account_sid
    if not sid:
        raise TextingNotSetUp(
            "Text messages are not set up: set twilio_account_sid and twilio_from (the "
            f"auth token in the keyring as {KEYRING_SERVICE})."
        )
    secret = (token or _keyring_token)(KEYRING_SERVICE, sid)
    if not secret:
        raise TextingNotSetUp(f"No Twilio auth token for {sid} in the keyring.")
    return sid, secret


class TextSender:
    """Sends text messages for one runner pass."""

    def __init__(self, settings: Settings, token: TokenReader | None = None) -> None:
        if not settings.twilio_from:
            raise TextingNotSetUp(
                "Text messages are not set up: set twilio_account_sid and twilio_from (the "
                f"auth token in the keyring as {KEYRING_SERVICE})."
            )
        sid, secret = twilio_account(settings, token)
        self.sender = settings.twilio_from
        self._url = (
            f"{settings.twilio_base_url.rstrip('/')}/2010-04-01/Accounts/{sid}/Messages.json"
        )
        self._auth = "Basic " + base64.b64encode(f"{sid}:{secret}".encode()).decode()
        hook = settings.twilio_webhook_url.rstrip("/")
        self._status_callback = f"{hook}{STATUS_PATH}" if hook else ""

    def send(self, to: str, body: str, key: str) -> str:
        """Send one text; return Twilio's SID for it. `TextRefused` on an error answer,
        `OSError` when Twilio cannot be reached."""
        fields = {"To": to, "From": self.sender, "Body": body}
        if self._status_callback:
            fields["StatusCallback"] = self._status_callback
        form = urllib.parse.urlencode(fields).encode()
        request = urllib.request.Request(self._url, data=form, method="POST")
        request.add_header("Authorization", self._auth)
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
        request.add_header("I-Twilio-Idempotency-Token", key[:64])
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:
                sid: str = json.loads(answer.read().decode() or "{}").get("sid", "")
                return sid
        except urllib.error.HTTPError as refused:
            raise TextRefused(_said(refused)) from None


def _said(refused: urllib.error.HTTPError) -> str:
    try:
        detail = json.loads(refused.read().decode() or "{}")
    except (ValueError, OSError):
        detail = {}
    return f"Twilio {refused.code}: {detail.get('message') or refused.reason} " + (
        f"(error {detail['code']})" if detail.get("code") else ""
    )


def _keyring_token(service: str, sid: str) -> str | None:
    import keyring

    return keyring.get_password(service, sid)
