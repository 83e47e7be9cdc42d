"""Forms for the course pages. The services in treatment/courses/services.py validate again."""

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rph.accounts.models import Team
from rph.forms import DATE_HELP, DATETIME_HELP, TIME_HELP, VersionField, submit_helper
from treatment.courses.attendance import Participant
from treatment.courses.rules import RUN_ENDINGS
from treatment.courses.schedule import MAX_INTERVAL_DAYS, MAX_MEETINGS, MeetingPlan
from treatment.episodes.forms import clinical_members
from treatment.models import (
    CourseMeeting,
    CourseRun,
    CourseType,
    Enrolment,
    EnrolmentStatus,
    Episode,
)

EVALUATIONS = [("", "–")] + [(str(n), str(n)) for n in range(1, 7)]


def _when(at: object) -> str:
    return formats.date_format(timezone.localtime(at), "SHORT_DATETIME_FORMAT")  # type: ignore[arg-type]


class RunChoiceField(forms.ModelChoiceField):
    """A run by its course type, title, first meeting and free places (runs_with_places)."""

    def label_from_instance(self, obj: CourseRun) -> str:
        first = obj.first_meeting_at  # type: ignore[attr-defined]
        return _("%(type)s: %(title)s, from %(when)s (%(free)d free)") % {
            "type": obj.course_type,
            "title": obj.title,
            "when": _when(first) if first else "–",
            "free": obj.free,  # type: ignore[attr-defined]
        }


class CourseTypeForm(forms.ModelForm):
    class Meta:
        model = CourseType
        fields = ["name", "kind", "drop_in", "meetings", "description", "active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["meetings"].help_text = _("The usual number of meetings in a run.")
        self.helper = submit_helper(_("Save course type"))


class _RunFields(forms.ModelForm):
    leaders = forms.ModelMultipleChoiceField(
        label=_("Leaders"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Two therapists in the team; a drop-in course may have one."),
    )

    class Meta:
        model = CourseRun
        fields = ["title", "location", "time_of_day", "capacity", "municipality", "leaders"]

    def __init__(self, *args: object, team: Team, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["leaders"].queryset = clinical_members(team)  # type: ignore[attr-defined]
        municipality = self.fields["municipality"]
        municipality.queryset = team.municipalities.all()  # type: ignore[attr-defined]
        municipality.empty_label = _("All the team's municipalities (intermunicipal)")  # type: ignore[attr-defined]


class CourseRunForm(_RunFields):
    course_type = forms.ModelChoiceField(label=_("Course type"), queryset=None)
    first_day = forms.DateField(label=_("First meeting"), help_text=DATE_HELP)
    start_time = forms.TimeField(label=_("Starts at"), help_text=TIME_HELP)
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=15, max_value=480, initial=120
    )
    count = forms.IntegerField(
        label=_("Number of meetings"),
        min_value=1,
        max_value=MAX_MEETINGS,
        help_text=_("Leave empty for the course type's usual number."),
        required=False,
    )
    interval_days = forms.IntegerField(
        label=_("Days between meetings"), min_value=1, max_value=MAX_INTERVAL_DAYS, initial=7
    )

    field_order = ["course_type", "title", "first_day", "start_time", "duration_minutes"]

    def __init__(self, *args: object, team: Team, **kwargs: object) -> None:
        super().__init__(*args, team=team, **kwargs)
        self.fields["course_type"].queryset = CourseType.objects.filter(  # type: ignore[attr-defined]
            team=team, active=True
        )
        self.helper = submit_helper(_("Create course run"))

    def plan(self) -> MeetingPlan:
        data = self.cleaned_data
        return MeetingPlan(
            first_day=data["first_day"],
            start_time=data["start_time"],
            count=data["count"] or data["course_type"].meetings,
            interval_days=data["interval_days"],
        )


class CourseRunEditForm(_RunFields):
    version = VersionField(required=False)

    def __init__(self, *args: object, team: Team, **kwargs: object) -> None:
        super().__init__(*args, team=team, **kwargs)
        self.fields["version"].initial = self.instance.version
        self.helper = submit_helper(_("Save course run"))


class MeetingForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("Starts"), help_text=DATETIME_HELP)
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=15, max_value=480, initial=120
    )
    cancelled = forms.BooleanField(
        label=pgettext_lazy("meeting", "Cancelled"),
        required=False,
        help_text=_("Questionnaire links already sent for this meeting stop working."),
    )

    def __init__(self, *args: object, meeting: CourseMeeting | None = None, **kwargs: object):
        if meeting is not None:
            kwargs.setdefault(
                "initial",
                {
                    "starts_at": timezone.localtime(meeting.starts_at),
                    "duration_minutes": meeting.duration_minutes,
                    "cancelled": meeting.cancelled,
                },
            )
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.helper = submit_helper(_("Save meeting"))


