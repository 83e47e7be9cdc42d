"""Instrument definitions as data: parse and check a JSON definition, load the shipped ones.

A definition holds everything needed to show and score one version of a questionnaire: item
texts and response options (bokmål required, English optional), which items are scored, the
scoring rule, bands, caseness cut-off, reliable-change threshold, the missing-item rule and
the risk items. Shipped definitions live in `questionnaires/instruments/*.json`; a team adds
its licensed instruments through the admin, checked by the same parser. Pure: no database.

Messages are translated when raised (the admin shows them in Norwegian); each says where in
the definition the problem is, counting items from 1.
"""

import itertools
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from importlib import resources
from types import MappingProxyType
from typing import Any

from django.utils.translation import gettext as _

SCHEMA_VERSION = 1
LANGUAGES = ("nb", "nn", "en")
SCORING_METHODS = ("sum",)
SHIPPED_FILES = ("phq9.json", "gad7.json", "auditc.json", "wsas.json", "satisfaction.json")

MAX_ITEMS = 100
MAX_OPTIONS = 20
MAX_TEXT = 2000
MAX_ANSWER_TEXT = 2000  # a free-text answer

# Item types. Only `choice` items can be scored; the others are recorded as they are.
CHOICE = "choice"  # one option: an int value, or NOT_APPLICABLE where the item allows it
MULTIPLE = "multiple"  # any number of options: a sorted list of their values
TEXT = "text"  # free text: a string of at most MAX_ANSWER_TEXT characters
SCALE = "scale"  # a whole number from SCALE_MIN to SCALE_MAX (a 0-100 scale)
ITEM_TYPES = (CHOICE, MULTIPLE, TEXT, SCALE)
SCALE_MIN, SCALE_MAX = 0, 100
# The stored answer of an item answered "not applicable" (WSAS work item for someone not in
# work): neither a value nor a gap. How the total treats it: scoring.score_definition.
NOT_APPLICABLE = "na"

_CODE = re.compile(r"^[a-z][a-z0-9_]{1,29}$")
_VERSION = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.\-]{0,19}$")
_LOINC = re.compile(r"^(LA|LP|LL)?\d{1,8}-\d$")


class DefinitionError(ValueError):
    """A definition that cannot be used; the message says where and why."""


@dataclass(frozen=True)
class Text:
    """One text in several languages; bokmål is always there and is the fallback."""

    by_language: Mapping[str, str]

    def get(self, language: str = "nb") -> str:
        return self.by_language.get(language) or self.by_language["nb"]

    def __str__(self) -> str:
        return self.get()


@dataclass(frozen=True)
class Option:
    value: int
    text: Text
    loinc: str | None = None


@dataclass(frozen=True)
class Item:
    number: int  # 1-based position among all items, as printed on the form
    id: str
    text: Text
    options: tuple[Option, ...]
    scored: bool = True
    loinc: str | None = None
    type: str = CHOICE
    optional: bool = False  # the client is not asked about it when left out
    section: Text | None = None  # a heading that starts a new section before this item
    not_applicable: Text | None = None  # the label of a "not applicable" answer
    anchors: tuple[Text, Text] | None = None  # a scale's words at SCALE_MIN and SCALE_MAX

    @property
    def values(self) -> tuple[int, ...]:
        return tuple(option.value for option in self.options)

    def answer_text(self, value: object, language: str = "nb") -> str:
        """The answer as the client saw it: option texts, the free text, the scale number."""
        if value is None:
            return ""
        if value == NOT_APPLICABLE and self.not_applicable:
            return self.not_applicable.get(language)
        if self.type == TEXT or self.type == SCALE:
            return str(value)
        chosen = value if isinstance(value, list) else [value]
        return ", ".join(o.text.get(language) for o in self.options if o.value in chosen)


@dataclass(frozen=True)
class Band:
    code: str
    min: int
    max: int
    label: Text

    def contains(self, total: int) -> bool:
        return self.min <= total <= self.max


