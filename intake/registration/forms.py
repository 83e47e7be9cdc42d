"""Forms for registering contacts: staff registration and the public self-referral.

Each form is used by a page and by its API twin, so both validate alike. The forms check
shapes (types, lengths, choices); the services check the domain rules and save.
"""

import datetime
from typing import Any

from crispy_forms.bootstrap import InlineCheckboxes, InlineRadios
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Field, Fieldset, Layout
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from intake.age import MINIMUM_AGE
from intake.clients.forms import gp_picker
from intake.fodselsnummer import birth_date as fnr_birth_date
from intake.fodselsnummer import normalize
from intake.models import Channel, Concern, GeneralPractitioner, ReachKind, Referrer
from intake.registration.services import MAX_AGE, MAX_FREE_TEXT
from rph.accounts.models import Municipality, Team

MUNICIPALITY_ERRORS = {
    "invalid_choice": _("Choose one of the municipalities in the list."),
    "required": _("Choose a municipality."),
}
# The form's fields that are passed on to the services as they are.
REGISTER_FIELDS = (
    "first_name",
    "last_name",
    "fodselsnummer",
    "birth_date",
    "age",
    "phone",
    "email",
    "home_municipality",
    "gp",
    "channel",
    "referrer",
    "referrer_name",
    "concerns",
    "free_text",
)
SELF_REFERRAL_FIELDS = (
    "first_name",
    "last_name",
    "phone",
    "email",
    "home_municipality",
    "concerns",
    "best_time_to_call",
    "idempotency_key",
)


def consents_ticked(data: dict[str, Any]) -> list[str]:
    """The reach kinds whose box `consent_<kind>` is ticked."""
    return [kind for kind in ReachKind.values if data.get(f"consent_{kind}")]


