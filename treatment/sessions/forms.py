"""Forms for booking, moving and cancelling a session, attendance and the note."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rph.forms import DATETIME_HELP, submit_helper
from treatment.models import (
    AFTER_END_PURPOSES,
    Attendance,
    Episode,
    Session,
    SessionMode,
    SessionPurpose,
)
from treatment.sessions.calendar import clinicians


class _TimeFields(forms.Form):
    starts_at = forms.DateTimeField(
        label=_("Time"),
        help_text=DATETIME_HELP,
        widget=forms.DateTimeInput(attrs={"autocomplete": "off"}),
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=5, max_value=480, initial=45
    )
    therapist = forms.ModelChoiceField(label=_("Therapist"), queryset=None)
    mode = forms.ChoiceField(label=_("Mode"), choices=SessionMode.choices)
    location = forms.CharField(
        label=_("Place"),
        max_length=200,
        required=False,
        help_text=_("E.g. the room, or the address of a home visit."),
    )


class BookForm(_TimeFields):
    purpose = forms.ChoiceField(
        label=_("Purpose"), choices=SessionPurpose.choices, initial=SessionPurpose.TREATMENT
    )
    offer = forms.ModelChoiceField(
        label=_("Offer"), queryset=None, required=False, empty_label=_("None")
    )
    guided_self_help = forms.ModelChoiceField(
        label=_("Guided self-help"),
        queryset=None,
        required=False,
        empty_label=_("None"),
        help_text=_("For a follow-up call."),
    )

    field_order = ["starts_at", "duration_minutes", "purpose", "mode", "location", "therapist"]

    def __init__(self, *args: object, episode: Episode, **kwargs: object) -> None:
        kwargs.setdefault("initial", {"therapist": episode.primary_therapist_id})
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        after_end = not episode.is_open
        self.fields["purpose"].choices = [
            (value, label)
            for value, label in SessionPurpose.choices
            if (value in AFTER_END_PURPOSES) == after_end
        ]
        if after_end:
            self.fields["purpose"].initial = SessionPurpose.BOOSTER
        self.fields["therapist"].queryset = clinicians(episode.team)  # type: ignore[attr-defined]
        self.fields["offer"].queryset = episode.offers.filter(ended_on__isnull=True)  # type: ignore[attr-defined]
        self_help = episode.self_help.filter(ended_on__isnull=True)
        self.fields["guided_self_help"].queryset = self_help  # type: ignore[attr-defined]
        self.helper = submit_helper(_("Book session"), form_tag=False)


class MoveForm(_TimeFields):
    def __init__(self, *args: object, session: Session, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["therapist"].queryset = clinicians(session.team)  # type: ignore[attr-defined]
        self.helper = submit_helper(_("Move session"), form_tag=False)


class CancelForm(forms.Form):
    by = forms.ChoiceField(
        label=_("Cancelled by"),
        choices=[("client", _("The client")), ("service", _("The service"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        required=False,
        help_text=_("Short and practical. No health information."),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.helper = submit_helper(_("Cancel session"), form_tag=False)


class AttendanceForm(forms.Form):
    attendance = forms.ChoiceField(
        choices=[
            (Attendance.ATTENDED, Attendance.ATTENDED.label),
            (Attendance.DID_NOT_ATTEND, Attendance.DID_NOT_ATTEND.label),
        ]
    )


class NoteForm(forms.Form):
    note = forms.CharField(
        label=pgettext_lazy("session", "Note"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
    )
    homework = forms.CharField(
        label=_("Homework"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    modules_done = forms.IntegerField(label=_("Modules done"), min_value=0, required=False)
    next_step = forms.CharField(label=_("Next step"), max_length=500, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args: object, session: Session, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if session.purpose != SessionPurpose.FOLLOW_UP:
            del self.fields["modules_done"], self.fields["next_step"]
        self.helper = submit_helper(_("Save note"), form_tag=False)
