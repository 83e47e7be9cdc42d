"""The questionnaire API: the same rules as the pages, JSON errors, nothing half-saved."""

import datetime
from collections.abc import Callable

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from questionnaires.models import Capture, Instrument, Invitation, Response, RiskAlert
from questionnaires.responses import response_submit
from questionnaires.services import invitation_for_token
from rph.audit.models import AccessEvent
from rph.audit.services import break_glass_open
from tests.intake.factories import ClientFactory
from tests.personas import NOT_CARE_TEAM, Page, cases, expect
from tests.questionnaires.definition_data import custom_definition
from tests.questionnaires.response_data import GAD7, PHQ9, PHQ9_RISK, shipped

REASON = "Klienten ringte i krise, behandleren er syk."
TODAY = datetime.datetime.fromisoformat("2026-03-04T10:00:00+01:00")


def _api(user) -> APIClient:
    api = APIClient()
    api.force_login(user)
    return api


def a_response(client, answers=PHQ9) -> Response:
    return response_submit(
        client=client, instrument=shipped("phq9"), answers=answers, capture=Capture.LINK
    )


def _client_url(name: str) -> Callable:
    return lambda p: reverse(name, args=[p.client.pk])


def _response_url(name: str) -> Callable:
    return lambda p: reverse(name, args=[a_response(p.client).pk])


def _paper(p=None, **changes) -> dict:
    return {
        "instrument": shipped("phq9").pk,
        "answers": PHQ9,
        "answered_on": "2026-03-02",
    } | changes


ENDPOINTS = [
    Page(
        "invitations",
        _client_url("api-client-invitations"),
        expect("therapist", denied=NOT_CARE_TEAM, missing="outsider"),
        logs_a_view=True,
    ),
    Page(
        "invitation created",
        _client_url("api-client-invitations"),
        expect("therapist", 201, denied=NOT_CARE_TEAM, missing="outsider"),
        method="post",
        data=lambda p: {"instruments": ["phq9", "gad7"]},
        logs_a_view=True,
    ),
    Page(
        "responses",
        _client_url("api-client-responses"),
        expect("therapist", denied=NOT_CARE_TEAM, missing="outsider"),
        logs_a_view=True,
    ),
    Page(
        "paper response",
        _client_url("api-client-responses"),
        expect("therapist", 201, denied=NOT_CARE_TEAM, missing="outsider"),
        method="post",
        data=_paper,
        logs_a_view=True,
    ),
    Page(
        "response",
        _response_url("api-response"),
        expect("therapist", denied=NOT_CARE_TEAM, missing="outsider"),
        logs_a_view=True,
    ),
    Page(
        "correction",
        _response_url("api-response-corrections"),
        expect("therapist", 201, denied=NOT_CARE_TEAM, missing="outsider"),
        method="post",
        data=lambda p: {"answers": PHQ9, "reason": "Feil ved inntasting"},
        logs_a_view=True,
    ),
    Page(
        "fhir",
        _response_url("api-response-fhir"),
        expect("therapist", denied=NOT_CARE_TEAM, missing="outsider"),
        logs_a_view=True,
    ),
]


@pytest.mark.parametrize(("page", "persona", "status"), cases(ENDPOINTS))
def test_each_persona_gets_what_the_table_says(personas, page, persona, status):
    url = page.url(personas)
    api = _api(getattr(personas, persona))
    before = AccessEvent.objects.count(), Response.objects.count(), Invitation.objects.count()

    response = getattr(api, page.method)(url, page.data(personas), format="json")

    assert response.status_code == status
    allowed = status < 300
    assert AccessEvent.objects.count() - before[0] == (1 if allowed else 0)
    if allowed:
        assert AccessEvent.objects.latest("pk").channel == AccessEvent.Channel.API
    else:
        assert (Response.objects.count(), Invitation.objects.count()) == before[1:]
        assert "detail" in response.json()


@pytest.mark.parametrize("page", ENDPOINTS, ids=lambda page: page.label)
def test_without_a_login_every_endpoint_answers_401(personas, page):
    response = getattr(APIClient(), page.method)(page.url(personas), page.data(personas))

    assert response.status_code == 401


def test_a_missing_response_is_404(personas):
    assert _api(personas.therapist).get(reverse("api-response", args=[98765])).status_code == 404


