from django import forms
from django.utils.translation import gettext_lazy as _

from intake.consents.services import MAX_NOTE, MAX_RECIPIENT
from intake.models import Party
from rph.forms import submit_helper

GIVEN_CHOICES = [
    ("yes", _("Given")),
    ("no", _("Withdrawn or refused (for the GP: the client objects to the epikrise)")),
]


class ConsentForm(forms.Form):
    party = forms.ChoiceField(label=_("Shared with"), choices=Party.choices)
    recipient = forms.CharField(
        label=_("Name"),
        required=False,
        max_length=MAX_RECIPIENT,
        help_text=_(
            "Who exactly, e.g. the NAV adviser or the employer. Leave empty for the GP, "
            "research, and consent to the whole service."
        ),
    )
    given = forms.TypedChoiceField(
        label=_("Consent"),
        choices=GIVEN_CHOICES,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=MAX_NOTE)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.helper = submit_helper(_("Record"), form_tag=False)
