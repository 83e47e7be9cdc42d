"""The shared cache: Redis, and a table in the database while Redis does not answer.

What lives in the cache must keep working through a Redis outage or restart: the login
rate limits (allauth), the used one-time codes (allauth MFA), the limits on the client's
questionnaire link and the public self-referral form. `ResilientRedisCache` is Django's
RedisCache with short socket timeouts; when a call fails with a connection error or a
timeout it answers the same call from the `fallback` cache (Django's DatabaseCache on the
table `rph_cache_fallback`, created by a migration of rph.accounts) and stays on the
fallback for `RETRY_SECONDS` before it tries Redis again, so an outage costs each process
one short timeout, not one per call.

The fallback is shared by every web process (it is the primary database), so a limit
still counts across processes while Redis is away: no brute-force window opens. What is
counted on one side is not carried over to the other: on each switch (Redis goes, Redis
comes back) a counter starts again from what that side holds, so an attacker gains at most
one more allowance per switch, and cannot cause a switch. docs/operations.md says the same.
"""

import logging
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

import redis
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

FALLBACK_ALIAS = "fallback"
FALLBACK_TABLE = "rph_cache_fallback"
RETRY_SECONDS = 5.0
SOCKET_TIMEOUT_SECONDS = 0.5
UNAVAILABLE = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)

_OPERATIONS = (
    "add",
    "get",
    "set",
    "touch",
    "delete",
    "get_many",
    "has_key",
    "incr",
    "set_many",
    "delete_many",
)


def _resilient(name: str) -> Callable[..., Any]:
    def call(self: "ResilientRedisCache", *args: Any, **kwargs: Any) -> Any:
        if time.monotonic() >= self._redis_down_until:
            try:
                return getattr(RedisCache, name)(self, *args, **kwargs)
            except UNAVAILABLE as exc:
                self._switch_to_fallback(exc)
        return getattr(caches[FALLBACK_ALIAS], name)(*args, **kwargs)

    wraps(getattr(RedisCache, name))(call)
    return call


class ResilientRedisCache(RedisCache):
    """RedisCache that answers from the database cache while Redis is unavailable."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        params = {**params}
        options = {
            "socket_connect_timeout": SOCKET_TIMEOUT_SECONDS,
            "socket_timeout": SOCKET_TIMEOUT_SECONDS,
            **params.get("OPTIONS", {}),
        }
        params["OPTIONS"] = options
        super().__init__(server, params)
        self._redis_down_until = 0.0

    def _switch_to_fallback(self, exc: BaseException) -> None:
        logger.warning(
            "cache: Redis unavailable (%s); using the database cache for %ss",
            type(exc).__name__,
            RETRY_SECONDS,
        )
        self._redis_down_until = time.monotonic() + RETRY_SECONDS


for _name in _OPERATIONS:
    setattr(ResilientRedisCache, _name, _resilient(_name))
