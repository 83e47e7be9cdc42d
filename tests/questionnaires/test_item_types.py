"""The instrument format: free text, multiple and unscored single choice, a 0-100 scale,
optional items and sections; bad definitions are refused with a clear Norwegian message."""

import pytest
from django.core.exceptions import ValidationError

from questionnaires.definitions import (
    NOT_APPLICABLE,
    DefinitionError,
    parse_definition,
)
from questionnaires.forms import AnswersForm, field_name
from questionnaires.responses import answers_check
from questionnaires.scoring import score_definition
from tests.questionnaires.definition_data import custom_definition


def survey() -> dict:
    """Two scored items, then a section of unscored items of every other type."""
    data = custom_definition()
    data["risk_items"] = []
    data["scoring"] = {"method": "sum", "missing": {"max_missing": 0, "prorate": False}}
    data["items"] = [
        {"id": "a", "text": "Skåret A"},
        {"id": "b", "text": "Skåret B"},
        {
            "id": "where",
            "type": "choice",
            "scored": False,
            "section": {"nb": "Om deg", "en": "About you"},
            "text": "Hvor hørte du om oss?",
            "options": [{"value": 1, "text": "Fastlegen"}, {"value": 2, "text": "NAV"}],
        },
        {
            "id": "helped",
            "type": "multiple",
            "text": "Hva hjalp?",
            "options": [
                {"value": 1, "text": "Samtalene"},
                {"value": 2, "text": "Kurset"},
                {"value": 3, "text": "Selvhjelp"},
            ],
        },
        {"id": "health", "type": "scale", "text": "Helsen i dag", "anchors": ["Verst", "Best"]},
        {"id": "better", "type": "text", "optional": True, "text": "Hva kunne vært bedre?"},
    ]
    return data


def post(definition, values: dict) -> dict:
    data = {}
    for item in definition.items:
        value = values.get(item.id)
        if value is not None:
            data[field_name(item)] = value
    return data


def test_every_item_type_parses_with_sections_optional_items_and_scale_anchors():
    definition = parse_definition(survey())

    types = [(item.id, item.type, item.scored, item.optional) for item in definition.items]
    assert types == [
        ("a", "choice", True, False),
        ("b", "choice", True, False),
        ("where", "choice", False, False),
        ("helped", "multiple", False, False),
        ("health", "scale", False, False),
        ("better", "text", False, True),
    ]
    assert definition.items[2].section.get("en") == "About you"
    assert [str(text) for text in definition.items[4].anchors] == ["Verst", "Best"]
    assert (definition.min_total, definition.max_total) == (0, 6)


def test_the_form_takes_each_type_and_stores_it_as_the_client_gave_it():
    definition = parse_definition(survey())
    form = AnswersForm(
        post(
            definition,
            {
                "a": "2",
                "b": "3",
                "where": "2",
                "helped": ["3", "1"],
                "health": "65",
                "better": "  Kortere ventetid  ",
            },
        ),
        definition=definition,
        language="nb",
    )

    assert form.is_valid(), form.errors
    answers = form.answers()
    assert answers == [2, 3, 2, [1, 3], 65, "Kortere ventetid"]
    assert answers_check(definition, answers) == answers
    score = score_definition(definition, answers[:2])
    assert (score.total, score.answered) == (5, 2)
    texts = [item.answer_text(value) for item, value in zip(definition.items, answers, strict=True)]
    assert texts[2:] == ["NAV", "Samtalene, Selvhjelp", "65", "Kortere ventetid"]


def test_an_optional_item_left_out_is_not_pointed_out_but_a_required_one_is():
    definition = parse_definition(survey())
    form = AnswersForm(
        post(definition, {"a": "1", "b": "1", "where": "1", "helped": ["2"]}),
        definition=definition,
        language="nb",
    )

    assert form.is_valid()
    assert form.missing_numbers() == [5]  # the scale; item 6 (free text) is optional


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("health", "101", "100"),
        ("health", "-1", "0"),
        ("helped", ["4"], "4"),
        ("better", "x" * 2001, "2000"),
    ],
)
def test_the_form_refuses_answers_that_do_not_fit_the_type(field, value, message):
    definition = parse_definition(survey())
    form = AnswersForm(post(definition, {field: value}), definition=definition, language="nb")

    assert not form.is_valid()
    assert message in " ".join(
        form.errors[field_name(next(i for i in definition.items if i.id == field))]
    )


