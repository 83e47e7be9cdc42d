"""Forms for the intake queue and the contact page: filters, attempts, offer, closing."""

from django import forms
from django.utils.translation import gettext_lazy as _

from intake.models import Channel, ContactAttempt, Mode
from intake.queue.closing import CloseReason
from rph.accounts.models import Team, User
from rph.accounts.roles import CLINICAL_ROLES
from rph.forms import DATETIME_HELP, submit_helper


class QueueFilterForm(forms.Form):
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=None,
        required=False,
        empty_label=_("All"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[("", _("All")), *Channel.choices],
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args: object, team: Team, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["municipality"].queryset = team.municipalities.all()  # type: ignore[attr-defined]


class AttemptForm(forms.Form):
    method = forms.ChoiceField(label=_("Channel"), choices=ContactAttempt.Method.choices)
    # No default: "reached" stops the 48-hour clock, so the user must choose it.
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[("", _("Choose the outcome")), *ContactAttempt.Outcome.choices],
        error_messages={"required": _("Choose the outcome of the attempt.")},
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=500,
        required=False,
        help_text=_("Short and practical, e.g. when to call again. No health information."),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.helper = submit_helper(_("Record attempt"), form_tag=False)


class OfferForm(forms.Form):
    scheduled_for = forms.DateTimeField(
        label=_("Assessment time"),
        help_text=DATETIME_HELP,
        widget=forms.DateTimeInput(attrs={"autocomplete": "off"}),
    )
    therapist = forms.ModelChoiceField(label=_("Therapist"), queryset=None)
    mode = forms.ChoiceField(label=_("Mode"), choices=Mode.choices)

    def __init__(
        self, *args: object, team: Team, user: User | None = None, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        therapists = (
            User.objects.filter(
                is_active=True, memberships__team=team, memberships__role__in=CLINICAL_ROLES
            )
            .distinct()
            .order_by("first_name", "last_name")
        )
        self.fields["therapist"].queryset = therapists  # type: ignore[attr-defined]
        # A clinician offering the call usually holds it: start at them.
        if user is not None and therapists.filter(pk=user.pk).exists():
            self.fields["therapist"].initial = user.pk
        self.helper = submit_helper(_("Offer assessment"), form_tag=False)


class HeldForm(forms.Form):
    held_at = forms.DateTimeField(label=_("Assessment held"), help_text=DATETIME_HELP)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.helper = submit_helper(_("Save"), form_tag=False)


class CloseForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason for closing"), choices=CloseReason.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.helper = submit_helper(_("Close contact"), form_tag=False)
