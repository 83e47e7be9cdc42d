"""Forms for answering an instrument: on the client's link, from paper, and corrections.

Every item is a group of radio buttons, none required (a client may leave a question out;
the scoring rule decides what a gap means). Values outside the options are refused.
"""

from collections.abc import Iterator
from datetime import date, datetime, time
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from questionnaires.definitions import Definition, Item
from questionnaires.responses import MAX_REASON

# Paper carries a date, not a time: the answers are placed at noon that day (Oslo), so the
# date never shifts when shown in another zone.
PAPER_TIME = time(12, 0)


def field_name(item: Item) -> str:
    return f"q{item.number}"


class AnswersForm(forms.Form):
    def __init__(self, *args: Any, definition: Definition, language: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.definition = definition
        for item in definition.items:
            self.fields[field_name(item)] = forms.TypedChoiceField(
                label=item.text.get(language),
                choices=[(option.value, option.text.get(language)) for option in item.options],
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
            )

    def item_fields(self) -> Iterator[tuple[Item, forms.BoundField]]:
        for item in self.definition.items:
            yield item, self[field_name(item)]

    def answers(self) -> list[int | None]:
        """Every item in order, None when unanswered (call after is_valid)."""
        return [self.cleaned_data[field_name(item)] for item in self.definition.items]

    def answered_count(self) -> int:
        if self.is_bound:
            return sum(
                self.data.get(field_name(item)) in {str(value) for value in item.values}
                for item in self.definition.items
            )
        return sum(self.initial.get(field_name(item)) is not None for item in self.definition.items)

    def missing_numbers(self) -> list[int]:
        return [
            item.number
            for item, value in zip(self.definition.items, self.answers(), strict=True)
            if value is None
        ]


def initial_answers(definition: Definition, answers: list[int | None]) -> dict[str, int | None]:
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
