"""FHIR R4 exports of instrument definitions and answers, as plain JSON-ready dicts (pure).

`questionnaire()` gives a Questionnaire (one language per export), with LOINC codes where the
definition has them and each option's score as an `ordinalValue` extension. The total is a
read-only integer item. `questionnaire_response()` gives a completed QuestionnaireResponse
for answers to *all* items (PHQ-9: ten answers, item 10 included), with the total when there
is one. The tests check both against the fhir.resources models.
"""

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from questionnaires.definitions import (
    CHOICE,
    MULTIPLE,
    NOT_APPLICABLE,
    SCALE,
    TEXT,
    Definition,
    Item,
    Option,
)
from questionnaires.scoring import score_definition

LOINC = "http://loinc.org"
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
TOTAL_LINK_ID = "total"


def questionnaire(
    definition: Definition, *, language: str = "nb", canonical_base: str | None = None
) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "id": _resource_id(definition),
        "language": language,
        "version": definition.version,
        "name": _computable_name(definition),
        "title": definition.title.get(language),
        "status": "active",
        "subjectType": ["Patient"],
        "description": definition.instructions.get(language),
        "item": [_item(item, language) for item in definition.items],
    }
    resource["item"].append(_total_item(definition, language))
    if canonical_base:
        resource["url"] = canonical_url(definition, canonical_base)
    if definition.loinc:
        resource["code"] = [{"system": LOINC, "code": definition.loinc, "display": definition.name}]
    if definition.attribution:
        resource["copyright"] = definition.attribution.get(language)
    return resource


def questionnaire_response(
    definition: Definition,
    answers: Sequence[int | None],
    authored: datetime,
    subject_reference: str,
    *,
    language: str = "nb",
    canonical_base: str | None = None,
) -> dict[str, Any]:
    """A completed response; `answers` covers every item in order, None when unanswered."""
    if authored.tzinfo is None:
        raise ValueError("authored must be an aware datetime.")
    if len(answers) != len(definition.items):
        raise ValueError(
            f"{definition.name} has {len(definition.items)} items; got {len(answers)} answers."
        )
    scored_answers = [
        value for item, value in zip(definition.items, answers, strict=True) if item.scored
    ]
    score = score_definition(definition, scored_answers)  # checks the scored values too
    items = [
        _answered_item(item, value, language)
        for item, value in zip(definition.items, answers, strict=True)
        if value is not None
    ]
    if score.total is not None:
        items.append({"linkId": TOTAL_LINK_ID, "answer": [{"valueInteger": score.total}]})
    resource: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "language": language,
        "status": "completed",
        "subject": {"reference": subject_reference},
        "authored": authored.isoformat(),
        "item": items,
    }
    if canonical_base:
        resource["questionnaire"] = (
            f"{canonical_url(definition, canonical_base)}|{definition.version}"
        )
    return resource


def canonical_url(definition: Definition, base: str) -> str:
    return f"{base.rstrip('/')}/Questionnaire/{definition.code}"


# RPH item type -> FHIR item type; a multiple-choice item is a repeating choice.
_FHIR_TYPES = {CHOICE: "choice", MULTIPLE: "choice", TEXT: "text", SCALE: "integer"}


def _item(item: Item, language: str) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "linkId": item.id,
        "prefix": f"{item.number}.",
        "text": item.text.get(language),
        "type": _FHIR_TYPES[item.type],
        "required": False,
    }
    if item.options:
        entry["answerOption"] = [_option(option, language) for option in item.options]
    if item.not_applicable:
        entry["answerOption"].append(
            {"valueCoding": {"code": NOT_APPLICABLE, "display": item.not_applicable.get(language)}}
        )
    if item.type == MULTIPLE:
        entry["repeats"] = True
    if item.loinc:
        entry["code"] = [{"system": LOINC, "code": item.loinc}]
    return entry


def _option(option: Option, language: str) -> dict[str, Any]:
    return {
        "valueCoding": _coding(option, language),
        "extension": [{"url": ORDINAL_VALUE, "valueDecimal": option.value}],
    }


def _coding(option: Option, language: str) -> dict[str, Any]:
    display = option.text.get(language)
    if option.loinc:
        return {"system": LOINC, "code": option.loinc, "display": display}
    return {"code": str(option.value), "display": display}


def _total_item(definition: Definition, language: str) -> dict[str, Any]:
    with translation.override(language):
        text = _("%(name)s total score") % {"name": definition.name}
    entry: dict[str, Any] = {
        "linkId": TOTAL_LINK_ID,
        "text": text,
        "type": "integer",
        "readOnly": True,
    }
    if definition.scoring.total_loinc:
        entry["code"] = [{"system": LOINC, "code": definition.scoring.total_loinc}]
    return entry


def _answered_item(item: Item, value: Any, language: str) -> dict[str, Any]:
    entry = {"linkId": item.id, "text": item.text.get(language)}
    if item.type == TEXT and isinstance(value, str):
        return entry | {"answer": [{"valueString": value}]}
    if item.type == SCALE and isinstance(value, int) and not isinstance(value, bool):
        return entry | {"answer": [{"valueInteger": value}]}
    if value == NOT_APPLICABLE and item.not_applicable:
        display = item.not_applicable.get(language)
        return entry | {"answer": [{"valueCoding": {"code": NOT_APPLICABLE, "display": display}}]}
    chosen = value if item.type == MULTIPLE and isinstance(value, list) else [value]
    options = [next((o for o in item.options if o.value == v), None) for v in chosen]
    if not chosen or None in options or any(isinstance(v, bool) for v in chosen):
        raise ValueError(f"Item {item.number}: {value!r} is not one of {list(item.values)}.")
    return entry | {"answer": [{"valueCoding": _coding(o, language)} for o in options if o]}


def _resource_id(definition: Definition) -> str:
    return re.sub(r"[^A-Za-z0-9\-.]", "-", f"{definition.code}-{definition.version}")[:64]


def _computable_name(definition: Definition) -> str:
    # FHIR `name` must start with a capital letter and hold letters, digits and _ only.
    return "RPH_" + re.sub(r"\W", "_", definition.code.upper())
