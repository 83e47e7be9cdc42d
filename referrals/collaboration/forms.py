from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from intake.models import Consent
from referrals.collaboration.services import COLLABORATION_PARTIES, MAX_AGREED, MAX_PARTICIPANTS
from referrals.models import WorkAction
from rph.forms import submit_helper


class ConsentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Consent) -> str:
        name = (
            f"{obj.get_party_display()}: {obj.recipient}"
            if obj.recipient
            else obj.get_party_display()
        )
        return str(name)


class CollaborationForm(forms.Form):
    party = forms.ChoiceField(
        label=_("With"), choices=[(p.value, p.label) for p in COLLABORATION_PARTIES]
    )
    consent = ConsentChoiceField(
        label=_("Consent relied on"),
        queryset=Consent.objects.none(),
        required=False,
        empty_label=_("The party's only consent"),
        help_text=_("Needed when the client has consented to several people at the same party."),
    )
    anonymous = forms.BooleanField(
        label=_("Anonymous case discussion (the client was not named; no consent needed)"),
        required=False,
    )
    held_on = forms.DateField(
        label=_("Date"), help_text=_("dd.mm.yyyy"), initial=timezone.localdate
    )
    participants = forms.CharField(label=_("Participants"), max_length=MAX_PARTICIPANTS)
    agreed = forms.CharField(
        label=_("What was agreed"), max_length=MAX_AGREED, widget=forms.Textarea(attrs={"rows": 4})
    )
    work_actions = forms.MultipleChoiceField(
        label=_("Work-related actions"),
        choices=WorkAction.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: object, consents: list[Consent], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["consent"]
        field.queryset = Consent.objects.filter(pk__in=[c.pk for c in consents])  # type: ignore[attr-defined]
        self.helper = submit_helper(_("Record"), form_tag=False)
