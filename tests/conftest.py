"""Personas shared by every test: the right role, weaker roles, and an outsider."""

import copy
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.test import Client as HttpClient
from django.test.utils import override_settings
from django.utils import translation
from django.utils.translation import trans_real

from rph.accounts.models import Team, User
from rph.accounts.roles import Role
from tests.accounts.factories import TeamFactory, member
from tests.intake.factories import ClientFactory


@dataclass
class Personas:
    team: Team
    other_team: Team
    clerical: User
    therapist: User  # in the care team of `client`
    colleague: User  # therapist in the same team, not in the care team
    psychologist: User
    team_lead: User
    admin: User
    outsider: User  # therapist in another team
    client: object


def pytest_sessionstart(session: pytest.Session) -> None:
    """Tests read the Norwegian UI, so the catalogs must be compiled and current (by the
    main process: pytest-xdist workers start after it and must not write the files too)."""
    if hasattr(session.config, "workerinput"):
        return
    locale = Path(__file__).resolve().parent.parent / "locale"
    for po in locale.glob("*/LC_MESSAGES/django.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            subprocess.run(["msgfmt", "--check-format", "-o", str(mo), str(po)], check=True)
            # A catalog read while Django started up would otherwise stay the stale one.
            trans_real._translations.clear()
            trans_real._default = None


@pytest.fixture(scope="session", autouse=True)
def _own_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The cache may be shared with the broker, a dev server and other test runs: use our own."""
    config = copy.deepcopy(settings.CACHES)
    default = config["default"]
    if "Redis" in default["BACKEND"]:
        default["KEY_PREFIX"] = f"{default.get('KEY_PREFIX') or 'rph'}-test-{os.getpid()}"
    elif default["BACKEND"].endswith(".FileBasedCache"):
        default["LOCATION"] = str(tmp_path_factory.mktemp("cache"))
    with override_settings(CACHES=config):
        yield


def _clear_own_cache_keys() -> None:
    # RedisCache.clear() is FLUSHDB: it would wipe the Celery queues and other runs' keys.
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        client = backend._cache.get_client(write=True)
        keys = list(client.scan_iter(match=f"{backend.key_prefix}:*"))
        if keys:
            client.delete(*keys)
    else:
        backend.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    """Personas are many users; the production hasher's cost proves nothing in tests."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _clean_cache():
    """Login rate limits live in the cache; each test starts from none."""
    _clear_own_cache_keys()
    yield
    _clear_own_cache_keys()


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """A request in English leaves the thread in English (LocaleMiddleware activates, never
    deactivates): the next test must start in the default language again."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def personas(db) -> Personas:
    team = TeamFactory()
    other_team = TeamFactory()
    therapist = member(team, Role.THERAPIST)
    return Personas(
        team=team,
        other_team=other_team,
        clerical=member(team, Role.CLERICAL),
        therapist=therapist,
        colleague=member(team, Role.THERAPIST),
        psychologist=member(team, Role.PSYCHOLOGIST),
        team_lead=member(team, Role.TEAM_LEAD),
        admin=member(team, Role.ADMIN),
        outsider=member(other_team, Role.THERAPIST),
        # A surname no Faker-made staff member has, so "the name is not on the page" means it.
        client=ClientFactory(team=team, care_team=[therapist], last_name="Klientsen-Ødegård"),
    )


@pytest.fixture
def login():
    """`login(user)` returns a test client logged in past the second factor."""

    def _login(user: User) -> HttpClient:
        http = HttpClient()
        http.force_login(user)
        return http

    return _login
