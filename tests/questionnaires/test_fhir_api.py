"""The FHIR endpoints resolve: a response's `questionnaire` canonical is a Questionnaire one can
GET, its `subject` a Patient, and a client's responses come as a searchable Bundle. Every
resource is checked with the fhir.resources R4B models (the R4 structure)."""

import datetime

import pytest
from django.urls import reverse
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from rest_framework.test import APIClient

from questionnaires.fhir import DNR_SYSTEM, FNR_SYSTEM, HNR_SYSTEM, identifier_system
from questionnaires.models import Capture, Instrument
from questionnaires.responses import response_correct, response_submit
from rph.audit.models import AccessEvent
from tests.intake.factories import ClientFactory
from tests.personas import CLIENT_STAFF, NOT_CARE_TEAM, Page, cases, expect
from tests.questionnaires.definition_data import custom_definition
from tests.questionnaires.response_data import GAD7, PHQ9, PHQ9_RISK, shipped

BASE = "https://rph.example/api/v1/fhir"
MARCH = datetime.datetime.fromisoformat("2026-03-02T09:30:00+01:00")
APRIL = datetime.datetime.fromisoformat("2026-04-06T09:30:00+02:00")
FNR = "15038012379"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "https://rph.example"


def _api(user) -> APIClient:
    api = APIClient()
    api.force_login(user)
    return api


def submit(client, code="phq9", answers=PHQ9, at=MARCH, instrument=None):
    return response_submit(
        client=client,
        instrument=instrument or shipped(code),
        answers=answers,
        capture=Capture.LINK,
        answered_at=at,
    )


def get(user, path: str, **params):
    return _api(user).get(path, params)


def path_of(url: str) -> str:
    return url.removeprefix("https://rph.example")


def test_the_response_canonical_resolves_to_its_questionnaire(personas):
    response = submit(personas.client, answers=PHQ9_RISK)
    exported = get(personas.therapist, reverse("api-fhir-response", args=[response.pk])).json()
    model = QuestionnaireResponse.model_validate(exported)
    canonical, version = model.questionnaire.split("|")

    fetched = get(personas.therapist, path_of(canonical), version=version)

    assert fetched.status_code == 200 and fetched["Content-Type"] == "application/fhir+json"
    questionnaire = Questionnaire.model_validate(fetched.json())
    assert questionnaire.url == canonical == f"{BASE}/Questionnaire/phq9"
    assert questionnaire.version == version == "1"
    assert questionnaire.code[0].code == "44249-1"  # the PHQ-9 panel
    link_ids = {item.linkId for item in questionnaire.item}
    assert {answer.linkId for answer in model.item} <= link_ids
    item9 = next(item for item in questionnaire.item if item.linkId == "9")
    assert item9.code[0].code == "44260-8"
    # The subject resolves too.
    patient = get(personas.therapist, f"/api/v1/fhir/{model.subject.reference}")
    assert Patient.model_validate(patient.json()).id == str(personas.client.pk)


def test_the_questionnaire_search_finds_a_version_by_canonical_and_code(personas):
    search = get(
        personas.clerical, "/api/v1/fhir/Questionnaire", url=f"{BASE}/Questionnaire/gad7|1"
    )
    by_code = get(personas.clerical, "/api/v1/fhir/Questionnaire", code="auditc")
    elsewhere = get(
        personas.clerical, "/api/v1/fhir/Questionnaire", url="https://x/Questionnaire/gad7"
    )

    bundle = Bundle.model_validate(search.json())
    assert bundle.type == "searchset" and bundle.total == 1
    assert bundle.entry[0].resource.url == f"{BASE}/Questionnaire/gad7"
    assert bundle.entry[0].fullUrl == f"{BASE}/Questionnaire/gad7-1"
    assert [e["resource"]["code"][0]["code"] for e in by_code.json()["entry"]] == ["72109-2"]
    assert elsewhere.json()["total"] == 0


def test_a_teams_own_instrument_resolves_for_that_team_only(personas):
    own = Instrument.objects.create(
        code="sleep_check", version="1", name="Søvn", definition=custom_definition(),
        team=personas.team,
    )  # fmt: skip
    response = submit(personas.client, answers=[1, 2, 0, 3, 1], instrument=own)
    exported = get(personas.therapist, reverse("api-fhir-response", args=[response.pk])).json()
    canonical = exported["questionnaire"].split("|")[0]

    assert canonical == f"{BASE}/Questionnaire/sleep_check.team{personas.team.pk}"
    mine = get(personas.therapist, path_of(canonical))
    Questionnaire.model_validate(mine.json())
    assert mine.json()["id"] == f"sleep-check.team{personas.team.pk}-1"
    assert get(personas.outsider, path_of(canonical)).status_code == 404
    assert get(personas.therapist, "/api/v1/fhir/Questionnaire/sleep_check").status_code == 404


def test_an_unknown_questionnaire_or_version_is_404(personas):
    assert get(personas.therapist, "/api/v1/fhir/Questionnaire/nope").status_code == 404
    unknown_version = get(personas.therapist, "/api/v1/fhir/Questionnaire/phq9", version="99")
    assert unknown_version.status_code == 404


