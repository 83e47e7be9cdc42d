"""The probes a load balancer sends: liveness never depends on another service, readiness
says when the database or the broker is gone, and neither tells a stranger anything."""

import logging
import socket
from pathlib import Path

import pytest
from django.db import connections
from django.db.utils import load_backend
from django.test import Client as HttpClient

from rph import health


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def database_gone(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The readiness check's view of the primary: a real connection to a server that is not
    there (PostgreSQL on a closed port, or an SQLite file that cannot be opened)."""
    config = dict(connections["default"].settings_dict)
    if config["ENGINE"].endswith("sqlite3"):
        config["NAME"] = str(tmp_path / "no-such-folder" / "db.sqlite3")
    else:
        config.update(HOST="127.0.0.1", PORT=str(_closed_port()))
    unreachable = load_backend(config["ENGINE"]).DatabaseWrapper(config, alias="default")
    monkeypatch.setattr(health, "connections", {"default": unreachable})
    yield
    unreachable.close()


@pytest.fixture
def broker_gone(settings) -> None:
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{_closed_port()}/0"


@pytest.mark.django_db
def test_liveness_answers_without_a_login_a_query_or_a_redirect_to_https(
    client: HttpClient, settings, django_assert_num_queries
) -> None:
    settings.SECURE_SSL_REDIRECT = True

    with django_assert_num_queries(0):
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok"
    assert "no-cache" in response["Cache-Control"]
    assert client.get("/").status_code == 301  # everything else goes to HTTPS


@pytest.mark.django_db
def test_readiness_is_ready_while_the_database_and_the_broker_answer(
    client: HttpClient, settings
) -> None:
    settings.SECURE_SSL_REDIRECT = True

    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.content == b"ready"


@pytest.mark.django_db
@pytest.mark.parametrize("service", ["broker", "database"])
def test_without_the_broker_or_the_database_it_is_unready_but_alive(
    client: HttpClient, service: str, request, caplog: pytest.LogCaptureFixture
) -> None:
    request.getfixturevalue(f"{service}_gone")

    with caplog.at_level(logging.WARNING, logger="rph.health"):
        response = client.get("/readyz")

    assert response.status_code == 503
    assert response.content == b"unavailable"  # which service failed is in the log only
    assert f"{service} unavailable" in caplog.text
    assert client.get("/healthz").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_probes_take_no_writes(client: HttpClient, path: str) -> None:
    assert client.post(path).status_code == 405
    assert client.head(path).status_code == 200
