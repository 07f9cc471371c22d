"""E-mail to patients over SMTP (`smtplib`; STARTTLS, SSL or a plain local relay; the
password in the keyring): a plain-text and an HTML body, and the calendar invite both
as a text/calendar alternative (what calendar clients act on) and as invite.ics."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Callable
from email.message import EmailMessage
from email.utils import formatdate
from html import escape
from types import TracebackType

from schedtui.core.support.errors import BadInput
from schedtui.settings import Settings

#: The keyring service that holds the mail server's password, by user name.
KEYRING_SERVICE = "schedtui-smtp"
#: Seconds to wait for the mail server.
TIMEOUT = 30


class MailNotSetUp(BadInput):
    """E-mail cannot go out: the settings name no mail server or sender."""


def html_of(text: str) -> str:
    """The text body as simple HTML (paragraphs and line breaks, everything escaped)."""
    parts = "".join(
        f"<p>{escape(part).replace(chr(10), '<br>')}</p>" for part in text.split("\n\n") if part
    )
    return f"<html><body>{parts}</body></html>"


def email_message(
    *,
    sender: str,
    to: str,
    subject: str,
    text: str,
    message_id: str,
    invite: tuple[str, bytes] | None,
) -> EmailMessage:
    """One patient e-mail, ready for `MailServer.send`."""
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = sender, to, subject
    mail["Date"] = formatdate(usegmt=True)
    mail["Message-ID"] = message_id
    mail.set_content(text)
    mail.add_alternative(html_of(text), subtype="html")
    if invite is not None:
        method, ics = invite
        mail.add_alternative(
            ics.decode(), subtype="calendar", params={"method": method}, charset="utf-8"
        )
        mail.add_attachment(ics, maintype="application", subtype="ics", filename="invite.ics")
    return mail


def message_id(key: str, sender: str) -> str:
    """A stable Message-ID for the outbox message `key` (a message sent again after a
    runner died mid-send carries the same one, so mail systems can tell it is a repeat)."""
    domain = sender.rpartition("@")[2] or "schedtui.invalid"
    return f"<schedtui.{key.replace(':', '.')}@{domain}>"


class MailServer:
    """A connection to the mail server for one runner pass (`with MailServer(...)`)."""

    def __init__(
        self, settings: Settings, password: Callable[[str, str], str | None] | None = None
    ) -> None:
        if not settings.smtp_host or not settings.smtp_from:
            raise MailNotSetUp(
                "E-mail is not set up: set smtp_host and smtp_from in the settings "
                "(and smtp_username, its password in the keyring as schedtui-smtp)."
            )
        self.settings = settings
        self._password = password or _keyring_password
        self._smtp: smtplib.SMTP | None = None

    @property
    def sender(self) -> str:
        """The From address."""
        assert self.settings.smtp_from is not None
        return self.settings.smtp_from

    def __enter__(self) -> MailServer:
        settings = self.settings
        host, port = settings.smtp_host or "", settings.smtp_port
        context = ssl.create_default_context()
        if settings.smtp_ssl:
            self._smtp = smtplib.SMTP_SSL(host, port, timeout=TIMEOUT, context=context)
        else:
            self._smtp = smtplib.SMTP(host, port, timeout=TIMEOUT)
            if settings.smtp_starttls:
                self._smtp.starttls(context=context)
        if settings.smtp_username:
            secret = self._password(KEYRING_SERVICE, settings.smtp_username)
            if secret is None:
                raise MailNotSetUp(
                    f"No password for {settings.smtp_username} in the keyring "
                    f"(service {KEYRING_SERVICE})."
                )
            self._smtp.login(settings.smtp_username, secret)
        return self

    def send(self, mail: EmailMessage) -> None:
        """Hand one message to the server (its refusal raises `smtplib.SMTPException`)."""
        assert self._smtp is not None, "use MailServer in a with block"
        self._smtp.send_message(mail)

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()


def _keyring_password(service: str, username: str) -> str | None:
    import keyring

    return keyring.get_password(service, username)
