"""Twilio's request signature (X-Twilio-Signature): proof that a webhook call came from
Twilio and was not changed on the way.

Twilio signs the full URL it called followed by each form field's name and value, fields
in name order (and a name's values in order), with HMAC-SHA1 keyed by the account's auth
token, in base64 (https://www.twilio.com/docs/usage/webhooks/webhooks-security)."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable


def twilio_signature(token: str, url: str, fields: Iterable[tuple[str, str]]) -> str:
    """The signature Twilio sends with a POST of `fields` to `url` (a name given more
    than once is signed with each of its values once, in order)."""
    signed = url + "".join(name + value for name, value in sorted(set(fields)))
    digest = hmac.new(token.encode(), signed.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def signed_by_twilio(
    token: str, url: str, fields: Iterable[tuple[str, str]], given: str | None
) -> bool:
    """Whether `given` (the X-Twilio-Signature header) signs this request."""
    if not token or not given:
        return False
    expected = twilio_signature(token, url, fields)
    return hmac.compare_digest(expected.encode(), given.strip().encode())