def _concerns_field(label: str) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        choices=Concern.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class ContactRegisterForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    phone = PhoneNumberField(label=_("Phone"), required=False, region="NO")
    email = forms.EmailField(label=_("E-mail"), required=False, max_length=254)
    fodselsnummer = forms.CharField(
        label=_("National identity number"),
        required=False,
        max_length=20,
        help_text=_("Optional. 11 digits; D-numbers are accepted."),
    )
    birth_date = forms.DateField(
        label=_("Birth date"),
        required=False,
        help_text=_("dd.mm.yyyy"),
    )
    age = forms.IntegerField(
        label=_("Age"),
        required=False,
        min_value=0,
        max_value=MAX_AGE,
    )
    home_municipality = forms.ModelChoiceField(
        label=_("Home municipality"),
        queryset=Municipality.objects.none(),
        error_messages=MUNICIPALITY_ERRORS,
    )
    gp = forms.ModelChoiceField(label=_("GP"), queryset=GeneralPractitioner.objects.none())
    channel = forms.ChoiceField(
        label=_("Channel"), choices=Channel.choices, initial=Channel.PHONE, widget=forms.RadioSelect
    )
    referrer = forms.ChoiceField(
        label=_("Referrer"),
        choices=Referrer.choices,
        initial=Referrer.SELF,
        widget=forms.RadioSelect,
    )
    referrer_name = forms.CharField(
        label=_("Referrer's name"),
        required=False,
        max_length=200,
        help_text=_("The GP's name for a GP referral; otherwise optional."),
    )
    concerns = _concerns_field(_("What it is about"))
    free_text = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=MAX_FREE_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    consent_call = forms.BooleanField(label=_("May we call?"), required=False)
    consent_sms = forms.BooleanField(label=_("May we send SMS?"), required=False)
    consent_email = forms.BooleanField(label=_("May we send e-mail?"), required=False)
    consent_digital_questionnaires = forms.BooleanField(
        label=_("May we send questionnaires digitally?"), required=False
    )
    consent_help = _(
        "Tick what the person agrees to now. An empty box changes nothing for a known "
        "client: withdraw a consent on the client's page."
    )

    def __init__(self, *args: Any, team: Team, existing: bool = False, **kwargs: Any) -> None:
        """With `existing`, the contact goes on a known client: who they are is not asked."""
        super().__init__(*args, **kwargs)
        self.existing = existing
        if existing:
            for name in ("first_name", "last_name", "home_municipality"):
                self.fields[name].required = False
        self.fields["home_municipality"].queryset = team.municipalities.order_by("name")
        self.fields["home_municipality"].empty_label = _("Choose a municipality")
        gp_picker(self.fields["gp"], team)
        self.fields["age"].help_text = _(
            "If the birth date is not known. The service is for people aged %(age)d and over."
        ) % {"age": MINIMUM_AGE}
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Fieldset(
                _("Who"),
                Div(
                    Div("first_name", css_class="col-md-6"),
                    Div("last_name", css_class="col-md-6"),
                    css_class="row",
                ),
                Div(
                    Div("phone", css_class="col-md-6"),
                    Div("email", css_class="col-md-6"),
                    css_class="row",
                ),
                Div(
                    Div("fodselsnummer", css_class="col-md-4"),
                    Div("birth_date", css_class="col-md-4"),
                    Div("age", css_class="col-md-4"),
                    css_class="row",
                ),
                "home_municipality",
                "gp",
            ),
            Fieldset(
                _("The contact"),
                InlineRadios("channel"),
                InlineRadios("referrer"),
                "referrer_name",
                InlineCheckboxes("concerns"),
                Field("free_text"),
            ),
            Fieldset(
                _("Consent"),
                HTML(f'<p class="form-text">{self.consent_help}</p>'),
                "consent_call",
                "consent_sms",
                "consent_email",
                "consent_digital_questionnaires",
            ),
        )

    def clean_fodselsnummer(self) -> str:
        value = self.cleaned_data["fodselsnummer"].strip()
        return normalize(value) if value else ""

    def clean_birth_date(self) -> datetime.date | None:
        value = self.cleaned_data["birth_date"]
        if value is not None and value > timezone.localdate():
            raise forms.ValidationError(_("The birth date cannot be in the future."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (
            data.get("fodselsnummer")
            and not data.get("birth_date")
            and "birth_date" not in self.errors
        ):
            data["birth_date"] = fnr_birth_date(data["fodselsnummer"])
        if (
            not self.existing
            and data.get("birth_date") is None
            and data.get("age") is None
            and not ({"birth_date", "age", "fodselsnummer"} & set(self.errors))
        ):
            self.add_error("age", _("Give an age or a birth date."))
        return data

    def register_kwargs(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in REGISTER_FIELDS} | {
            "consents_given": consents_ticked(self.cleaned_data)
        }


class SelfReferralForm(forms.Form):
    """The public form. `website` is a honeypot: hidden from people, filled by robots."""

    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    phone = PhoneNumberField(
        label=_("Phone"), region="NO", help_text=_("We call you on this number.")
    )
    email = forms.EmailField(label=_("E-mail (optional)"), required=False, max_length=254)
    home_municipality = forms.ModelChoiceField(
        label=_("The municipality you live in"),
        queryset=Municipality.objects.filter(teams__isnull=False).distinct().order_by("name"),
        to_field_name="number",
        empty_label=_("Choose a municipality"),
        error_messages=MUNICIPALITY_ERRORS,
    )
    concerns = _concerns_field(_("What is it about? (optional)"))
    best_time_to_call = forms.CharField(
        label=_("When is it best to call you? (optional)"),
        required=False,
        max_length=200,
        help_text=_("For example: weekdays after 14."),
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that the RPH team stores what I have written here and calls me to "
            "talk about what help I can get."
        ),
        error_messages={"required": _("You must agree before you send the form.")},
    )
    consent_sms = forms.BooleanField(
        label=_("You may send me SMS, for example to agree on a time."), required=False
    )
    consent_email = forms.BooleanField(label=_("You may send me e-mail."), required=False)
    consent_digital_questionnaires = forms.BooleanField(
        label=_(
            "You may send me short questionnaires about how I am doing as a link by SMS or "
            "e-mail before we meet. I answer them on my phone or computer."
        ),
        required=False,
    )
    idempotency_key = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    website = forms.CharField(label=_("Leave this field empty"), required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        autocomplete = {
            "first_name": "given-name",
            "last_name": "family-name",
            "phone": "tel",
            "email": "email",
        }
        for name, token in autocomplete.items():
            self.fields[name].widget.attrs["autocomplete"] = token
        self.fields["phone"].widget.attrs["inputmode"] = "tel"
        self.fields["phone"].widget.input_type = "tel"
        self.fields["email"].widget.attrs["inputmode"] = "email"
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            "first_name",
            "last_name",
            "phone",
            "email",
            "home_municipality",
            "concerns",
            "best_time_to_call",
            # Hidden from sight and from screen readers; people never fill it in.
            Div("website", css_class="d-none", aria_hidden="true"),
            "consent",
            Fieldset(
                _("May we also contact you in other ways? (optional)"),
                "consent_sms",
                "consent_email",
                "consent_digital_questionnaires",
            ),
            "idempotency_key",
        )

    @property
    def is_robot(self) -> bool:
        return bool(self.data.get("website"))

    def submit_kwargs(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in SELF_REFERRAL_FIELDS} | {
            "consents_given": consents_ticked(self.cleaned_data)
        }
