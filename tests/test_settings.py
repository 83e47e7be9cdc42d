"""The settings module as an operator meets it: production fails closed, security headers are on,
and dates read the Norwegian way.

Settings are read once at import, so every production case boots Django in a fresh process
with an environment the test controls. Each variable the checks depend on is set explicitly
(empty when "missing"), so a developer's .env cannot fill the gap.
"""

import json
import os
import secrets
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.template import Context, Template
from django.utils import formats, translation

REPO_ROOT = Path(__file__).resolve().parent.parent
INHERITED = ("PATH", "HOME", "LANG", "TMPDIR", "DATABASE_URL", "REDIS_URL")
PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "RPH_HTTPS": "true",
    "RPH_STATIC_MANIFEST": "true",
    "RPH_MFA_REQUIRED": "true",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "rph.example.no",
}


def _run(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    inherited = {name: os.environ[name] for name in INHERITED if name in os.environ}
    return subprocess.run(
        [sys.executable, *args],
        cwd=REPO_ROOT,
        env={**inherited, "DJANGO_SETTINGS_MODULE": "rph.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return _run(["manage.py", *args], **env)


def _last_line(text: str) -> str:
    return text.strip().splitlines()[-1]


# Production refuses to boot without what it needs


def test_production_without_a_secret_key_refuses_to_boot() -> None:
    result = _manage("check", **{**PRODUCTION, "SECRET_KEY": ""})

    assert result.returncode != 0
    assert _last_line(result.stderr) == (
        "django.core.exceptions.ImproperlyConfigured: "
        "SECRET_KEY must be set when DJANGO_DEBUG is off."
    )


def test_production_without_allowed_hosts_refuses_to_boot() -> None:
    result = _manage("check", **{**PRODUCTION, "ALLOWED_HOSTS": ""})

    assert result.returncode != 0
    assert _last_line(result.stderr) == (
        "django.core.exceptions.ImproperlyConfigured: "
        "ALLOWED_HOSTS must be set when DJANGO_DEBUG is off."
    )


def test_switching_off_the_second_factor_is_refused_in_production() -> None:
    result = _manage("check", **{**PRODUCTION, "RPH_MFA_REQUIRED": "false"})

    assert result.returncode != 0
    assert _last_line(result.stderr) == (
        "django.core.exceptions.ImproperlyConfigured: "
        "RPH_MFA_REQUIRED=false is only allowed with DJANGO_DEBUG on."
    )


def test_switching_off_the_second_factor_in_development_boots_with_a_warning() -> None:
    env = {**PRODUCTION, "DJANGO_DEBUG": "true", "RPH_HTTPS": "false", "RPH_MFA_REQUIRED": "false"}

    result = _manage("check", **env)

    assert result.returncode == 0, result.stderr
    assert "Second factor is switched OFF (RPH_MFA_REQUIRED=false)" in result.stderr


# Production security


def test_deploy_check_passes_with_production_variables() -> None:
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


PRINT_SECURITY_SETTINGS = """
import json
from django.conf import settings
print(json.dumps({
    "SECURE_HSTS_SECONDS": settings.SECURE_HSTS_SECONDS,
    "SECURE_SSL_REDIRECT": settings.SECURE_SSL_REDIRECT,
    "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE,
    "CSRF_COOKIE_SECURE": settings.CSRF_COOKIE_SECURE,
    "X_FRAME_OPTIONS": settings.X_FRAME_OPTIONS,
    "MIDDLEWARE": settings.MIDDLEWARE,
}))
"""


def test_production_settings_send_cookies_over_https_only() -> None:
    result = _run(["-c", PRINT_SECURITY_SETTINGS], **PRODUCTION)

    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)
    assert printed["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600
    assert printed["SECURE_SSL_REDIRECT"] is True
    assert printed["SESSION_COOKIE_SECURE"] is True
    assert printed["CSRF_COOKIE_SECURE"] is True
    assert printed["X_FRAME_OPTIONS"] == "DENY"
    assert "csp.middleware.CSPMiddleware" in printed["MIDDLEWARE"]


# Requests that need no database: a redirect, and a 404 page (views run in a transaction).
PRINT_PRODUCTION_RESPONSES = """
import django, json
django.setup()
from django.test import Client
browser = Client(HTTP_HOST="rph.example.no")
plain = browser.get("/accounts/login/")
secure = browser.get("/no-such-page/", secure=True)
print(json.dumps({
    "plain": [plain.status_code, plain.headers.get("Location")],
    "secure": [secure.status_code, dict(secure.headers)],
}))
"""


def test_production_redirects_http_to_https_and_sends_hsts() -> None:
    # The manifest needs collectstatic, which a checkout has not run; headers do not depend on it.
    env = {**PRODUCTION, "RPH_STATIC_MANIFEST": "false"}

    result = _run(["-c", PRINT_PRODUCTION_RESPONSES], **env)

    assert result.returncode == 0, result.stderr
    printed = json.loads(_last_line(result.stdout))
    assert printed["plain"] == [301, "https://rph.example.no/accounts/login/"]
    status, headers = printed["secure"]
    assert status == 404
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]


@pytest.mark.django_db
def test_pages_carry_the_security_headers(client) -> None:
    response = client.get("/accounts/login/")

    assert response.status_code == 200
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


# Language, time zone and dates


def test_the_ui_is_norwegian_on_oslo_time() -> None:
    assert settings.LANGUAGE_CODE == "nb"
    assert settings.TIME_ZONE == "Europe/Oslo"
    assert settings.USE_TZ is True


@pytest.mark.parametrize("language", ["nb", "en"])
@pytest.mark.parametrize("format_name", ["DATE_FORMAT", "SHORT_DATE_FORMAT"])
def test_dates_read_day_month_year_in_every_language(language: str, format_name: str) -> None:
    with translation.override(language):
        assert formats.date_format(date(2026, 3, 5), format_name) == "05.03.2026"


@pytest.mark.parametrize("language", ["nb", "en"])
def test_the_date_template_filter_writes_day_month_year(language: str) -> None:
    template = Template('{{ day|date }} {{ day|date:"SHORT_DATE_FORMAT" }}')

    with translation.override(language):
        rendered = template.render(Context({"day": date(2026, 3, 5)}))

    assert rendered == "05.03.2026 05.03.2026"


@pytest.mark.parametrize("language", ["nb", "en"])
def test_a_date_field_accepts_day_month_year(language: str) -> None:
    with translation.override(language):
        assert forms.DateField().clean("05.03.2026") == date(2026, 3, 5)
