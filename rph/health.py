"""Health checks for a load balancer or an orchestrator: public, cheap, and telling nothing.

`/healthz` (liveness) says the process serves requests; it touches neither the database nor
the broker, so an outage of either never gets every web process restarted. `/readyz`
(readiness) says this process can do its work: the primary database answers and the broker
(Redis, also the cache) answers; a load balancer stops sending it requests while it does not.
Both answer in plain text without a word on what failed (the log says which).
"""

import logging
import os
from functools import lru_cache
from urllib.parse import urlsplit

import redis
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connections, transaction
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

PROBE_TIMEOUT = 2.0  # seconds; a probe that waits longer than this is a failed probe


def _probe(view):  # type: ignore[no-untyped-def]
    """No login, no transaction (ATOMIC_REQUESTS would open a connection), no caching."""
    return login_not_required(transaction.non_atomic_requests(never_cache(require_safe(view))))


@_probe
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


@_probe
def readyz(request: HttpRequest) -> HttpResponse:
    failed = [
        name for name, check in (("database", database_ok), ("broker", broker_ok)) if not check()
    ]
    if failed:
        logger.warning("not ready: %s unavailable", " and ".join(failed))
        return HttpResponse("unavailable", content_type="text/plain", status=503)
    return HttpResponse("ready", content_type="text/plain")


def database_ok() -> bool:
    """The primary answers a query (replicas are not checked: only reports use them)."""
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        return False


def broker_ok() -> bool:
    url = settings.CELERY_BROKER_URL
    scheme = urlsplit(url).scheme
    if scheme in ("redis", "rediss"):
        try:
            return bool(_redis(url).ping())
        except (redis.RedisError, OSError):
            return False
    if scheme == "filesystem":  # a fresh clone's broker: a folder this process can write to
        folder = settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]
        return os.path.isdir(folder) and os.access(folder, os.W_OK)
    return True  # memory:// and the like live in this process


@lru_cache(maxsize=4)
def _redis(url: str) -> redis.Redis:
    # One client (and connection pool) per process; it reconnects by itself after an outage.
    return redis.Redis.from_url(
        url, socket_connect_timeout=PROBE_TIMEOUT, socket_timeout=PROBE_TIMEOUT
    )
