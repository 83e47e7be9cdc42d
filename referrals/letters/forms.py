from typing import Any

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from intake.assessments.choices import WorkStatus
from intake.models import Client, GeneralPractitioner
from referrals.letters.services import OVERRIDE_MIN_REASON
from referrals.models import Letter, LetterKind, ReferralTo, SentVia, TeamMessaging
from rph.forms import submit_helper
from treatment.models import Episode

MAX_RECIPIENTS = 10
TEXT_FIELDS = ("reason_for_contact", "assessment_summary", "risk_summary", "treatment_summary")


class LetterCreateForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of letter"), choices=LetterKind.choices, widget=forms.RadioSelect
    )
    episode = forms.ModelChoiceField(
        label=_("Episode"),
        queryset=Episode.objects.none(),
        required=False,
        help_text=_("The epikrise at the end needs the episode; it must have ended."),
    )
    referral_to = forms.ChoiceField(
        label=_("Ask the GP to refer to"),
        choices=[("", "---------"), *ReferralTo.choices],
        required=False,
        help_text=_("Only for a request for referral."),
    )

    def __init__(self, *args: Any, client: Client, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        episodes = self.fields["episode"]
        episodes.queryset = Episode.objects.filter(client=client).order_by("-started_at")  # type: ignore[attr-defined]
        episodes.label_from_instance = _episode_label  # type: ignore[attr-defined]
        self.helper = submit_helper(_("Write the draft"))


def _episode_label(episode: Episode) -> str:
    start = formats.date_format(timezone.localdate(episode.started_at), "SHORT_DATE_FORMAT")
    if episode.ended_at is None:
        return str(_("From %(start)s (open)") % {"start": start})
    end = formats.date_format(timezone.localdate(episode.ended_at), "SHORT_DATE_FORMAT")
    return f"{start} – {end}"


class LetterEditForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    gp = forms.ModelChoiceField(
        label=_("GP"),
        queryset=GeneralPractitioner.objects.none(),
        required=False,
        empty_label=_("No GP"),
        help_text=_("The client's GP is chosen when the draft has none."),
    )
    other_recipients = forms.CharField(
        label=_("Other recipients"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line. Only those the client has agreed to."),
    )
    copy_to_client = forms.BooleanField(label=_("Copy to the client"), required=False)
    reason_for_contact = forms.CharField(
        label=_("Reason for contact"), max_length=3000, required=False, widget=forms.Textarea
    )
    assessment_summary = forms.CharField(
        label=_("Assessment"), max_length=5000, required=False, widget=forms.Textarea
    )
    risk_summary = forms.CharField(
        label=_("Risk"), max_length=3000, required=False, widget=forms.Textarea
    )
    treatment_summary = forms.CharField(
        label=_("Treatment"), max_length=5000, required=False, widget=forms.Textarea
    )
    advice = forms.CharField(
        label=_("Advice for follow-up"), max_length=3000, required=False, widget=forms.Textarea
    )
    work_statuses_end = forms.MultipleChoiceField(
        label=_("Work status at the end"),
        choices=WorkStatus.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Reported to the GP, and counted in the grant report and the FHI data."),
    )
    sick_leave_percentage_end = forms.IntegerField(
        label=_("Sick leave at the end (%)"), min_value=1, max_value=100, required=False
    )

    def __init__(self, *args: Any, letter: Letter, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.letter = letter
        keep = letter.gp_id or letter.client.gp_id
        self.fields["gp"].queryset = GeneralPractitioner.objects.for_picker(  # type: ignore[attr-defined]
            letter.team, keep=keep
        )
        if letter.kind == LetterKind.REFERRAL_REQUEST:
            self.fields["advice"].label = _("Request")
        if letter.kind != LetterKind.EPIKRISE_END:
            del self.fields["work_statuses_end"]
            del self.fields["sick_leave_percentage_end"]
        for name in (*TEXT_FIELDS, "advice"):
            self.fields[name].widget.attrs["rows"] = 5
        self.helper = submit_helper(_("Save"))

    @staticmethod
    def initial_for(letter: Letter) -> dict[str, Any]:
        end = letter.facts.get("work_status_end") or {}
        return {
            "version": letter.version,
            "gp": letter.gp_id or letter.client.gp_id,
            "other_recipients": "\n".join(letter.other_recipients),
            "copy_to_client": letter.copy_to_client,
            **{name: getattr(letter, name) for name in (*TEXT_FIELDS, "advice")},
            "work_statuses_end": end.get("statuses", []),
            "sick_leave_percentage_end": end.get("sick_leave_percentage"),
        }

    def clean_other_recipients(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["other_recipients"].splitlines()]
        recipients = [line for line in lines if line]
        if len(recipients) > MAX_RECIPIENTS:
            raise forms.ValidationError(
                _("At most %(n)d other recipients.") % {"n": MAX_RECIPIENTS}
            )
        return recipients

    def changes(self) -> dict[str, Any]:
        data = self.cleaned_data
        changes = {
            name: data[name]
            for name in (*TEXT_FIELDS, "advice", "gp", "other_recipients", "copy_to_client")
        }
        if "work_statuses_end" in self.fields:
            changes["work_status_end"] = {
                "statuses": data["work_statuses_end"],
                "sick_leave_percentage": data["sick_leave_percentage_end"],
            }
        return changes


class TeamMessagingForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = TeamMessaging
        fields = ["her_id", "transport", "receipt_wait_hours"]
        widgets = {"transport": forms.RadioSelect}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version
        self.helper = submit_helper(_("Save"))


class LetterSendForm(forms.Form):
    sent_via = forms.ChoiceField(
        label=_("Sent by"), choices=SentVia.choices, widget=forms.RadioSelect
    )
    sent_on = forms.DateField(label=_("Date sent"), initial=timezone.localdate)
    override_reason = forms.CharField(
        label=_("Weighty reason for sending despite the objection"),
        required=False,
        min_length=OVERRIDE_MIN_REASON,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Only when sending is necessary to prevent danger to life or serious harm to "
            "health. Your name, the time and the reason are recorded and shown to the team lead."
        ),
    )

    def __init__(
        self, *args: Any, may_override: bool, electronic: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if not may_override:
            del self.fields["override_reason"]
        if not electronic:
            self.fields["sent_via"].choices = [
                choice for choice in SentVia.choices if choice[0] != SentVia.MESSAGE
            ]
        self.helper = submit_helper(_("Record as sent"))