@dataclass(frozen=True)
class Cutoff:
    """A named threshold reached at `min` or above (AUDIT-C: one for men, one for women)."""

    code: str
    min: int
    label: Text


@dataclass(frozen=True)
class RiskItem:
    item: int  # 1-based item number
    min_value: int
    flag: str
    unanswered_flag: str | None = None


@dataclass(frozen=True)
class MissingRule:
    max_missing: int
    prorate: bool


@dataclass(frozen=True)
class Scoring:
    method: str
    missing: MissingRule
    bands: tuple[Band, ...] = ()
    caseness_min: int | None = None
    reliable_change: int | None = None
    cutoffs: tuple[Cutoff, ...] = ()
    total_loinc: str | None = None


@dataclass(frozen=True)
class Definition:
    code: str
    version: str
    name: str
    title: Text
    instructions: Text
    items: tuple[Item, ...]
    scoring: Scoring
    risk_items: tuple[RiskItem, ...] = ()
    attribution: Text | None = None
    licence: str = ""
    source: str = ""
    loinc: str | None = None

    @property
    def scored_items(self) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item.scored)

    @property
    def min_total(self) -> int:
        return sum(min(item.values) for item in self.scored_items)

    @property
    def max_total(self) -> int:
        return sum(max(item.values) for item in self.scored_items)

    def band_for(self, total: int) -> Band | None:
        return next((band for band in self.scoring.bands if band.contains(total)), None)

    def scored_position(self, item_number: int) -> int:
        """Index into the scored answers of the item with this 1-based number."""
        numbers = [item.number for item in self.scored_items]
        return numbers.index(item_number)


# Parsing -----------------------------------------------------------------------------------


def parse_definition(data: object) -> Definition:
    """Check a decoded JSON definition and return it typed; raise DefinitionError if unusable."""
    root = _mapping(data, _("The definition"))
    _known_keys(
        root,
        _("The definition"),
        required={"schema_version", "code", "version", "name", "title", "instructions", "items"},
        optional={
            "attribution",
            "licence",
            "source",
            "loinc",
            "options",
            "scoring",
            "risk_items",
            "notes",
        },
    )
    if root["schema_version"] != SCHEMA_VERSION or isinstance(root["schema_version"], bool):
        raise DefinitionError(
            _("schema_version must be %(version)s.") % {"version": SCHEMA_VERSION}
        )
    code = _pattern(root["code"], _CODE, "code", _("lower-case letters, digits and _"))
    version = _pattern(root["version"], _VERSION, "version", _("letters, digits, . and -"))
    default_options = _options(root["options"], "options") if "options" in root else None
    items = _items(root["items"], default_options)
    definition = Definition(
        code=code,
        version=version,
        name=_short_string(root["name"], "name", 40),
        title=_text(root["title"], "title"),
        instructions=_text(root["instructions"], "instructions"),
        items=items,
        scoring=_scoring(root.get("scoring"), items),
        risk_items=(),
        attribution=_text(root["attribution"], "attribution") if "attribution" in root else None,
        licence=_short_string(root.get("licence", ""), "licence", MAX_TEXT, allow_empty=True),
        source=_short_string(root.get("source", ""), "source", MAX_TEXT, allow_empty=True),
        loinc=_loinc(root.get("loinc"), "loinc"),
    )
    return replace(definition, risk_items=_risk_items(root.get("risk_items", []), definition))


def parse_definition_json(raw: str | bytes) -> Definition:
    """Parse a pasted or uploaded definition."""
    try:
        data = json.loads(raw)
    except UnicodeDecodeError as error:
        raise DefinitionError(_("The file is not UTF-8 text.")) from error
    except json.JSONDecodeError as error:
        raise DefinitionError(
            _("This is not valid JSON (line %(line)s, column %(column)s).")
            % {"line": error.lineno, "column": error.colno}
        ) from error
    return parse_definition(data)


def shipped_definitions() -> dict[str, Definition]:
    """The definitions shipped with RPH, by code, read from the package's JSON files."""
    folder = resources.files("questionnaires.instruments")
    parsed = [parse_definition_json(folder.joinpath(name).read_bytes()) for name in SHIPPED_FILES]
    return {definition.code: definition for definition in parsed}


