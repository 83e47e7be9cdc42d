"""How an outbox message leaves RPH: one small backend per way of delivering.

A backend (the `Backend` protocol) has:

- `send(message) -> None`: hand the message to the provider with `message.idempotency_key`
  (a UUID, the same for every attempt at the same message), so the provider can drop a
  second copy; return when the provider accepted it. Raise `DeliveryError` when it did
  not, with `uncertain=True` when it may have (a timeout after the request went out).
  The error's text is stored on the message (`last_error`) and shown to administrators,
  so it never carries personal data: no phone number, address, name or message text.
- `deduplicates: bool`: True only if the provider promises to deliver a message once per
  key however often it is handed over (for at least 24 hours). Only then does the outbox
  hand a message over again after a worker died during the call or the call timed out;
  otherwise such a message ends as FAILED ("outcome unknown"): at most once.
- `keeps_link: bool`: whether the sent row keeps the link (development only).

`RPH_MESSAGE_BACKEND` chooses (settings.MESSAGE_BACKEND):

- `dev` (default): nothing leaves the machine; the outbox row is the record, visible to
  administrators in the admin. With DJANGO_DEBUG on the row keeps its link after "sending",
  so a developer can open it; otherwise the link is removed like after a real send.
- `email`: e-mails through Django's mail (EMAIL_URL). SMS is not available: a client who
  consented to SMS only gets no link.
- `sms-http`: SMS through an HTTP gateway (RPH_SMS_GATEWAY_URL/KEY/SENDER), e-mails through
  Django's mail.
"""

import json
import logging
import smtplib
import urllib.error
import urllib.request
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage
from django.utils import translation
from django.utils.translation import gettext as _

from questionnaires.models import Message

logger = logging.getLogger(__name__)

Channel = Message.Channel
BACKENDS = ("dev", "email", "sms-http")
GATEWAY_TIMEOUT_SECONDS = 10


class DeliveryError(Exception):
    """The message did not go (or, `uncertain`, may have gone). No personal data in the text."""

    def __init__(self, text: str, *, uncertain: bool = False) -> None:
        super().__init__(text)
        self.uncertain = uncertain


class Backend(Protocol):
    keeps_link: bool
    deduplicates: bool

    def send(self, message: Message) -> None: ...


class DevelopmentBackend:
    """Sends nothing: the outbox row in the admin is the record."""

    deduplicates = True

    @property
    def keeps_link(self) -> bool:
        return settings.DEBUG

    def send(self, message: Message) -> None:
        logger.info("dev backend: message %s recorded, not sent", message.pk)


class EmailBackend:
    """SMTP cannot de-duplicate: a message whose hand-over may have happened is not retried.
    The Message-ID carries the key, so a receiving system that does drop copies can."""

    keeps_link = False
    deduplicates = False

    def send(self, message: Message) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("A form before your appointment")
        headers = {"Message-ID": f"<{message.idempotency_key}@rph>"}
        try:
            EmailMessage(subject, message.body, None, [message.recipient], headers=headers).send()
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryError(f"e-mail not accepted ({type(exc).__name__})") from exc


class HttpSmsBackend:
    """POSTs {"to", "from", "message", "reference"} as JSON with a bearer key and the header
    `Idempotency-Key`; "reference" is the same key. Any 2xx means accepted, and so does 409
    (the gateway already has a message with this key). The gateway must deliver one SMS per
    key, however often it gets it, for at least 24 hours (docs/questionnaires.md)."""

    keeps_link = False
    deduplicates = True

    def __init__(self, url: str, key: str, sender: str) -> None:
        if not url.startswith(("https://", "http://")):
            raise ImproperlyConfigured("RPH_SMS_GATEWAY_URL must be an http(s) URL.")
        self.url, self.key, self.sender = url, key, sender

    def send(self, message: Message) -> None:
        key = str(message.idempotency_key)
        payload = {
            "to": message.recipient,
            "from": self.sender,
            "message": message.body,
            "reference": key,
        }
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked in __init__
            self.url,
            data=json.dumps(payload).encode(),
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {self.key}",
                "Idempotency-Key": key,
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=GATEWAY_TIMEOUT_SECONDS) as answer:  # noqa: S310
                status = answer.status
        except urllib.error.HTTPError as exc:
            if exc.code == 409:  # a copy with this key was accepted before
                return
            raise DeliveryError(f"SMS gateway answered {exc.code}") from exc
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            if isinstance(exc, TimeoutError) or isinstance(reason, TimeoutError):
                raise DeliveryError("SMS gateway did not answer in time", uncertain=True) from exc
            raise DeliveryError(f"SMS gateway unreachable ({type(reason).__name__})") from exc
        if not 200 <= status < 300:
            raise DeliveryError(f"SMS gateway answered {status}")


def available_channels() -> tuple[str, ...]:
    """The channels the configured backend can deliver, SMS first (the preferred one)."""
    if settings.MESSAGE_BACKEND == "email":
        return (Channel.EMAIL,)
    return (Channel.SMS, Channel.EMAIL)


def backend_for(channel: str) -> Backend:
    name = settings.MESSAGE_BACKEND
    if name == "dev":
        return DevelopmentBackend()
    if channel == Channel.EMAIL:
        return EmailBackend()
    if channel == Channel.SMS and name == "sms-http":
        return HttpSmsBackend(
            settings.SMS_GATEWAY_URL, settings.SMS_GATEWAY_KEY, settings.SMS_SENDER
        )
    raise DeliveryError(f"no backend for {channel} with RPH_MESSAGE_BACKEND={name}")
