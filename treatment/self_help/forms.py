"""Forms for guided self-help: start, log a follow-up call, end. The services validate."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rph.forms import DATETIME_HELP, submit_helper
from treatment.models import Attendance, GuidedSelfHelp, Programme, Session, SessionMode
from treatment.self_help.services import CALL_OUTCOMES, MAX_PLANNED_CALLS

DATE_WIDGET = forms.DateInput(attrs={"inputmode": "numeric", "autocomplete": "off"})
DATETIME_WIDGET = forms.DateTimeInput(attrs={"autocomplete": "off"})


class SelfHelpStartForm(forms.Form):
    programme = forms.ChoiceField(label=_("Programme"), choices=Programme.choices)
    programme_detail = forms.CharField(
        label=_("Title or details"),
        max_length=200,
        required=False,
        help_text=_("Required for a book or other material, e.g. the book's title."),
    )
    modules_total = forms.IntegerField(
        label=_("Modules in all"), min_value=1, max_value=100, required=False
    )
    material_given_on = forms.DateField(
        label=_("Code or material given"), help_text=_("dd.mm.yyyy"), widget=DATE_WIDGET
    )
    follow_up_every_days = forms.IntegerField(
        label=_("Follow-up call every (days)"), min_value=1, max_value=90, initial=14
    )
    planned_calls = forms.IntegerField(
        label=_("Book follow-up calls now"),
        min_value=0,
        max_value=MAX_PLANNED_CALLS,
        initial=0,
        help_text=_("The first at the time below, the next ones at the interval above."),
    )
    first_call_at = forms.DateTimeField(
        label=_("First follow-up call"),
        required=False,
        help_text=DATETIME_HELP,
        widget=DATETIME_WIDGET,
    )
    call_mode = forms.ChoiceField(
        label=_("Calls held by"), choices=SessionMode.choices, initial=SessionMode.PHONE
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["material_given_on"].initial = timezone.localdate
        self.helper = submit_helper(_("Start guided self-help"))


class FollowUpCallForm(forms.Form):
    session = forms.ModelChoiceField(
        label=_("Booked call"),
        queryset=Session.objects.none(),
        required=False,
        empty_label=_("Not booked: give the time below"),
    )
    starts_at = forms.DateTimeField(
        label=_("Time of the call"),
        required=False,
        help_text=_("Only for a call that was not booked. dd.mm.yyyy hh:mm"),
        widget=DATETIME_WIDGET,
    )
    mode = forms.ChoiceField(
        label=_("Held by"), choices=SessionMode.choices, initial=SessionMode.PHONE
    )
    attendance = forms.ChoiceField(
        label=_("Attendance"),
        choices=[(outcome.value, outcome.label) for outcome in CALL_OUTCOMES],
        widget=forms.RadioSelect,
    )
    modules_done = forms.IntegerField(
        label=_("Modules done so far"), min_value=0, max_value=100, required=False
    )
    next_step = forms.CharField(
        label=_("Next step"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    next_call_at = forms.DateTimeField(
        label=_("Book the next call"),
        required=False,
        help_text=DATETIME_HELP,
        widget=DATETIME_WIDGET,
    )

    def __init__(self, *args: object, self_help: GuidedSelfHelp, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        booked = self_help.follow_ups.filter(attendance=Attendance.BOOKED)
        if booked.exists():
            field = self.fields["session"]
            field.queryset = booked.order_by("starts_at", "pk")  # type: ignore[attr-defined]
            field.label_from_instance = _local_time  # type: ignore[attr-defined]
        else:
            del self.fields["session"]  # nothing booked: the time is all there is to give
        self.helper = submit_helper(_("Save the call"))


def _local_time(session: Session) -> str:
    return timezone.localtime(session.starts_at).strftime("%d.%m.%Y %H:%M")


class SelfHelpEndForm(forms.Form):
    ended_on = forms.DateField(label=_("Ended"), help_text=_("dd.mm.yyyy"), widget=DATE_WIDGET)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["ended_on"].initial = timezone.localdate
        self.helper = submit_helper(_("End guided self-help"))