def shipped_definition_data() -> dict[str, dict[str, Any]]:
    """The shipped JSON as decoded data, by code (what the database stores)."""
    folder = resources.files("questionnaires.instruments")
    decoded = [json.loads(folder.joinpath(name).read_bytes()) for name in SHIPPED_FILES]
    return {data["code"]: data for data in decoded}


# Parts -------------------------------------------------------------------------------------


def _items(value: object, default_options: tuple[Option, ...] | None) -> tuple[Item, ...]:
    entries = _list(value, "items")
    if not entries:
        raise DefinitionError(_("The definition has no items."))
    if len(entries) > MAX_ITEMS:
        raise DefinitionError(_("At most %(max)s items are allowed.") % {"max": MAX_ITEMS})
    items = tuple(_item(entry, number, default_options) for number, entry in enumerate(entries, 1))
    ids = [item.id for item in items]
    duplicates = sorted({item_id for item_id in ids if ids.count(item_id) > 1})
    if duplicates:
        raise DefinitionError(
            _("Item ids must be unique; repeated: %(ids)s.") % {"ids": ", ".join(duplicates)}
        )
    if not any(item.scored for item in items):
        raise DefinitionError(_("At least one item must be scored."))
    return items


def _item(value: object, number: int, default_options: tuple[Option, ...] | None) -> Item:
    where = _("Item %(number)s") % {"number": number}
    entry = _mapping(value, where)
    _known_keys(
        entry,
        where,
        required={"text"},
        optional={
            "id",
            "options",
            "scored",
            "loinc",
            "type",
            "optional",
            "section",
            "not_applicable",
            "anchors",
        },
    )
    item_type = entry.get("type", CHOICE)
    if item_type not in ITEM_TYPES:
        raise DefinitionError(
            _("%(where)s: type must be one of: %(types)s.")
            % {"where": where, "types": ", ".join(ITEM_TYPES)}
        )
    takes_options = item_type in (CHOICE, MULTIPLE)
    if not takes_options:
        options: tuple[Option, ...] = ()
        if "options" in entry:
            raise DefinitionError(
                _("%(where)s: a %(type)s item has no options.")
                % {"where": where, "type": item_type}
            )
    elif "options" in entry:
        options = _options(entry["options"], where)
    elif default_options is not None:
        options = default_options
    else:
        raise DefinitionError(
            _("%(where)s has no options, and the definition has no shared options.")
            % {"where": where}
        )
    scored = entry.get("scored", item_type == CHOICE)
    if not isinstance(scored, bool):
        raise DefinitionError(_("%(where)s: scored must be true or false.") % {"where": where})
    if scored and item_type != CHOICE:
        raise DefinitionError(
            _("%(where)s: only choice items can be scored; set scored to false.") % {"where": where}
        )
    optional = entry.get("optional", False)
    if not isinstance(optional, bool):
        raise DefinitionError(_("%(where)s: optional must be true or false.") % {"where": where})
    item_id = entry.get("id", str(number))
    if not isinstance(item_id, str) or not re.fullmatch(r"[A-Za-z0-9_.\-]{1,30}", item_id):
        raise DefinitionError(
            _("%(where)s: id must be 1-30 letters, digits, _, . or -.") % {"where": where}
        )
    not_applicable = None
    if "not_applicable" in entry:
        if item_type != CHOICE:
            raise DefinitionError(
                _('%(where)s: only a choice item can be answered "not applicable".')
                % {"where": where}
            )
        not_applicable = _text(entry["not_applicable"], where)
    anchors = None
    if "anchors" in entry:
        if item_type != SCALE:
            raise DefinitionError(_("%(where)s: only a scale item has anchors.") % {"where": where})
        pair = _list(entry["anchors"], where)
        if len(pair) != 2:
            raise DefinitionError(
                _("%(where)s: anchors are two texts, for %(low)s and %(high)s.")
                % {"where": where, "low": SCALE_MIN, "high": SCALE_MAX}
            )
        anchors = (_text(pair[0], where), _text(pair[1], where))
    return Item(
        number=number,
        id=item_id,
        text=_text(entry["text"], where),
        options=options,
        scored=scored,
        loinc=_loinc(entry.get("loinc"), where),
        type=item_type,
        optional=optional,
        section=_text(entry["section"], where) if "section" in entry else None,
        not_applicable=not_applicable,
        anchors=anchors,
    )


