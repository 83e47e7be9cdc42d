"""Forms for the episode pages: offers, therapists, the end. The services validate again."""

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from intake.assessments.choices import Step
from rph.accounts.models import Team, User
from rph.accounts.roles import CLINICAL_ROLES
from rph.forms import DATE_HELP, submit_helper
from treatment.episodes.services import CHANGE_STARTS, MANUAL_OFFER_ENDS
from treatment.models import EndReason, Episode, Offer, OfferEnd, OfferStart


def clinical_members(team: Team) -> QuerySet[User]:
    return (
        User.objects.filter(
            is_active=True, memberships__team=team, memberships__role__in=CLINICAL_ROLES
        )
        .distinct()
        .order_by("first_name", "last_name")
    )


class OfferChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Offer) -> str:
        return _("%(step)s, from %(day)s") % {
            "step": obj.get_step_display(),
            "day": obj.started_on.strftime("%d.%m.%Y"),
        }


class OfferAddForm(forms.Form):
    start_reason = forms.ChoiceField(
        label=_("Kind of change"),
        choices=[(value, OfferStart(value).label) for value in CHANGE_STARTS],
        widget=forms.RadioSelect,
    )
    step = forms.TypedChoiceField(label=_("New step"), choices=Step.choices, coerce=int)
    end_current = OfferChoiceField(
        label=_("Replaces"),
        queryset=Offer.objects.none(),
        required=False,
        empty_label=_("Nothing (the offer comes alongside)"),
        help_text=_("A step up or down ends the offer it replaces."),
    )
    started_on = forms.DateField(label=_("Starts"), help_text=DATE_HELP)
    note = forms.CharField(
        label=_("Note"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: object, episode: Episode, **kwargs: object) -> None:
        kwargs.setdefault("initial", {"started_on": timezone.localdate()})
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["end_current"].queryset = episode.offers.filter(  # type: ignore[attr-defined]
            ended_on__isnull=True
        )
        self.helper = submit_helper(_("Add offer"))


class OfferEndForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why it ended"),
        choices=[(value, OfferEnd(value).label) for value in MANUAL_OFFER_ENDS],
        widget=forms.RadioSelect,
    )
    ended_on = forms.DateField(label=_("Ended"), help_text=DATE_HELP)

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("initial", {"ended_on": timezone.localdate()})
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.helper = submit_helper(_("End offer"))


class TherapistChangeForm(forms.Form):
    therapist = forms.ModelChoiceField(
        label=_("New primary therapist"), queryset=User.objects.none()
    )
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)

    def __init__(self, *args: object, episode: Episode, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["therapist"].queryset = clinical_members(episode.team).exclude(  # type: ignore[attr-defined]
            pk=episode.primary_therapist_id
        )
        self.helper = submit_helper(_("Change therapist"))


class CoTherapistsForm(forms.Form):
    therapists = forms.ModelMultipleChoiceField(
        label=_("Co-therapists"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("A co-therapist joins the client's care team."),
    )

    def __init__(self, *args: object, episode: Episode, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["therapists"].queryset = clinical_members(episode.team).exclude(  # type: ignore[attr-defined]
            pk=episode.primary_therapist_id
        )
        self.helper = submit_helper(_("Save co-therapists"))


class EpisodeEndForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why the episode ends"), choices=EndReason.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("About the end"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    follow_up_consent = forms.BooleanField(
        label=_("The client agrees to a follow-up questionnaire after the end"),
        required=False,
        help_text=_(
            "PHQ-9, GAD-7 and WSAS by SMS or e-mail, as the team has set it (after 6 and/or "
            "12 months). Ask the client at the last session."
        ),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.helper = submit_helper(_("End the episode"))
