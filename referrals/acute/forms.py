from datetime import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from referrals.acute.services import MAX_OUTCOME
from referrals.models import AcuteService
from rph.forms import submit_helper


def _now_to_the_minute() -> datetime:
    return timezone.localtime().replace(second=0, microsecond=0)


class AcuteContactForm(forms.Form):
    service = forms.ChoiceField(
        label=_("Service contacted"), choices=AcuteService.choices, widget=forms.RadioSelect
    )
    contacted_at = forms.DateTimeField(
        label=_("Contacted"), help_text=_("dd.mm.yyyy hh:mm"), initial=_now_to_the_minute
    )
    outcome = forms.CharField(
        label=_("What was agreed"),
        max_length=MAX_OUTCOME,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("E.g. the acute team comes at 14:00; the client waits with a relative."),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.helper = submit_helper(_("Record acute contact"), form_tag=False)
