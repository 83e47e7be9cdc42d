from typing import Any

from crispy_forms.bootstrap import InlineRadios
from crispy_forms.layout import Field, Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from intake.consents.services import MAX_NOTE, ReachNow
from intake.models import ConsentMethod, ReachKind
from rph.forms import submit_helper

YES_NO = [("yes", _("Yes")), ("no", _("No"))]
# How staff record a change; "in the self-referral form" and "on an earlier contact" are
# written by the system only.
STAFF_METHODS = [
    (value, label)
    for value, label in ConsentMethod.choices
    if value not in (ConsentMethod.SELF_REFERRAL, ConsentMethod.EARLIER_CONTACT)
]


class ReachConsentForm(forms.Form):
    """The client's answer for each way of reaching them, as it holds now, to change.

    `seen` is the last register line the user saw (the register's version): a save over a
    line recorded meanwhile is refused (intake.consents.services.reach_consents_change).
    """

    method = forms.ChoiceField(
        label=_("How did the client give or withdraw the consent?"),
        choices=STAFF_METHODS,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=MAX_NOTE)
    seen = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args: Any, reach: ReachNow, seen: int, **kwargs: Any) -> None:
        initial = {"seen": seen} | {
            kind: "yes" if reach.allows(kind) else "no" for kind in ReachKind.values
        }
        super().__init__(*args, initial=initial, **kwargs)
        labels = {
            ReachKind.CALL: _("May the team call the client?"),
            ReachKind.SMS: _("May the team send the client SMS?"),
            ReachKind.EMAIL: _("May the team send the client e-mail?"),
            ReachKind.DIGITAL_QUESTIONNAIRES: _(
                "May the team send questionnaires (PHQ-9, GAD-7) as a link by SMS or e-mail?"
            ),
        }
        for kind in ReachKind.values:
            self.fields[kind] = forms.ChoiceField(
                label=labels[kind], choices=YES_NO, widget=forms.RadioSelect
            )
        self.helper = submit_helper(_("Save consents"))
        self.helper.layout = Layout(
            *(InlineRadios(kind) for kind in ReachKind.values),
            InlineRadios("method"),
            Field("note"),
            "seen",
        )

    def wanted(self) -> dict[str, bool]:
        return {kind: self.cleaned_data[kind] == "yes" for kind in ReachKind.values}