def _options(value: object, where: str) -> tuple[Option, ...]:
    entries = _list(value, where)
    if len(entries) < 2:
        raise DefinitionError(_("%(where)s: give at least two options.") % {"where": where})
    if len(entries) > MAX_OPTIONS:
        raise DefinitionError(
            _("%(where)s: at most %(max)s options are allowed.")
            % {"where": where, "max": MAX_OPTIONS}
        )
    options = []
    for position, raw in enumerate(entries, 1):
        place = _("%(where)s, option %(position)s") % {"where": where, "position": position}
        entry = _mapping(raw, place)
        _known_keys(entry, place, required={"value", "text"}, optional={"loinc"})
        value_ = entry["value"]
        if not isinstance(value_, int) or isinstance(value_, bool):
            raise DefinitionError(
                _("%(where)s: the value must be a whole number.") % {"where": place}
            )
        text, loinc = _text(entry["text"], place), _loinc(entry.get("loinc"), place)
        options.append(Option(value_, text, loinc))
    values = [option.value for option in options]
    if len(set(values)) != len(values):
        raise DefinitionError(_("%(where)s: two options have the same value.") % {"where": where})
    return tuple(options)


def _scoring(value: object, items: tuple[Item, ...]) -> Scoring:
    where = "scoring"
    entry = _mapping(value, where)
    _known_keys(
        entry,
        where,
        required={"method", "missing"},
        optional={"bands", "caseness_min", "reliable_change", "cutoffs", "total_loinc"},
    )
    if entry["method"] not in SCORING_METHODS:
        raise DefinitionError(
            _("The scoring method must be one of: %(methods)s.")
            % {"methods": ", ".join(SCORING_METHODS)}
        )
    scored = [item for item in items if item.scored]
    lowest = sum(min(item.values) for item in scored)
    highest = sum(max(item.values) for item in scored)
    missing = _missing(entry["missing"], scored)
    caseness_min = _optional_int(entry.get("caseness_min"), "caseness_min")
    if caseness_min is not None and not lowest < caseness_min <= highest:
        raise DefinitionError(
            _("caseness_min must lie between %(low)s and %(high)s.")
            % {"low": lowest + 1, "high": highest}
        )
    reliable_change = _optional_int(entry.get("reliable_change"), "reliable_change")
    if reliable_change is not None and not 0 < reliable_change <= highest - lowest:
        raise DefinitionError(
            _("reliable_change must lie between 1 and %(high)s.") % {"high": highest - lowest}
        )
    return Scoring(
        method=entry["method"],
        missing=missing,
        bands=_bands(entry.get("bands", []), lowest, highest),
        caseness_min=caseness_min,
        reliable_change=reliable_change,
        cutoffs=_cutoffs(entry.get("cutoffs", []), lowest, highest),
        total_loinc=_loinc(entry.get("total_loinc"), "total_loinc"),
    )