def test_with_emergency_access_a_colleague_reads_but_does_not_write(personas):
    break_glass_open(
        user=personas.colleague, team=personas.team, subject=personas.client, reason=REASON
    )
    api = _api(personas.colleague)
    response = a_response(personas.client)

    assert api.get(reverse("api-response", args=[response.pk])).status_code == 200
    paper = api.post(reverse("api-client-responses", args=[personas.client.pk]), _paper())
    assert paper.status_code == 403
    assert AccessEvent.objects.latest("pk").basis == "break_glass"


# Instruments ------------------------------------------------------------------------------


def test_the_instruments_are_the_shipped_ones_and_my_teams_own(personas):
    Instrument.objects.create(
        code="sleep_check",
        version="1",
        name="Søvn",
        definition=custom_definition(),
        team=personas.team,
    )
    Instrument.objects.create(
        code="theirs",
        version="1",
        name="Deres",
        definition=custom_definition(),
        team=personas.other_team,
    )

    response = _api(personas.therapist).get(reverse("api-instrument-list"))

    codes = [row["code"] for row in response.json()["results"]]
    assert codes == ["auditc", "gad7", "phq9", "satisfaction", "sleep_check", "wsas"]
    phq9 = response.json()["results"][2]
    assert phq9["definition"]["items"][9]["scored"] is False


@pytest.mark.parametrize(
    ("persona", "own"),
    [("clerical", "ours"), ("psychologist", "ours"), ("admin", "ours"), ("outsider", "theirs")],
)
def test_each_persona_sees_the_shipped_instruments_and_only_their_teams_own(personas, persona, own):
    for code, team in (("ours", personas.team), ("theirs", personas.other_team)):
        Instrument.objects.create(
            code=code, version="1", name=code, definition=custom_definition(), team=team
        )

    response = _api(getattr(personas, persona)).get(reverse("api-instrument-list"))

    codes = {row["code"] for row in response.json()["results"]}
    assert codes == {"auditc", "gad7", "phq9", "satisfaction", "wsas", own}


def test_the_instruments_need_a_login(db):
    assert APIClient().get(reverse("api-instrument-list")).status_code == 401


# Invitations ------------------------------------------------------------------------------


def test_creating_an_invitation_returns_its_link_once(personas, settings):
    settings.SITE_URL = "https://rph.example"
    api = _api(personas.therapist)
    url = reverse("api-client-invitations", args=[personas.client.pk])

    created = api.post(url, {"instruments": ["phq9", "gad7", "phq9"]}, format="json")

    body = created.json()
    assert body["url"].startswith("https://rph.example/skjema/")
    token = body["url"].rstrip("/").rsplit("/", 1)[1]
    invitation = invitation_for_token(token)
    assert invitation.pk == body["id"] and invitation.instrument_codes == ["phq9", "gad7"]
    assert invitation.created_by == personas.therapist
    listed = api.get(url).json()["results"]
    assert [row["id"] for row in listed] == [body["id"]] and "url" not in listed[0]
    assert listed[0]["answered"] == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"instruments": ["isi"]}, "non_field_errors"),
        ({"instruments": []}, "instruments"),
        ({"instruments": "phq9"}, "instruments"),
        ({"instruments": ["x" * 1_000_000]}, "instruments"),
        ({"instruments": ["phq9"], "occasion_at": "i morgen"}, "occasion_at"),
        ([1, 2], "non_field_errors"),
    ],
)
def test_a_bad_invitation_is_refused_and_nothing_is_saved(personas, body, field):
    response = _api(personas.therapist).post(
        reverse("api-client-invitations", args=[personas.client.pk]), body, format="json"
    )

    assert response.status_code == 400 and field in response.json()
    assert not Invitation.objects.exists()
    assert AccessEvent.objects.count() == 1, "the look at the record stays logged"


# Responses --------------------------------------------------------------------------------


