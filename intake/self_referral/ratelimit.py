"""Per-address limits for the public self-referral form and its API twin.

A fixed window in the Django cache (shared by every web process: Redis in production).
The address is hashed before it becomes a cache key, so no address is stored.
"""

import hashlib
import time

from django.core.cache import cache
from django.http import HttpRequest

from rph.audit.services import client_ip as client_ip

# Decision: 5 submissions an hour per address, counting every POST (valid or not, robots
# included). A person rarely needs more; a shared address (a school, mobile NAT) can call.
SELF_REFERRAL_LIMIT = 5
SELF_REFERRAL_WINDOW = 3600


def _key(scope: str, address: str, window: int) -> str:
    digest = hashlib.sha256(address.encode()).hexdigest()[:32]
    return f"ratelimit:{scope}:{digest}:{int(time.time() // window)}"


def hit(scope: str, request: HttpRequest, limit: int, window: int) -> bool:
    """Count one request; True while the address is within `limit` for this window."""
    key = _key(scope, client_ip(request) or "unknown", window)
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # the key expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count <= limit


def exceeded(scope: str, request: HttpRequest, limit: int, window: int) -> bool:
    """True when the address has used up `limit` in this window; counts nothing."""
    key = _key(scope, client_ip(request) or "unknown", window)
    return (cache.get(key) or 0) >= limit


def self_referral_allowed(request: HttpRequest) -> bool:
    return hit("self-referral", request, SELF_REFERRAL_LIMIT, SELF_REFERRAL_WINDOW)


def seconds_to_next_window(window: int = SELF_REFERRAL_WINDOW) -> int:
    return window - int(time.time()) % window