def _missing(value: object, scored: list[Item]) -> MissingRule:
    where = "scoring.missing"
    entry = _mapping(value, where)
    _known_keys(entry, where, required={"max_missing", "prorate"}, optional=set())
    max_missing = entry["max_missing"]
    if not isinstance(max_missing, int) or isinstance(max_missing, bool):
        raise DefinitionError(_("max_missing must be a whole number."))
    if not 0 <= max_missing < len(scored):
        raise DefinitionError(
            _("max_missing must lie between 0 and %(high)s (one less than the scored items).")
            % {"high": len(scored) - 1}
        )
    if not isinstance(entry["prorate"], bool):
        raise DefinitionError(_("prorate must be true or false."))
    if entry["prorate"] and max_missing and len({item.values for item in scored}) > 1:
        # Prorating assumes every scored item is on the same scale.
        raise DefinitionError(
            _("Prorating needs every scored item to have the same option values.")
        )
    if any(item.not_applicable for item in scored) and not entry["prorate"]:
        # The total of an answer with an item not applicable is prorated over the rest.
        raise DefinitionError(
            _('An item that can be answered "not applicable" needs prorate set to true.')
        )
    if any(item.not_applicable for item in scored) and len({i.values for i in scored}) > 1:
        raise DefinitionError(
            _("Prorating needs every scored item to have the same option values.")
        )
    return MissingRule(max_missing=max_missing, prorate=entry["prorate"])


def _bands(value: object, lowest: int, highest: int) -> tuple[Band, ...]:
    entries = _list(value, "bands")
    bands = []
    for position, raw in enumerate(entries, 1):
        where = _("Band %(position)s") % {"position": position}
        entry = _mapping(raw, where)
        _known_keys(entry, where, required={"code", "min", "max", "label"}, optional=set())
        low, high = _int(entry["min"], where), _int(entry["max"], where)
        if low > high:
            raise DefinitionError(_("%(where)s: min is above max.") % {"where": where})
        code = _pattern(entry["code"], _CODE, where, _("lower-case letters, digits and _"))
        bands.append(Band(code, low, high, _text(entry["label"], where)))
    if not bands:
        return ()
    bands.sort(key=lambda band: band.min)
    for before, after in itertools.pairwise(bands):
        if after.min <= before.max:
            raise DefinitionError(
                _("The bands %(a)s and %(b)s overlap.") % {"a": before.code, "b": after.code}
            )
        if after.min != before.max + 1:
            raise DefinitionError(
                _("There is a gap between the bands %(a)s and %(b)s (%(from)s-%(to)s).")
                % {"a": before.code, "b": after.code, "from": before.max + 1, "to": after.min - 1}
            )
    if bands[0].min != lowest or bands[-1].max != highest:
        raise DefinitionError(
            _(
                "The bands must cover every possible total from %(low)s to %(high)s; "
                "they cover %(first)s to %(last)s."
            )
            % {"low": lowest, "high": highest, "first": bands[0].min, "last": bands[-1].max}
        )
    _unique_codes([band.code for band in bands], "bands")
    return tuple(bands)


def _cutoffs(value: object, lowest: int, highest: int) -> tuple[Cutoff, ...]:
    cutoffs = []
    for position, raw in enumerate(_list(value, "cutoffs"), 1):
        where = _("Cut-off %(position)s") % {"position": position}
        entry = _mapping(raw, where)
        _known_keys(entry, where, required={"code", "min", "label"}, optional=set())
        low = _int(entry["min"], where)
        if not lowest < low <= highest:
            raise DefinitionError(
                _("%(where)s: min must lie between %(low)s and %(high)s.")
                % {"where": where, "low": lowest + 1, "high": highest}
            )
        code = _pattern(entry["code"], _CODE, where, _("lower-case letters, digits and _"))
        cutoffs.append(Cutoff(code, low, _text(entry["label"], where)))
    _unique_codes([cutoff.code for cutoff in cutoffs], "cutoffs")
    return tuple(cutoffs)


