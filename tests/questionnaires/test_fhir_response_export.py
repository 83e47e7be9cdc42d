"""Any stored response exports as a FHIR R4 QuestionnaireResponse (checked with the R4B
models of fhir.resources, which share the R4 structure)."""

import datetime

import pytest
from django.urls import reverse
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from rest_framework.test import APIClient

from questionnaires.models import Capture
from questionnaires.responses import response_correct, response_submit
from rph.audit.models import AccessEvent
from tests.questionnaires.response_data import GAD7, PHQ9_RISK, shipped

ANSWERED = datetime.datetime.fromisoformat("2026-03-02T09:30:00+01:00")


def _api(user) -> APIClient:
    api = APIClient()
    api.force_login(user)
    return api


def submit(client, code="phq9", answers=PHQ9_RISK):
    return response_submit(
        client=client,
        instrument=shipped(code),
        answers=answers,
        capture=Capture.LINK,
        answered_at=ANSWERED,
    )


def export(user, response, query: str = ""):
    return _api(user).get(reverse("api-response-fhir", args=[response.pk]) + query)


def test_a_phq9_response_exports_as_a_valid_questionnaire_response(personas, settings):
    settings.SITE_URL = "https://rph.example"
    response = submit(personas.client)

    exported = export(personas.therapist, response)

    assert exported.status_code == 200
    assert exported["Content-Type"] == "application/fhir+json"
    model = QuestionnaireResponse.model_validate(exported.json())
    assert model.id == str(response.pk) and model.status == "completed"
    assert model.subject.reference == f"Patient/{personas.client.pk}"
    assert model.questionnaire == "https://rph.example/api/v1/fhir/Questionnaire/phq9|1"
    assert model.authored.isoformat() == ANSWERED.isoformat()
    by_link = {item.linkId: item.answer[0] for item in model.item}
    assert by_link["9"].valueCoding.code == "LA6570-1"  # item 9 = 2
    assert by_link["10"].valueCoding.code == "LA6575-0"  # item 10 kept, "Very difficult"
    assert by_link["total"].valueInteger == 10
    assert AccessEvent.objects.get().path.endswith("/fhir/")


def test_the_export_speaks_the_language_asked_for(personas):
    response = submit(personas.client, "gad7", GAD7)

    english = export(personas.therapist, response, "?lang=en").json()
    norwegian = export(personas.therapist, response).json()

    QuestionnaireResponse.model_validate(english)
    assert english["language"] == "en" and norwegian["language"] == "nb"
    assert english["item"][0]["answer"][0]["valueCoding"]["display"] == "Several days"
    assert norwegian["item"][0]["answer"][0]["valueCoding"]["display"] == "Flere dager"


def test_a_correction_exports_as_amended(personas):
    original = submit(personas.client)
    correction = response_correct(
        original=original, answers=[0] * 10, by=personas.therapist, reason="Feil ved inntasting"
    )

    model = QuestionnaireResponse.model_validate(export(personas.therapist, correction).json())

    assert model.status == "amended"
    assert {item.linkId for item in model.item} >= {"1", "10", "total"}


@pytest.mark.parametrize("persona", ["clerical", "colleague", "admin"])
def test_only_the_care_team_may_export(personas, persona):
    response = submit(personas.client)

    assert export(getattr(personas, persona), response).status_code == 403


def test_another_team_is_told_the_response_does_not_exist(personas):
    response = submit(personas.client)

    assert export(personas.outsider, response).status_code == 404
