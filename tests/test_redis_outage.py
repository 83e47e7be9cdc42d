"""Redis away: the cache answers from the database, so staff log in, the login lockout and
the link's limit still count, and the client's link still opens (rph/cache.py)."""

import copy
import logging
import time

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache

from rph import cache as resilient
from rph.accounts.roles import Role
from tests.accounts.factories import MembershipFactory
from tests.accounts.flows import SECOND_STEP, page_text, sign_in, submit_password
from tests.processes import free_port
from tests.questionnaires.response_data import new_link

LOCKED_OUT = "For mange innloggingsforsøk. Vennligst prøv igjen senere."


@pytest.fixture
def redis_away(settings):
    """The cache's Redis is a port nobody listens on."""
    if not settings.CACHES["default"]["BACKEND"].endswith("ResilientRedisCache"):
        pytest.skip("the cache is not Redis (REDIS_URL unset): nothing can go away")
    caches = copy.deepcopy(settings.CACHES)
    caches["default"]["LOCATION"] = f"redis://127.0.0.1:{free_port()}/0"
    settings.CACHES = caches


@pytest.fixture
def therapist(db):
    return MembershipFactory(role=Role.THERAPIST).user


def test_staff_log_in_with_both_factors_while_redis_is_away(redis_away, client, therapist):
    sign_in(client, therapist)

    assert client.get("/").status_code == 200


def test_the_lockout_still_counts_while_redis_is_away(redis_away, client, therapist):
    with time_machine.travel("2026-03-02 08:00:05 +01:00", tick=False):
        for _ in range(settings.LOGIN_FAILURES_ALLOWED):
            assert "feil" in page_text(submit_password(client, therapist.username, "wrong"))

        response = submit_password(client, therapist.username)

    assert LOCKED_OUT in page_text(response)
    assert response.get("Location") != SECOND_STEP


def test_the_client_link_opens_and_its_limit_counts_while_redis_is_away(
    redis_away, client, personas
):
    _invitation, path = new_link(personas.client)

    assert client.get(path).status_code == 200
    for _ in range(20):
        assert client.get("/skjema/not-a-token/").status_code == 404
    assert client.get(path).status_code == 429


def test_an_outage_costs_one_timeout_then_the_fallback_answers_at_once(redis_away, db, caplog):
    with caplog.at_level(logging.WARNING, logger="rph.cache"):
        cache.set("k", 1)
        started = time.monotonic()
        for _ in range(50):
            cache.incr("k")
        elapsed = time.monotonic() - started

    assert cache.get("k") == 51
    assert elapsed < resilient.SOCKET_TIMEOUT_SECONDS * 2
    assert caplog.text.count("Redis unavailable") == 1


def test_every_page_answers_without_a_server_error_while_redis_is_away(redis_away, personas, login):
    from tests.inputs.test_forms_properties import PATHS

    http = login(personas.team_lead)

    statuses = {path: http.get(path).status_code for path in PATHS}

    assert [path for path, status in statuses.items() if status >= 500] == []
