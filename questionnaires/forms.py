"""Forms for answering an instrument: on the client's link, from paper, and corrections.

A choice item is a group of radio buttons (with "not applicable" where the item allows it), a
multiple-choice item a group of check boxes, a free-text item a text area and a scale item a
number from 0 to 100. None is required (a client may leave a question out; the scoring rule
decides what a gap means). Values outside the options are refused.
"""

from collections.abc import Iterator
from datetime import date, datetime, time
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from questionnaires.definitions import (
    MAX_ANSWER_TEXT,
    MULTIPLE,
    NOT_APPLICABLE,
    SCALE,
    SCALE_MAX,
    SCALE_MIN,
    TEXT,
    Definition,
    Item,
)
from questionnaires.responses import MAX_REASON

# Paper carries a date, not a time: the answers are placed at noon that day (Oslo), so the
# date never shifts when shown in another zone.
PAPER_TIME = time(12, 0)


def field_name(item: Item) -> str:
    return f"q{item.number}"


def _choice(value: str) -> int | str:
    return NOT_APPLICABLE if value == NOT_APPLICABLE else int(value)


def answer_field(item: Item, language: str) -> forms.Field:
    """The form field for one item, by its type; none is required."""
    label = item.text.get(language)
    if item.type == TEXT:
        return forms.CharField(
            label=label,
            required=False,
            max_length=MAX_ANSWER_TEXT,
            widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
        )
    if item.type == SCALE:
        return forms.IntegerField(
            label=label,
            required=False,
            min_value=SCALE_MIN,
            max_value=SCALE_MAX,
            widget=forms.NumberInput(
                attrs={"class": "form-control", "inputmode": "numeric", "step": 1}
            ),
        )
    choices = [(option.value, option.text.get(language)) for option in item.options]
    if item.type == MULTIPLE:
        return forms.TypedMultipleChoiceField(
            label=label,
            choices=choices,
            coerce=int,
            required=False,
            widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        )
    if item.not_applicable:
        choices.append((NOT_APPLICABLE, item.not_applicable.get(language)))
    return forms.TypedChoiceField(
        label=label,
        choices=choices,
        coerce=_choice,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )


def _stored(item: Item, value: Any) -> Any:
    """The cleaned value as stored in Response.answers (None for nothing given)."""
    if item.type == MULTIPLE:
        return sorted(set(value)) or None
    if item.type == TEXT:
        return value.strip() or None
    return value


class AnswersForm(forms.Form):
    def __init__(self, *args: Any, definition: Definition, language: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.definition = definition
        for item in definition.items:
            self.fields[field_name(item)] = answer_field(item, language)

    def item_fields(self) -> Iterator[tuple[Item, forms.BoundField]]:
        for item in self.definition.items:
            yield item, self[field_name(item)]

    def answers(self) -> list[Any]:
        """Every item in order, None when unanswered (call after is_valid)."""
        return [
            _stored(item, self.cleaned_data[field_name(item)]) for item in self.definition.items
        ]

    def answered_count(self) -> int:
        if self.is_bound:
            return sum(
                any(str(v).strip() for v in self.data.getlist(field_name(item)))
                if hasattr(self.data, "getlist")
                else bool(str(self.data.get(field_name(item)) or "").strip())
                for item in self.definition.items
            )
        return sum(self.initial.get(field_name(item)) is not None for item in self.definition.items)

    def missing_numbers(self) -> list[int]:
        """The items left out that the client is asked about (optional ones are not)."""
        return [
            item.number
            for item, value in zip(self.definition.items, self.answers(), strict=True)
            if value is None and not item.optional
        ]


def initial_answers(definition: Definition, answers: list[Any]) -> dict[str, Any]:
    return {field_name(item): value for item, value in zip(definition.items, answers, strict=True)}


class LinkAnswersForm(AnswersForm):
    """The client's form; a gap is sent only after the client has seen which are left."""

    instrument = forms.CharField(widget=forms.HiddenInput, max_length=30)
    confirm_missing = forms.BooleanField(required=False, widget=forms.HiddenInput)


class PaperEntryForm(AnswersForm):
    answered_on = forms.DateField(
        label=_("Date on the form"),
        help_text=_("dd.mm.yyyy"),
        widget=forms.DateInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean_answered_on(self) -> date:
        answered_on: date = self.cleaned_data["answered_on"]
        if answered_on > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return answered_on

    def answered_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.cleaned_data["answered_on"], PAPER_TIME))


class CorrectionForm(AnswersForm):
    reason = forms.CharField(
        label=_("Why is the response corrected?"),
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class KioskStartForm(forms.Form):
    instruments = forms.MultipleChoiceField(
        label=_("Questionnaires"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["instruments"].choices = choices
