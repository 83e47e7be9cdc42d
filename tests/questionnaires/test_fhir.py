"""FHIR exports: every shipped instrument is a valid R4 Questionnaire, answers a valid response.

fhir.resources has no R4 (4.0.1) package any more; its R4B models check the same Questionnaire
and QuestionnaireResponse structure.
"""

import re
from datetime import UTC, datetime

import pytest
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from questionnaires.definitions import parse_definition
from questionnaires.fhir import ORDINAL_VALUE, questionnaire, questionnaire_response
from questionnaires.scoring import SHIPPED
from tests.questionnaires.definition_data import custom_definition

AUTHORED = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def loinc_codes(codings: list[dict]) -> list[str]:
    return [coding["code"] for coding in codings if coding.get("system") == "http://loinc.org"]


@pytest.mark.parametrize("code", sorted(SHIPPED))
@pytest.mark.parametrize("language", ["nb", "en"])
def test_every_shipped_instrument_exports_as_a_valid_questionnaire(code, language):
    resource = questionnaire(SHIPPED[code], language=language, canonical_base="https://rph.example")

    model = Questionnaire.model_validate(resource)

    assert model.status == "active"
    assert model.language == language
    assert model.url == f"https://rph.example/Questionnaire/{code}"
    assert len(model.item) == len(SHIPPED[code].items) + 1  # the total
    assert re.fullmatch(r"[A-Z][A-Za-z0-9_]{0,254}", model.name)  # FHIR's rule for `name`


def test_the_phq9_questionnaire_carries_the_loinc_panel_item_and_answer_codes():
    resource = questionnaire(SHIPPED["phq9"])

    items = resource["item"]
    assert loinc_codes(resource["code"]) == ["44249-1"]
    assert loinc_codes(items[0]["code"]) == ["44250-9"]
    assert loinc_codes(items[8]["code"]) == ["44260-8"]
    assert loinc_codes(items[9]["code"]) == ["69722-7"]
    assert loinc_codes(items[10]["code"]) == ["44261-6"]
    assert [option["valueCoding"]["code"] for option in items[0]["answerOption"]] == [
        "LA6568-5",
        "LA6569-3",
        "LA6570-1",
        "LA6571-9",
    ]
    assert items[10]["readOnly"] is True


def test_the_gad7_questionnaire_carries_its_loinc_panel():
    resource = questionnaire(SHIPPED["gad7"])

    assert loinc_codes(resource["code"]) == ["69737-5"]
    assert loinc_codes(resource["item"][-1]["code"]) == ["70274-6"]


def test_option_scores_travel_as_ordinal_values():
    option = questionnaire(SHIPPED["auditc"])["item"][1]["answerOption"][4]

    assert option["extension"] == [{"url": ORDINAL_VALUE, "valueDecimal": 4}]
    assert option["valueCoding"]["display"] == "10 eller flere"


def test_the_texts_follow_the_language_asked_for():
    norwegian = questionnaire(SHIPPED["phq9"], language="nb")
    english = questionnaire(SHIPPED["phq9"], language="en")

    assert norwegian["item"][0]["text"] == "Lite interesse for eller glede av å gjøre ting"
    assert english["item"][0]["text"] == "Little interest or pleasure in doing things"
    assert english["copyright"].startswith("Developed by Drs. Robert L. Spitzer")
    assert norwegian["item"][-1]["text"] == "PHQ-9 totalskår"
    assert english["item"][-1]["text"] == "PHQ-9 total score"


def test_a_team_instrument_without_loinc_codes_exports_its_own_codes():
    resource = questionnaire(parse_definition(custom_definition()))

    model = Questionnaire.model_validate(resource)

    assert model.code is None
    assert model.item[0].answerOption[2].valueCoding.code == "2"
    assert model.name == "RPH_SLEEP_CHECK"


def test_a_phq9_response_holds_every_answer_and_the_total():
    answers = [1, 2, 1, 0, 1, 2, 1, 0, 1, 2]  # item 10 included

    resource = questionnaire_response(
        SHIPPED["phq9"],
        answers,
        AUTHORED,
        "Patient/17",
        canonical_base="https://rph.example",
    )

    model = QuestionnaireResponse.model_validate(resource)
    assert model.status == "completed"
    assert model.subject.reference == "Patient/17"
    assert model.questionnaire == "https://rph.example/Questionnaire/phq9|1"
    by_link = {item.linkId: item.answer[0] for item in model.item}
    assert by_link["9"].valueCoding.code == "LA6569-3"
    assert by_link["10"].valueCoding.code == "LA6575-0"  # "Very difficult"
    assert by_link["total"].valueInteger == 9  # item 10 is not scored


def test_a_response_leaves_out_unanswered_items_and_a_total_there_is_none_of():
    answers = [1, None, None, None, 1, 1, 1, 1, 1, None]

    resource = questionnaire_response(SHIPPED["phq9"], answers, AUTHORED, "Patient/17")

    model = QuestionnaireResponse.model_validate(resource)
    assert [item.linkId for item in model.item] == ["1", "5", "6", "7", "8", "9"]


def test_a_response_is_refused_for_bad_answers_or_a_naive_time():
    phq9 = SHIPPED["phq9"]

    with pytest.raises(ValueError, match="10 items"):
        questionnaire_response(phq9, [1] * 9, AUTHORED, "Patient/1")
    with pytest.raises(ValueError):
        questionnaire_response(phq9, [1] * 9 + [7], AUTHORED, "Patient/1")
    with pytest.raises(ValueError):
        questionnaire_response(phq9, [5] + [1] * 9, AUTHORED, "Patient/1")
    with pytest.raises(ValueError, match="aware"):
        questionnaire_response(phq9, [1] * 10, datetime(2026, 3, 2), "Patient/1")
