"""Instrument definitions: the shipped ones parse, bad ones are refused with a clear message."""

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import translation

from questionnaires.definitions import (
    SHIPPED_FILES,
    DefinitionError,
    parse_definition,
    parse_definition_json,
    shipped_definition_data,
    shipped_definitions,
)
from tests.questionnaires.definition_data import custom_definition

ATTRIBUTION = (
    "Developed by Drs. Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke and colleagues, "
    "with an educational grant from Pfizer Inc."
)
PHQ_OPTIONS_NB = [
    "Ikke i det hele tatt",
    "Flere dager",
    "Mer enn halvparten av dagene",
    "Nesten hver dag",
]


@pytest.fixture
def english():
    with translation.override("en"):
        yield


def test_every_shipped_file_parses_under_its_own_code():
    shipped = shipped_definitions()

    assert sorted(shipped) == ["auditc", "gad7", "phq9", "satisfaction", "wsas"]
    assert len(SHIPPED_FILES) == len(shipped)


def test_phq9_has_nine_scored_items_and_an_unscored_tenth():
    phq9 = shipped_definitions()["phq9"]

    assert len(phq9.items) == 10
    assert [item.number for item in phq9.scored_items] == list(range(1, 10))
    assert not phq9.items[9].scored
    assert (phq9.min_total, phq9.max_total) == (0, 27)


def test_phq9_and_gad7_use_the_norwegian_response_options_of_the_domain_brief():
    for code in ("phq9", "gad7"):
        definition = shipped_definitions()[code]
        for item in definition.scored_items:
            assert [option.text.get("nb") for option in item.options] == PHQ_OPTIONS_NB
            assert item.values == (0, 1, 2, 3)


def test_phq9_and_gad7_carry_the_pfizer_attribution_in_english():
    for code in ("phq9", "gad7"):
        assert shipped_definitions()[code].attribution.get("en") == ATTRIBUTION


def test_every_shipped_text_exists_in_bokmal_and_english():
    for definition in shipped_definitions().values():
        texts = [definition.title, definition.instructions]
        texts += [item.text for item in definition.items]
        texts += [option.text for item in definition.items for option in item.options]
        texts += [band.label for band in definition.scoring.bands]
        for text in texts:
            assert text.by_language.keys() == {"nb", "en"}


def test_the_bands_and_thresholds_of_the_shipped_instruments_are_those_of_the_brief():
    shipped = shipped_definitions()
    phq9, gad7, auditc = shipped["phq9"], shipped["gad7"], shipped["auditc"]

    assert [(b.code, b.min, b.max) for b in phq9.scoring.bands] == [
        ("minimal", 0, 4),
        ("mild", 5, 9),
        ("moderate", 10, 14),
        ("moderately_severe", 15, 19),
        ("severe", 20, 27),
    ]
    assert [(b.code, b.min, b.max) for b in gad7.scoring.bands] == [
        ("minimal", 0, 4),
        ("mild", 5, 9),
        ("moderate", 10, 14),
        ("severe", 15, 21),
    ]
    assert (phq9.scoring.caseness_min, phq9.scoring.reliable_change) == (10, 6)
    assert (gad7.scoring.caseness_min, gad7.scoring.reliable_change) == (8, 4)
    assert (phq9.scoring.missing.max_missing, gad7.scoring.missing.max_missing) == (2, 1)
    assert {(c.code, c.min) for c in auditc.scoring.cutoffs} == {
        ("positive_men", 4),
        ("positive_women", 3),
    }
    assert (auditc.min_total, auditc.max_total) == (0, 12)


def test_phq9_item_9_is_the_risk_item():
    (risk,) = shipped_definitions()["phq9"].risk_items

    assert (risk.item, risk.min_value) == (9, 1)
    assert (risk.flag, risk.unanswered_flag) == ("self_harm", "self_harm_unanswered")


def test_the_shipped_panels_carry_their_loinc_codes():
    shipped = shipped_definitions()

    assert shipped["phq9"].loinc == "44249-1"
    assert shipped["gad7"].loinc == "69737-5"
    assert shipped["auditc"].loinc == "72109-2"


def test_a_good_custom_definition_is_accepted():
    definition = parse_definition(custom_definition())

    assert definition.code == "sleep_check"
    assert len(definition.scored_items) == 4
    assert definition.items[4].text.get("en") == "Testspørsmål E (ikke skåret)"  # nb fallback
    assert definition.band_for(6).code == "high"


def test_a_definition_may_give_each_item_its_own_options():
    data = custom_definition()
    shared = data.pop("options")
    for item in data["items"][:4]:
        item["options"] = shared
    data["items"][0]["options"] = [*shared, {"value": 4, "text": "Alltid"}]
    data["scoring"]["missing"] = {"max_missing": 0, "prorate": False}
    data["scoring"]["bands"][-1]["max"] = 13

    assert parse_definition(data).max_total == 13


def _drop_items(data: dict[str, Any]) -> None:
    del data["items"]


def _no_items(data: dict[str, Any]) -> None:
    data["items"] = []


def _item_without_text(data: dict[str, Any]) -> None:
    del data["items"][1]["text"]


def _repeated_option_value(data: dict[str, Any]) -> None:
    data["options"][2]["value"] = 1


def _fractional_option_value(data: dict[str, Any]) -> None:
    data["options"][2]["value"] = 1.5


def _boolean_option_value(data: dict[str, Any]) -> None:
    data["options"][1]["value"] = True


def _mixed_scales_with_proration(data: dict[str, Any]) -> None:
    data["items"][0]["options"] = [{"value": 0, "text": "Nei"}, {"value": 1, "text": "Ja"}]
    data["scoring"]["bands"][-1]["max"] = 10


