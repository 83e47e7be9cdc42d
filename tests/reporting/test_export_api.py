"""The grant report and the FHI export over the API: same people, same logging, and the FHI
export only after a fresh login, which an API token cannot give."""

import csv
import io

import openpyxl
import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from rest_framework.authtoken.models import Token

from reporting.models import ExportKind, ExportLog
from rph.audit.models import AccessEvent
from tests.personas import Page, cases, expect
from tests.reporting.export_data import YEAR, build_year
from tests.reporting.test_fhi_export import reauthenticate

NOT_REPORTERS = "clerical therapist colleague psychologist outsider"


def _token_client(user) -> HttpClient:
    token = Token.objects.create(user=user)
    return HttpClient(HTTP_AUTHORIZATION=f"Token {token.key}")


def _url(name: str, *args: object):
    return lambda p: reverse(name, args=args)


ENDPOINTS = [
    Page(
        "grant",
        _url("api-grant-report"),
        expect("team_lead admin", denied=NOT_REPORTERS),
        data=lambda p: {"year": YEAR},
    ),
    Page(
        "grant pdf",
        _url("api-grant-pdf"),
        expect("team_lead admin", denied=NOT_REPORTERS),
        data=lambda p: {"year": YEAR},
    ),
    Page(
        "grant xlsx",
        _url("api-grant-xlsx"),
        expect("team_lead admin", denied=NOT_REPORTERS),
        data=lambda p: {"year": YEAR},
    ),
    Page(
        "fhi dictionary",
        _url("api-fhi-dictionary"),
        expect("team_lead admin", denied=NOT_REPORTERS),
    ),
    Page(
        "fhi export",
        _url("api-fhi-export", "episodes"),
        # Allowed people still need the fresh login first (403 with a code saying so).
        expect("team_lead admin", 403, denied=NOT_REPORTERS),
        method="post",
    ),
]


@pytest.mark.parametrize(("endpoint", "persona", "status"), cases(ENDPOINTS))
def test_each_persona_gets_what_the_table_says(personas, login, endpoint, persona, status):
    http = login(getattr(personas, persona))

    response = getattr(http, endpoint.method)(endpoint.url(personas), endpoint.data(personas))

    assert response.status_code == status
    assert response["Content-Type"] != "text/html; charset=utf-8"


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.label)
def test_without_a_login_the_api_answers_401(personas, client, endpoint):
    response = getattr(client, endpoint.method)(endpoint.url(personas), endpoint.data(personas))

    assert response.status_code == 401


def test_the_grant_figures_come_as_json_with_the_scheme_version(personas, login):
    build_year(personas)
    m1 = personas.team.municipalities.order_by("pk").first()

    body = (
        login(personas.team_lead)
        .get(reverse("api-grant-report"), {"year": YEAR, "municipality": m1.number})
        .json()
    )

    assert (body["year"], body["municipality"], body["scheme_version"]) == (2025, m1.number, "2026")
    values = {line["code"]: line["value"] for line in body["lines"]}
    assert (values["1"], values["7a"], values["9a"]) == (4, 16.0, 2.0)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"year": "abc"}, "year"),
        ({}, "year"),
        ({"year": YEAR, "municipality": "0301"}, "municipality"),
    ],
)
def test_bad_input_gets_400_saying_what_is_wrong(personas, login, query, field):
    response = login(personas.team_lead).get(reverse("api-grant-report"), query)

    assert response.status_code == 400
    assert field in response.json()


def test_a_team_the_user_does_not_lead_is_refused(personas, login):
    response = login(personas.team_lead).get(
        reverse("api-grant-report"), {"year": YEAR, "team": personas.other_team.pk}
    )

    assert response.status_code == 403


def test_grant_files_over_the_api_are_logged_as_api_exports(personas):
    http = _token_client(personas.team_lead)

    pdf = http.get(reverse("api-grant-pdf"), {"year": YEAR})
    xlsx = http.get(reverse("api-grant-xlsx"), {"year": YEAR})

    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert openpyxl.load_workbook(io.BytesIO(xlsx.content)).active["B3"].value == YEAR
    assert list(ExportLog.objects.values_list("kind", "channel")) == [
        (ExportKind.GRANT_XLSX, AccessEvent.Channel.API),
        (ExportKind.GRANT_PDF, AccessEvent.Channel.API),
    ]


def test_a_token_cannot_export_for_fhi_and_is_told_to_use_the_web_page(personas):
    build_year(personas)
    http = _token_client(personas.team_lead)

    response = http.post(reverse("api-fhi-export", args=["episodes"]), {}, "application/json")

    assert response.status_code == 403
    assert response.json()["code"] == "reauthentication_unavailable"
    assert "/rapporter/fhi/" in response.json()["detail"]
    assert not ExportLog.objects.exists()


def test_a_session_without_a_fresh_login_is_told_where_to_confirm_it(personas, login):
    response = login(personas.team_lead).post(
        reverse("api-fhi-export", args=["episodes"]), {}, "application/json"
    )

    assert response.status_code == 403
    assert response.json()["code"] == "reauthentication_required"
    assert response.json()["url"] == "/accounts/reauthenticate/"


def test_after_a_fresh_login_the_export_streams_csv_and_is_logged(personas, login):
    build_year(personas)
    http = login(personas.team_lead)
    reauthenticate(http, personas.team_lead)

    response = http.post(
        reverse("api-fhi-export", args=["events"]),
        {"key": "en-nokkel-som-er-lang-nok", "shift_dates": True},
        "application/json",
    )

    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 9
    entry = ExportLog.objects.get()
    assert (entry.kind, entry.channel, entry.row_count) == (ExportKind.FHI_EVENTS, "api", 9)
    assert entry.parameters == {"table": "events", "key": "entered", "dates_shifted": True}


@pytest.mark.parametrize(
    ("table", "body", "field"),
    [("visits", {}, "table"), ("episodes", {"key": "kort"}, "key")],
)
def test_a_bad_export_request_gets_400(personas, login, table, body, field):
    http = login(personas.team_lead)
    reauthenticate(http, personas.team_lead)

    response = http.post(reverse("api-fhi-export", args=[table]), body, "application/json")

    assert response.status_code == 400
    assert field in response.json()


def test_the_data_dictionary_lists_both_files(personas, login):
    body = login(personas.admin).get(reverse("api-fhi-dictionary")).json()

    assert set(body) == {"episodes", "events"}
    assert body["episodes"][0] == {
        "name": "client",
        "type": "text",
        "meaning": body["episodes"][0]["meaning"],
        "allowed_values": "16 tegn A-Z og 2-7",
    }