def _risk_items(value: object, definition: Definition) -> tuple[RiskItem, ...]:
    risks = []
    for position, raw in enumerate(_list(value, "risk_items"), 1):
        where = _("Risk item %(position)s") % {"position": position}
        entry = _mapping(raw, where)
        _known_keys(
            entry, where, required={"item", "min_value", "flag"}, optional={"unanswered_flag"}
        )
        number = _int(entry["item"], where)
        if not 1 <= number <= len(definition.items):
            raise DefinitionError(
                _("%(where)s points to item %(number)s, but the definition has %(count)s items.")
                % {"where": where, "number": number, "count": len(definition.items)}
            )
        item = definition.items[number - 1]
        if not item.scored:
            raise DefinitionError(
                _("%(where)s: item %(number)s is not scored; risk items must be scored items.")
                % {"where": where, "number": number}
            )
        min_value = _int(entry["min_value"], where)
        if min_value not in item.values or min_value == min(item.values):
            raise DefinitionError(
                _(
                    "%(where)s: min_value must be one of the item's values above "
                    "the lowest: %(values)s."
                )
                % {"where": where, "values": ", ".join(str(v) for v in sorted(item.values)[1:])}
            )
        flag = _pattern(entry["flag"], _CODE, where, _("lower-case letters, digits and _"))
        unanswered = entry.get("unanswered_flag")
        if unanswered is not None:
            unanswered = _pattern(unanswered, _CODE, where, _("lower-case letters, digits and _"))
        risks.append(RiskItem(number, min_value, flag, unanswered))
    return tuple(risks)


# Small checks ------------------------------------------------------------------------------


def _mapping(value: object, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise DefinitionError(_("%(where)s must be a JSON object.") % {"where": where})
    return value


def _list(value: object, where: str) -> Sequence[object]:
    if not isinstance(value, list):
        raise DefinitionError(_("%(where)s must be a JSON list.") % {"where": where})
    return value


def _known_keys(
    entry: Mapping[str, Any], where: str, *, required: set[str], optional: set[str]
) -> None:
    missing = sorted(required - entry.keys())
    if missing:
        raise DefinitionError(
            _("%(where)s is missing: %(keys)s.") % {"where": where, "keys": ", ".join(missing)}
        )
    unknown = sorted(entry.keys() - required - optional)
    if unknown:
        raise DefinitionError(
            _("%(where)s has unknown fields: %(keys)s.")
            % {"where": where, "keys": ", ".join(str(key) for key in unknown)}
        )


def _text(value: object, where: str) -> Text:
    if isinstance(value, str):
        value = {"nb": value}
    entry = _mapping(value, where)
    unknown = sorted(set(entry) - set(LANGUAGES))
    if unknown:
        raise DefinitionError(
            _("%(where)s: unknown language %(languages)s (use %(allowed)s).")
            % {"where": where, "languages": ", ".join(unknown), "allowed": ", ".join(LANGUAGES)}
        )
    if not isinstance(entry.get("nb"), str) or not entry["nb"].strip():
        raise DefinitionError(_("%(where)s needs a text in bokmål (nb).") % {"where": where})
    for text in entry.values():
        if not isinstance(text, str) or not text.strip() or len(text) > MAX_TEXT:
            raise DefinitionError(
                _("%(where)s: every text must be 1-%(max)s characters.")
                % {"where": where, "max": MAX_TEXT}
            )
    return Text(MappingProxyType(dict(entry)))


def _pattern(value: object, pattern: re.Pattern[str], where: str, allowed: str) -> str:
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise DefinitionError(
            _("%(where)s: %(value)s is not allowed (use %(allowed)s).")
            % {"where": where, "value": json.dumps(value, ensure_ascii=False), "allowed": allowed}
        )
    return value


def _short_string(value: object, where: str, max_length: int, allow_empty: bool = False) -> str:
    if not isinstance(value, str) or len(value) > max_length or not (allow_empty or value.strip()):
        raise DefinitionError(
            _("%(where)s must be a text of at most %(max)s characters.")
            % {"where": where, "max": max_length}
        )
    return value


def _int(value: object, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise DefinitionError(_("%(where)s: expected a whole number.") % {"where": where})
    return value


def _optional_int(value: object, where: str) -> int | None:
    return None if value is None else _int(value, where)


def _loinc(value: object, where: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not _LOINC.fullmatch(value):
        raise DefinitionError(
            _("%(where)s: %(value)s is not a LOINC code.")
            % {"where": where, "value": json.dumps(value, ensure_ascii=False)}
        )
    return value


def _unique_codes(codes: list[str], where: str) -> None:
    if len(set(codes)) != len(codes):
        raise DefinitionError(_("%(where)s: every code must be unique.") % {"where": where})