def test_a_paper_response_through_the_api_is_scored_and_says_who_entered_it(personas, time_machine):
    time_machine.move_to(TODAY, tick=False)

    created = _api(personas.therapist).post(
        reverse("api-client-responses", args=[personas.client.pk]),
        _paper(answers=PHQ9_RISK),
        format="json",
    )

    body = created.json()
    assert created.status_code == 201
    assert (body["total"], body["band"], body["flags"]) == (10, "moderate", ["self_harm"])
    assert body["capture"] == "paper" and body["entered_by"] == personas.therapist.pk
    assert body["answered_at"].startswith("2026-03-02T12:00:00")
    assert RiskAlert.objects.get().response_id == body["id"]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"answers": [1] * 9}, "non_field_errors", "PHQ-9 har 10 spørsmål, men 9 svar ble gitt."),
        ({"answers": [1] * 9 + [5]}, "non_field_errors", "spørsmål 10: svaret må være en av"),
        ({"answers": ["x" * 1_000_000] + [1] * 9}, "answers", ""),
        ({"answers": "1111111111"}, "answers", ""),
        ({"answers": [1] * 200}, "answers", ""),
        ({"instrument": 98765}, "instrument", "Velg et skjema teamet bruker."),
        ({"instrument": "phq9"}, "instrument", ""),
        ({"answered_on": "2026-03-05"}, "answered_on", "Datoen kan ikke være fram i tid."),
        ({"answered_on": "x" * 1_000_000}, "answered_on", ""),
    ],
)
def test_bad_paper_input_is_refused_with_a_message_and_nothing_saved(
    personas, time_machine, changes, field, message
):
    time_machine.move_to(TODAY, tick=False)

    response = _api(personas.therapist).post(
        reverse("api-client-responses", args=[personas.client.pk]),
        _paper(**changes),
        format="json",
    )

    assert response.status_code == 400
    assert message in " ".join(str(text) for text in response.json()[field])
    assert not Response.objects.exists()
    assert AccessEvent.objects.count() == 1


def test_another_teams_instrument_cannot_be_used(personas):
    theirs = Instrument.objects.create(
        code="theirs",
        version="1",
        name="Deres",
        definition=custom_definition(),
        team=personas.other_team,
    )

    response = _api(personas.therapist).post(
        reverse("api-client-responses", args=[personas.client.pk]),
        _paper(instrument=theirs.pk, answers=[1, 1, 1]),
        format="json",
    )

    assert response.status_code == 400 and not Response.objects.exists()


def test_the_list_has_the_clients_responses_corrections_included(personas):
    original = a_response(personas.client)
    a_response(ClientFactory(team=personas.team, care_team=[personas.therapist]))
    api = _api(personas.therapist)
    corrected = api.post(
        reverse("api-response-corrections", args=[original.pk]),
        {"answers": [*GAD7, 0, 0, 0], "reason": "Feil ved inntasting"},
        format="json",
    ).json()

    listed = api.get(reverse("api-client-responses", args=[personas.client.pk])).json()["results"]

    assert {row["id"] for row in listed} == {original.pk, corrected["id"]}
    by_id = {row["id"]: row for row in listed}
    assert by_id[original.pk]["superseded_by"] == corrected["id"]
    assert by_id[corrected["id"]]["supersedes"] == original.pk
    assert by_id[corrected["id"]]["correction_reason"] == "Feil ved inntasting"


def test_a_correction_without_a_reason_or_twice_is_refused(personas):
    original = a_response(personas.client)
    api = _api(personas.therapist)
    url = reverse("api-response-corrections", args=[original.pk])

    blank = api.post(url, {"answers": PHQ9, "reason": "   "}, format="json")
    first = api.post(url, {"answers": PHQ9, "reason": "Feil"}, format="json")
    second = api.post(url, {"answers": PHQ9, "reason": "Igjen"}, format="json")

    assert blank.status_code == 400 and "reason" in blank.json()
    assert first.status_code == 201
    assert second.status_code == 400
    assert "allerede rettet" in second.json()["non_field_errors"][0]
    assert Response.objects.count() == 2


def test_there_is_no_way_to_change_or_delete_a_response(personas):
    response = a_response(personas.client)
    api = _api(personas.therapist)
    url = reverse("api-response", args=[response.pk])

    assert api.patch(url, {"total": 0}, format="json").status_code == 405
    assert api.put(url, {"total": 0}, format="json").status_code == 405
    assert api.delete(url).status_code == 405
    response.refresh_from_db()
    assert response.total == 8
