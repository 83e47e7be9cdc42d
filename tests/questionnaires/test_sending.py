"""Delivery backends: development (the outbox row only), e-mail, and an HTTP SMS gateway."""

import json
import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured

from questionnaires import sending
from questionnaires.models import Message
from questionnaires.sending import (
    DeliveryError,
    DevelopmentBackend,
    EmailBackend,
    HttpSmsBackend,
    available_channels,
    backend_for,
)

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
PHONE = "+4791234567"
KEY = uuid.UUID("5b0c3c9e-0000-4000-8000-00000000abcd")


def sms(body: str = "Hei Kari, du har fått et skjema: https://rph.example.no/skjema/x/"):
    return Message(
        kind="invitation", channel="sms", recipient=PHONE, body=body, idempotency_key=KEY
    )


class Gateway:
    """A local SMS gateway: records requests, answers with `status` after `delay` seconds."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], dict]] = []
        self.status = 202
        self.delay = 0.0
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                gateway.requests.append((dict(self.headers), json.loads(self.rfile.read(length))))
                time.sleep(gateway.delay)
                self.send_response(gateway.status)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/sms"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway() -> Iterator[Gateway]:
    server = Gateway()
    yield server
    server.close()


def test_the_development_backend_sends_nothing_anywhere(settings):
    settings.MESSAGE_BACKEND = "dev"

    backend = backend_for("sms")
    backend.send(sms())

    assert isinstance(backend, DevelopmentBackend)
    assert mail.outbox == []


def test_the_development_backend_keeps_the_link_only_in_debug_mode(settings):
    settings.DEBUG = True
    assert DevelopmentBackend().keeps_link is True
    settings.DEBUG = False
    assert DevelopmentBackend().keeps_link is False


def test_the_email_backend_sends_a_neutral_subject_and_the_text(settings):
    settings.MESSAGE_BACKEND = "email"
    message = Message(kind="invitation", channel="email", recipient="kari@example.no", body="Hei")

    backend_for("email").send(message)

    (sent,) = mail.outbox
    assert sent.to == ["kari@example.no"]
    assert sent.subject == "Et skjema før timen din"
    assert sent.body == "Hei"
    assert sent.extra_headers["Message-ID"] == f"<{message.idempotency_key}@rph>"


def test_an_email_the_server_refuses_raises_a_delivery_error_without_the_address(monkeypatch):
    def refuse(self, fail_silently=False):
        raise ConnectionRefusedError("kari@example.no refused")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    message = Message(kind="invitation", channel="email", recipient="kari@example.no", body="Hei")

    with pytest.raises(DeliveryError) as error:
        EmailBackend().send(message)

    assert str(error.value) == "e-mail not accepted (ConnectionRefusedError)"


def test_the_sms_gateway_gets_json_with_the_key_the_sender_and_the_text(gateway):
    HttpSmsBackend(gateway.url, "secret-key", "Kommunen").send(sms("Hei"))

    ((headers, payload),) = gateway.requests
    assert payload == {"to": PHONE, "from": "Kommunen", "message": "Hei", "reference": str(KEY)}
    assert headers["Authorization"] == "Bearer secret-key"
    assert headers["Content-Type"] == "application/json"
    assert headers["Idempotency-Key"] == str(KEY)


def test_a_gateway_that_already_has_the_key_counts_as_accepted(gateway):
    gateway.status = 409

    HttpSmsBackend(gateway.url, "k", "Kommunen").send(sms())

    assert len(gateway.requests) == 1


def test_a_gateway_error_raises_a_delivery_error_without_personal_data(gateway):
    gateway.status = 503

    with pytest.raises(DeliveryError) as error:
        HttpSmsBackend(gateway.url, "k", "Kommunen").send(sms())

    assert str(error.value) == "SMS gateway answered 503"


def test_a_gateway_that_does_not_answer_in_time_raises_a_delivery_error(gateway, monkeypatch):
    monkeypatch.setattr(sending, "GATEWAY_TIMEOUT_SECONDS", 0.2)
    gateway.delay = 1.0

    with pytest.raises(DeliveryError, match="did not answer in time") as error:
        HttpSmsBackend(gateway.url, "k", "Kommunen").send(sms())

    assert error.value.uncertain  # it may have gone: only a de-duplicating gateway gets it again


def test_an_unreachable_gateway_raises_a_delivery_error(gateway):
    url = gateway.url
    gateway.close()

    with pytest.raises(DeliveryError, match="unreachable"):
        HttpSmsBackend(url, "k", "Kommunen").send(sms())


def test_only_an_http_gateway_url_is_accepted():
    with pytest.raises(ImproperlyConfigured):
        HttpSmsBackend("file:///etc/passwd", "k", "Kommunen")


def test_the_configured_backend_decides_the_channels(settings):
    settings.MESSAGE_BACKEND = "dev"
    assert available_channels() == ("sms", "email")
    settings.MESSAGE_BACKEND = "email"
    assert available_channels() == ("email",)
    with pytest.raises(DeliveryError, match="no backend for sms"):
        backend_for("sms")
    settings.MESSAGE_BACKEND = "sms-http"
    settings.SMS_GATEWAY_URL, settings.SMS_SENDER = "https://sms.example.no/send", "Kommunen"
    assert available_channels() == ("sms", "email")
    assert isinstance(backend_for("sms"), HttpSmsBackend)
    assert isinstance(backend_for("email"), EmailBackend)


def _check(**env: str) -> subprocess.CompletedProcess[str]:
    inherited = {k: os.environ[k] for k in ("PATH", "HOME", "DATABASE_URL") if k in os.environ}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=REPO_ROOT,
        env={**inherited, "DJANGO_SETTINGS_MODULE": "rph.settings", "DJANGO_DEBUG": "true", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("env", "error"),
    [
        ({"RPH_MESSAGE_BACKEND": "carrier-pigeon"}, "must be dev, email or sms-http"),
        (
            {"RPH_MESSAGE_BACKEND": "sms-http", "RPH_SMS_GATEWAY_URL": "", "RPH_SMS_SENDER": ""},
            "needs RPH_SMS_GATEWAY_URL and RPH_SMS_SENDER",
        ),
    ],
)
def test_a_wrong_message_backend_setting_refuses_to_boot(env, error):
    result = _check(**env)

    assert result.returncode != 0
    assert error in result.stderr.strip().splitlines()[-1]