def test_a_clients_responses_are_a_bundle_searchable_by_date_and_instrument(personas):
    march_phq = submit(personas.client, at=MARCH)
    submit(personas.client, "gad7", GAD7, at=MARCH)
    april_phq = submit(personas.client, at=APRIL)
    corrected = response_correct(
        original=april_phq, answers=[0] * 10, by=personas.therapist, reason="Feil ved inntasting"
    )
    submit(ClientFactory(team=personas.other_team), "gad7", GAD7, at=APRIL)
    url = "/api/v1/fhir/QuestionnaireResponse"
    pk = personas.client.pk

    everything = get(personas.therapist, url, patient=pk, _include="QuestionnaireResponse:subject")
    phq_only = get(personas.therapist, url, patient=pk, questionnaire=f"{BASE}/Questionnaire/phq9")
    by_code_and_date = get(personas.therapist, url + "?questionnaire=phq9&date=lt2026-04-01"
                           f"&date=ge2026-03-01&subject=Patient/{pk}")  # fmt: skip

    bundle = Bundle.model_validate(everything.json())
    matches = [e.resource for e in bundle.entry if e.search.mode == "match"]
    included = [e.resource for e in bundle.entry if e.search.mode == "include"]
    assert bundle.total == 3 == len(matches)  # the superseded April answer is left out
    assert april_phq.pk not in {int(r.id) for r in matches}
    assert next(r for r in matches if r.id == str(corrected.pk)).status == "amended"
    assert [r.get_resource_type() for r in included] == ["Patient"]
    assert {int(e["resource"]["id"]) for e in phq_only.json()["entry"]} == {
        march_phq.pk,
        corrected.pk,
    }
    assert [e["resource"]["id"] for e in by_code_and_date.json()["entry"]] == [str(march_phq.pk)]
    assert AccessEvent.objects.filter(subject_id=pk).count() == 3


@pytest.mark.parametrize(
    "query",
    ["", "patient=abc", "patient=1&date=2026-13-01", "patient=1&date=yesterday", "date=ge2026"],
)
def test_bad_search_input_is_a_400_with_the_reason(personas, query):
    response = _api(personas.therapist).get(
        "/api/v1/fhir/QuestionnaireResponse?" + query.replace("1", str(personas.client.pk), 1)
    )

    assert response.status_code == 400
    assert set(response.json()) <= {"patient", "date"}
    assert not AccessEvent.objects.exists()


def test_the_patient_carries_the_fodselsnummer_under_its_official_system(personas):
    personas.client.fodselsnummer = FNR
    personas.client.birth_date = datetime.date(1980, 3, 15)
    personas.client.save()

    resource = get(personas.clerical, reverse("api-fhir-patient", args=[personas.client.pk]))

    patient = Patient.model_validate(resource.json())
    assert patient.identifier[0].system == "urn:oid:2.16.578.1.12.4.1.4.1"
    assert patient.identifier[0].value == FNR
    assert patient.birthDate.isoformat() == "1980-03-15"
    assert patient.name[0].family == "Klientsen-Ødegård"


def test_without_a_number_the_patient_has_no_identifier(personas):
    resource = get(personas.therapist, reverse("api-fhir-patient", args=[personas.client.pk]))

    assert "identifier" not in Patient.model_validate(resource.json()).model_dump()


@pytest.mark.parametrize(
    ("number", "system"),
    [(FNR, FNR_SYSTEM), ("55038012362", DNR_SYSTEM), ("15438012351", HNR_SYSTEM)],
)
def test_d_and_h_numbers_get_their_own_systems(number, system):
    assert identifier_system(number) == system


def _client_fhir(name: str):
    return lambda p: reverse(name, args=[p.client.pk])


ENDPOINTS = [
    Page(
        "patient",
        _client_fhir("api-fhir-patient"),
        expect(CLIENT_STAFF, denied="admin", missing="outsider"),
        logs_a_view=True,
    ),
    Page(
        "responses bundle",
        lambda p: reverse("api-fhir-response-search") + f"?patient={p.client.pk}",
        expect("therapist", denied=NOT_CARE_TEAM, missing="outsider"),
        logs_a_view=True,
    ),
    Page(
        "response",
        lambda p: reverse("api-fhir-response", args=[submit(p.client).pk]),
        expect("therapist", denied=NOT_CARE_TEAM, missing="outsider"),
        logs_a_view=True,
    ),
]


@pytest.mark.parametrize(("page", "persona", "status"), cases(ENDPOINTS))
def test_each_persona_gets_what_the_table_says(personas, page, persona, status):
    url = page.url(personas)
    before = AccessEvent.objects.count()

    response = _api(getattr(personas, persona)).get(url)

    assert response.status_code == status
    assert AccessEvent.objects.count() - before == (1 if status < 300 else 0)


def test_questionnaires_need_a_login_and_a_team_role(personas, django_user_model):
    assert APIClient().get("/api/v1/fhir/Questionnaire/phq9").status_code == 401
    assert get(personas.outsider, "/api/v1/fhir/Questionnaire/phq9").status_code == 200
