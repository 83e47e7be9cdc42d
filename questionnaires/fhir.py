"""FHIR R4 exports of instrument definitions and answers, as plain JSON-ready dicts (pure).

`questionnaire()` gives a Questionnaire (one language per export), with LOINC codes where the
definition has them and each option's score as an `ordinalValue` extension. The total is a
read-only integer item. `questionnaire_response()` gives a completed QuestionnaireResponse
for answers to *all* items (PHQ-9: ten answers, item 10 included), with the total when there
is one. `patient()` gives the Patient, `searchset()` a search Bundle. An item of a kind other
than a scored choice (free text, a scale) maps to its own FHIR type rather than failing.
The tests check every resource against the fhir.resources models.

Canonical URLs live under the API's FHIR base (`/api/v1/fhir`), where they resolve: a
shipped instrument is `<base>/Questionnaire/<code>`, a team's own `<base>/Questionnaire/
<code>.team<id>` (two teams may both have a "wsas").
"""

import re
from collections.abc import Sequence
from datetime import date, datetime, timedelta
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
# The Norwegian identifier systems (HL7 Norway's no-basis profile, Volven OID 2.16.578.1.12.4.1.4).
FNR_SYSTEM = "urn:oid:2.16.578.1.12.4.1.4.1"
DNR_SYSTEM = "urn:oid:2.16.578.1.12.4.1.4.2"
HNR_SYSTEM = "urn:oid:2.16.578.1.12.4.1.4.3"
FHIR_PATH = "/api/v1/fhir"
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
TOTAL_LINK_ID = "total"


def questionnaire(
    definition: Definition,
    *,
    language: str = "nb",
    canonical_base: str | None = None,
    team_id: int | None = None,
) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "id": resource_id(definition, team_id),
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
        resource["url"] = canonical_url(definition, canonical_base, team_id)
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
    team_id: int | None = None,
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
            f"{canonical_url(definition, canonical_base, team_id)}|{definition.version}"
        )
    return resource


def canonical_url(definition: Definition, base: str, team_id: int | None = None) -> str:
    return f"{base.rstrip('/')}/Questionnaire/{logical_name(definition.code, team_id)}"


def logical_name(code: str, team_id: int | None = None) -> str:
    """The instrument's name in its canonical URL; `parse_logical_name` reads it back."""
    return code if team_id is None else f"{code}.team{team_id}"


def parse_logical_name(name: str) -> tuple[str, int | None]:
    match = re.fullmatch(r"(.+)\.team(\d{1,12})", name)
    return (match[1], int(match[2])) if match else (name, None)


def identifier_system(number: str) -> str:
    """Fødselsnummer, D-number (day + 40) or H-number (month + 40)."""
    if int(number[0]) >= 4:
        return DNR_SYSTEM
    if 40 < int(number[2:4]) <= 52:
        return HNR_SYSTEM
    return FNR_SYSTEM


def patient(
    *,
    patient_id: int,
    family: str,
    given: str,
    birth_date: date | None,
    fodselsnummer: str,
    phone: str = "",
) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Patient",
        "id": str(patient_id),
        "name": [{"use": "official", "family": family, "given": given.split()}],
    }
    if fodselsnummer:
        resource["identifier"] = [
            {"use": "official", "system": identifier_system(fodselsnummer), "value": fodselsnummer}
        ]
    if birth_date:
        resource["birthDate"] = birth_date.isoformat()
    if phone:
        resource["telecom"] = [{"system": "phone", "value": phone, "use": "mobile"}]
    return resource


def searchset(
    matches: Sequence[dict[str, Any]],
    *,
    base: str,
    self_url: str,
    included: Sequence[dict[str, Any]] = (),
) -> dict[str, Any]:
    """A search result Bundle; `included` resources (the Patient) are not counted in total."""

    def entry(resource: dict[str, Any], mode: str) -> dict[str, Any]:
        url = f"{base.rstrip('/')}/{resource['resourceType']}/{resource['id']}"
        return {"fullUrl": url, "resource": resource, "search": {"mode": mode}}

    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": len(matches),
        "link": [{"relation": "self", "url": self_url}],
        "entry": [entry(resource, "match") for resource in matches]
        + [entry(resource, "include") for resource in included],
    }


DATE_PREFIXES = ("eq", "ge", "le", "gt", "lt")


def date_bounds(values: Sequence[str]) -> tuple[date | None, date | None]:
    """FHIR `date` search values (`2026-03-01`, `ge2026-01-01`, `lt2026-04-01`) as an
    inclusive (first, last) range of days; ValueError for a value that is not one."""
    first: date | None = None
    last: date | None = None
    for value in values:
        prefix, day_text = (value[:2], value[2:]) if value[:2] in DATE_PREFIXES else ("eq", value)
        day = date.fromisoformat(day_text) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", day_text) else None
        if day is None:
            raise ValueError(value)
        low = {"eq": day, "ge": day, "gt": day + timedelta(days=1)}.get(prefix)
        high = {"eq": day, "le": day, "lt": day - timedelta(days=1)}.get(prefix)
        if low is not None:
            first = low if first is None else max(first, low)
        if high is not None:
            last = high if last is None else min(last, high)
    return first, last


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


def resource_id(definition: Definition, team_id: int | None = None) -> str:
    name = f"{logical_name(definition.code, team_id)}-{definition.version}"
    return re.sub(r"[^A-Za-z0-9\-.]", "-", name)[:64]


def _computable_name(definition: Definition) -> str:
    # FHIR `name` must start with a capital letter and hold letters, digits and _ only.
    return "RPH_" + re.sub(r"\W", "_", definition.code.upper())