class EnrolForm(forms.Form):
    course_type = forms.ModelChoiceField(label=_("Course"), queryset=None)
    run = RunChoiceField(
        label=_("Course run"),
        queryset=None,
        required=False,
        empty_label=_("None yet: put the client on the waitlist"),
        help_text=_("Runs of the chosen course with free places."),
    )

    def __init__(self, *args: object, team: Team, runs: list[CourseRun], **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["course_type"].queryset = CourseType.objects.filter(  # type: ignore[attr-defined]
            team=team, active=True, drop_in=False
        )
        run = self.fields["run"]
        run.queryset = CourseRun.objects.filter(pk__in=[r.pk for r in runs])  # type: ignore[attr-defined]
        # The labels need the free places counted once: iterate the list, not a new query.
        run.choices = [("", run.empty_label)] + [  # type: ignore[attr-defined]
            (r.pk, run.label_from_instance(r))  # type: ignore[attr-defined]
            for r in runs
        ]
        self.helper = submit_helper(_("Enrol"))

    def clean(self) -> dict:
        data = super().clean() or {}
        run, course_type = data.get("run"), data.get("course_type")
        if run is not None and course_type is not None and run.course_type_id != course_type.pk:
            self.add_error("run", _("Choose a run of the chosen course."))
        return data


class PlaceForm(forms.Form):
    run = RunChoiceField(label=_("Course run"), queryset=None)

    def __init__(self, *args: object, runs: list[CourseRun], **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        run = self.fields["run"]
        run.queryset = CourseRun.objects.filter(pk__in=[r.pk for r in runs])  # type: ignore[attr-defined]
        run.choices = [(r.pk, run.label_from_instance(r)) for r in runs]  # type: ignore[attr-defined]


YES_NO = [("yes", _("Attended")), ("no", _("Did not attend"))]


class AttendanceForm(forms.Form):
    """One yes/no per participant (named `p<episode id>`); at a drop-in also a known client
    who came and the number who came without being registered by name."""

    relatives = forms.IntegerField(
        label=_("Relatives who came along"), min_value=0, max_value=500, initial=0
    )

    def __init__(
        self,
        *args: object,
        meeting: CourseMeeting,
        participants: list[Participant],
        drop_in_candidates: object = None,
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.participants = participants
        for row in participants:
            self.fields[f"p{row.episode.pk}"] = forms.ChoiceField(
                label=str(row.episode.client),
                choices=YES_NO,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                required=False,
                initial={True: "yes", False: "no"}.get(row.attended),  # type: ignore[arg-type]
            )
        self.fields["relatives"].initial = meeting.relatives
        if drop_in_candidates is not None:
            self.fields["unregistered"] = forms.IntegerField(
                label=_("Attendees not registered by name"),
                min_value=0,
                max_value=500,
                initial=meeting.unregistered_attendees,
            )
            self.fields["add_episode"] = EpisodeChoiceField(
                label=_("Add a known client who came"),
                queryset=drop_in_candidates,
                required=False,
                empty_label=_("Nobody"),
            )

    def rows(self) -> list[tuple[Participant, forms.BoundField]]:
        return [(row, self[f"p{row.episode.pk}"]) for row in self.participants]

    def marks(self) -> dict[int, bool]:
        return {
            row.episode.pk: self.cleaned_data[f"p{row.episode.pk}"] == "yes"
            for row in self.participants
            if self.cleaned_data.get(f"p{row.episode.pk}")
        }


class EpisodeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Episode) -> str:
        return str(obj.client)


class RunCompleteForm(forms.Form):
    """Per participant (`s<enrolment id>`, `e<enrolment id>`): completed or dropped out, and
    the course evaluation (1-6) if the client gave one."""

    def __init__(self, *args: object, enrolments: list[Enrolment], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.enrolments = enrolments
        endings = [(status, EnrolmentStatus(status).label) for status in RUN_ENDINGS]
        for enrolment in enrolments:
            name = str(enrolment.episode.client)
            done = enrolment.status in RUN_ENDINGS
            self.fields[f"s{enrolment.pk}"] = forms.ChoiceField(
                label=name,
                choices=endings,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                initial=enrolment.status if done else EnrolmentStatus.COMPLETED,
            )
            self.fields[f"e{enrolment.pk}"] = forms.TypedChoiceField(
                label=_("Course evaluation (1-6) from %(name)s") % {"name": name},
                choices=EVALUATIONS,
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
                coerce=int,
                empty_value=None,
                required=False,
                initial=enrolment.evaluation or "",
            )

    def rows(self) -> list[tuple[Enrolment, forms.BoundField, forms.BoundField]]:
        return [(e, self[f"s{e.pk}"], self[f"e{e.pk}"]) for e in self.enrolments]