def _bands_not_reaching_the_highest_total(data: dict[str, Any]) -> None:
    data["scoring"]["bands"][-1]["max"] = 11


def _bands_beyond_the_option_values(data: dict[str, Any]) -> None:
    data["scoring"]["bands"][-1]["max"] = 27


def _band_gap(data: dict[str, Any]) -> None:
    data["scoring"]["bands"][1]["min"] = 7


def _band_overlap(data: dict[str, Any]) -> None:
    data["scoring"]["bands"][1]["min"] = 5


def _risk_item_out_of_range(data: dict[str, Any]) -> None:
    data["risk_items"][0]["item"] = 11


def _risk_item_not_scored(data: dict[str, Any]) -> None:
    data["risk_items"][0]["item"] = 5


def _risk_trigger_not_an_option(data: dict[str, Any]) -> None:
    data["risk_items"][0]["min_value"] = 7


def _risk_trigger_on_every_answer(data: dict[str, Any]) -> None:
    data["risk_items"][0]["min_value"] = 0


def _text_without_bokmal(data: dict[str, Any]) -> None:
    data["items"][2]["text"] = {"en": "Only English"}


def _unknown_field(data: dict[str, Any]) -> None:
    data["itmes"] = data["items"]


def _all_may_be_missing(data: dict[str, Any]) -> None:
    data["scoring"]["missing"]["max_missing"] = 4


def _unknown_method(data: dict[str, Any]) -> None:
    data["scoring"]["method"] = "mean"


def _caseness_beyond_range(data: dict[str, Any]) -> None:
    data["scoring"]["caseness_min"] = 13


def _bad_code(data: dict[str, Any]) -> None:
    data["code"] = "Søvn sjekk"


def _repeated_item_ids(data: dict[str, Any]) -> None:
    data["items"][1]["id"] = "a"


BAD: dict[str, tuple[Callable[[dict[str, Any]], None], str]] = {
    "no items key": (_drop_items, "The definition is missing: items."),
    "empty items": (_no_items, "The definition has no items."),
    "item without text": (_item_without_text, "Item 2 is missing: text."),
    "repeated option value": (_repeated_option_value, "options: two options have the same value."),
    "fractional option": (_fractional_option_value, "option 3: the value must be a whole number."),
    "boolean option": (_boolean_option_value, "option 2: the value must be a whole number."),
    "mixed scales": (_mixed_scales_with_proration, "same option values"),
    "band short": (_bands_not_reaching_the_highest_total, "from 0 to 12; they cover 0 to 11"),
    "band too far": (_bands_beyond_the_option_values, "from 0 to 12; they cover 0 to 27"),
    "band gap": (_band_gap, "There is a gap between the bands low and high (6-6)."),
    "band overlap": (_band_overlap, "The bands low and high overlap."),
    "risk out of range": (
        _risk_item_out_of_range,
        "Risk item 1 points to item 11, but the definition has 5 items.",
    ),
    "risk unscored": (_risk_item_not_scored, "item 5 is not scored"),
    "risk value": (_risk_trigger_not_an_option, "above the lowest: 1, 2, 3."),
    "risk always": (_risk_trigger_on_every_answer, "above the lowest: 1, 2, 3."),
    "no bokmal": (_text_without_bokmal, "Item 3 needs a text in bokmål (nb)."),
    "unknown field": (_unknown_field, "The definition has unknown fields: itmes."),
    "all missing": (_all_may_be_missing, "max_missing must lie between 0 and 3"),
    "method": (_unknown_method, "The scoring method must be one of: sum."),
    "caseness": (_caseness_beyond_range, "caseness_min must lie between 1 and 12."),
    "code": (_bad_code, 'code: "Søvn sjekk" is not allowed'),
    "item ids": (_repeated_item_ids, "Item ids must be unique; repeated: a."),
}


@pytest.mark.parametrize(("spoil", "message"), BAD.values(), ids=BAD.keys())
def test_a_bad_definition_is_refused_with_a_message_saying_where(english, spoil, message):
    data = custom_definition()
    spoil(data)

    with pytest.raises(DefinitionError) as refused:
        parse_definition(data)

    assert message in str(refused.value)
    assert isinstance(refused.value, ValueError)


@pytest.mark.parametrize("spoil", [spoil for spoil, _ in BAD.values()], ids=BAD.keys())
def test_every_refusal_reads_in_norwegian_in_the_norwegian_ui(spoil):
    data = custom_definition()
    spoil(data)

    with translation.override("en"), pytest.raises(DefinitionError) as in_english:
        parse_definition(data)
    with translation.override("nb"), pytest.raises(DefinitionError) as in_norwegian:
        parse_definition(data)

    assert str(in_norwegian.value) != str(in_english.value)


@pytest.mark.parametrize("data", [None, [], "text", 3])
def test_something_other_than_an_object_is_refused(english, data):
    with pytest.raises(DefinitionError, match=r"The definition must be a JSON object\."):
        parse_definition(data)


def test_text_that_is_not_json_is_refused_with_its_position(english):
    with pytest.raises(DefinitionError, match=r"not valid JSON \(line 2, column 1\)"):
        parse_definition_json('{"code": "x",\n}')


def test_a_definition_round_trips_through_json():
    raw = json.dumps(custom_definition(), ensure_ascii=False).encode()

    assert parse_definition_json(raw) == parse_definition(custom_definition())


def test_the_decoded_shipped_data_is_what_the_parser_reads():
    data = shipped_definition_data()

    assert {code: parse_definition(raw) for code, raw in data.items()} == shipped_definitions()
