from datetime import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from rph.forms import submit_helper
from treatment.booking.services import MAX_DAYS_AHEAD
from treatment.models import Episode, SessionMode, SessionPurpose
from treatment.sessions.calendar import clinicians


class SendForm(forms.Form):
    therapist = forms.ModelChoiceField(label=_("Therapist"), queryset=None)
    purpose = forms.ChoiceField(
        label=_("Kind of session"), choices=SessionPurpose.choices, initial=SessionPurpose.TREATMENT
    )
    mode = forms.ChoiceField(
        label=_("Mode"), choices=SessionMode.choices, initial=SessionMode.FACE_TO_FACE
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=15, max_value=180, initial=45
    )
    location = forms.CharField(label=_("Place"), max_length=200, required=False)
    days_ahead = forms.IntegerField(
        label=_("Offer times for the next ... days"),
        min_value=1,
        max_value=MAX_DAYS_AHEAD,
        initial=14,
        help_text=_("Up to 12 free times from the therapist's working hours are offered."),
    )

    def __init__(self, *args: object, episode: Episode, **kwargs: object) -> None:
        kwargs.setdefault("initial", {"therapist": episode.primary_therapist_id})
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["therapist"].queryset = clinicians(episode.team)  # type: ignore[attr-defined]
        self.helper = submit_helper(_("Send booking link"), form_tag=False)


class ChooseForm(forms.Form):
    """The client's pick: one of the offered times (checked against the link's list)."""

    slot = forms.CharField(max_length=40, error_messages={"required": _("Choose a time.")})

    def clean_slot(self) -> str:
        value = self.cleaned_data["slot"]
        try:
            datetime.fromisoformat(value)
        except ValueError as exc:
            raise forms.ValidationError(_("Choose one of the times offered.")) from exc
        return value