@pytest.mark.parametrize(
    ("position", "value"),
    [
        (3, [1, 1]),  # the same option twice
        (3, []),  # an empty choice is None, not []
        (3, 2),  # not a list
        (4, 100.5),
        (4, True),
        (5, ""),
        (5, 7),
        (2, [1]),
        (0, NOT_APPLICABLE),  # the item does not allow it
    ],
)
def test_stored_answers_of_the_wrong_shape_are_refused_in_norwegian(position, value):
    definition = parse_definition(survey())
    answers = [1, 1, 1, [2], 50, None]
    answers[position] = value

    with pytest.raises(ValidationError) as refused:
        answers_check(definition, answers)
    assert f"spørsmål {position + 1}: svaret må" in refused.value.messages[0]


def change(mutate) -> dict:
    data = survey()
    mutate(data)
    return data


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            change(lambda d: d["items"][3].update(scored=True)),
            "bare spørsmål med ett svaralternativ",
        ),
        (
            change(lambda d: d["items"][4].update(type="slider")),
            "type må være en av: choice, multiple",
        ),
        (
            change(
                lambda d: d["items"][5].update(
                    options=[{"value": 0, "text": "x"}, {"value": 1, "text": "y"}]
                )
            ),
            "har ingen svaralternativer",
        ),
        (change(lambda d: d["items"][4].update(anchors=["bare en"])), "anchors er to tekster"),
        (change(lambda d: d["items"][5].update(anchors=["a", "b"])), "bare et skalaspørsmål"),
        (change(lambda d: d["items"][3].update(not_applicable="Ikke aktuelt")), "ikke aktuelt"),
        (change(lambda d: d["items"][0].update(not_applicable="Ikke aktuelt")), "prorate er true"),
        (
            change(lambda d: d["items"][5].update(optional="ja")),
            "optional må være true eller false",
        ),
        (change(lambda d: d["items"][2].update(section={"en": "Only English"})), "bokmål"),
        (change(lambda d: d["items"].__setitem__(slice(0, 2), [])), "minst ett"),
    ],
)
def test_bad_definitions_are_refused_with_a_message_that_says_where(data, message):
    with pytest.raises(DefinitionError) as refused:
        parse_definition(data)

    assert message.lower() in str(refused.value).lower()


@pytest.mark.django_db
def test_a_team_survey_added_without_code_is_answered_on_the_link_and_shown_to_staff(
    personas, client, login
):
    from django.urls import reverse

    from questionnaires.models import Instrument, Response
    from questionnaires.services import instrument_save
    from tests.questionnaires.response_data import new_link

    data = survey()
    data["code"] = "end_survey"
    instrument_save(instrument=Instrument(), team=personas.team, data=data, active=True)
    definition = parse_definition(data)
    _invitation, path = new_link(personas.client, codes=["end_survey"])

    page = client.get(path).content.decode()
    assert 'data-testid="section"' in page and "Om deg" in page
    assert 'type="checkbox"' in page and 'type="number"' in page and "<textarea" in page
    assert "(valgfritt)" in page

    posted = post(
        definition,
        {"a": "1", "b": "0", "where": "1", "helped": ["2"], "health": "40", "better": "Mer tid"},
    )
    done = client.post(path, {"instrument": "end_survey", **posted})

    assert done.status_code == 302
    response = Response.objects.get(instrument_code="end_survey")
    assert response.answers == [1, 0, 1, [2], 40, "Mer tid"]
    assert response.total == 1
    detail = login(personas.therapist).get(
        reverse("questionnaires:response_detail", args=[personas.client.pk, response.pk])
    )
    assert "Mer tid" in detail.content.decode() and "Kurset" in detail.content.decode()
