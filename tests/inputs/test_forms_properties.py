"""Property: no page answers hostile input with a server error. Every field name of every
form in the project is tried, as a query parameter and as a POST field, on every page that
takes no argument, with values chosen by hypothesis (bounded: a fixed number of examples)."""

import importlib
import pkgutil

import pytest
from django import forms
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rph.inputs import DATE_MAX, DATE_MIN

APPS = ("rph", "intake", "questionnaires", "treatment", "referrals", "reporting")
EXAMPLES = 100


def _import_forms() -> None:
    for app in APPS:
        package = importlib.import_module(app)
        for module in pkgutil.walk_packages(package.__path__, f"{app}."):
            if module.name.rsplit(".", 1)[-1] in ("forms", "views"):
                importlib.import_module(module.name)


def _subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub} | _subclasses(sub)
    return found


def _field_names() -> list[str]:
    _import_forms()
    names = set()
    for form in _subclasses(forms.BaseForm):
        if form.__module__.split(".")[0] in APPS:
            names |= set(getattr(form, "base_fields", {}))
    return sorted(names)


def _paths(resolver: URLResolver = None, prefix: str = "") -> list[str]:
    paths = []
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        if "<" in route or "(?P" in route or route.startswith(("admin", "static", "api")):
            continue
        if isinstance(entry, URLResolver):
            paths += _paths(entry, route)
        elif isinstance(entry, URLPattern) and "logout" not in route:
            paths.append("/" + route.lstrip("^").rstrip("$"))
    return sorted(set(paths))


FIELDS = _field_names()
PATHS = _paths()

hostile = st.one_of(
    st.text(max_size=30),
    st.dates(min_value=DATE_MIN.replace(year=1), max_value=DATE_MAX.replace(year=9999)).map(
        lambda d: d.isoformat()
    ),
    st.dates().map(lambda d: f"{d:%d.%m}.{d.year:04d}"),
    st.integers(min_value=-(2**80), max_value=2**80).map(str),
    st.just("\x00"),
    st.sampled_from(["9999-12-31", "0001-01-01", "31.12.9999", str(2**64), "-1", "1e400"]),
)


def test_the_property_covers_the_forms_and_pages():
    assert len(FIELDS) > 50 and len(PATHS) > 20


@pytest.mark.django_db
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    path=st.sampled_from(PATHS),
    params=st.dictionaries(st.sampled_from(FIELDS), hostile, min_size=1, max_size=4),
    method=st.sampled_from(["get", "post"]),
)
def test_no_page_answers_hostile_input_with_a_server_error(personas, login, path, params, method):
    http = login(personas.team_lead)

    response = getattr(http, method)(path, params)

    assert response.status_code < 500, (path, method, params)
