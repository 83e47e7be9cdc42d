"""The structured form for the assessment conversation."""

import re
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Fieldset, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils.functional import Promise
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from intake.assessments.choices import ExclusionFactor, WorkStatus
from intake.assessments.rules import GAD7_ITEMS, ITEM_VALUES, PHQ9_ITEMS
from intake.models import Assessment
from rph.forms import VersionField

# Short item names for the therapist who types in a paper form; the full item texts and
# scoring come with the questionnaires app.
FREQUENCY = [
    (0, _("Not at all")),
    (1, _("Several days")),
    (2, _("More than half the days")),
    (3, _("Nearly every day")),
]
DIFFICULTY = [
    (0, _("Not difficult at all")),
    (1, _("Somewhat difficult")),
    (2, _("Very difficult")),
    (3, _("Extremely difficult")),
]
PHQ9_LABELS = [
    _("1. Little interest or pleasure"),
    _("2. Down, depressed or hopeless"),
    _("3. Sleep problems"),
    _("4. Tired, little energy"),
    _("5. Poor appetite or overeating"),
    _("6. Feeling bad about yourself"),
    _("7. Trouble concentrating"),
    _("8. Slowed down or restless"),
    _("9. Thoughts of being better off dead or of self-harm"),
    _("10. How difficult daily life has been (not scored)"),
]
GAD7_LABELS = [
    _("1. Nervous, anxious or on edge"),
    _("2. Not able to stop or control worrying"),
    _("3. Worrying too much about different things"),
    _("4. Trouble relaxing"),
    _("5. So restless that it is hard to sit still"),
    _("6. Easily annoyed or irritable"),
    _("7. Afraid that something awful might happen"),
]
assert len(PHQ9_LABELS) == PHQ9_ITEMS and len(GAD7_LABELS) == GAD7_ITEMS

Scale = list[tuple[int, Promise]]
YES_NO = [("True", _("Yes")), ("False", _("No"))]


class ItemAnswersWidget(forms.Widget):
    """One labelled select per item, all under the same name: the answers come as a list."""

    template_name = "intake/assessment/item_answers_widget.html"

    def __init__(self, items: list[tuple[Promise, Scale]], attrs: dict | None = None) -> None:
        super().__init__(attrs)
        self.items = items

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        values = value if isinstance(value, list) else []
        base_id = context["widget"]["attrs"].get("id", f"id_{name}")
        context["widget"]["items"] = [
            {
                "id": f"{base_id}_{index}",
                "label": label,
                "scale": scale,
                "value": _as_text(values[index]) if index < len(values) else "",
            }
            for index, (label, scale) in enumerate(self.items)
        ]
        return context

    def render(self, name: str, value: Any, attrs: dict | None = None, renderer: Any = None) -> str:
        # The project's template engine: the default form renderer only sees app templates.
        context = self.get_context(name, value, attrs)
        return mark_safe(render_to_string(self.template_name, context))  # noqa: S308

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return data.getlist(name) if hasattr(data, "getlist") else data.get(name)

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data

    def id_for_label(self, id_: str) -> str:
        return f"{id_}_0" if id_ else id_


def _as_text(value: object) -> str:
    return "" if value is None else str(value)


class ItemAnswersField(forms.Field):
    """[] when nothing is answered, else one value per item: 0-3, or None for unanswered."""

    def __init__(self, *, labels: list[Promise], scales: list[Scale], **kwargs: Any) -> None:
        self.items = len(labels)
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _("Leave items the person did not answer as not answered."))
        super().__init__(widget=ItemAnswersWidget(list(zip(labels, scales, strict=True))), **kwargs)

    def to_python(self, value: Any) -> list[int | None]:
        if value in (None, "", []):
            return []
        if not isinstance(value, list):
            value = [value]
        if len(value) != self.items:
            raise ValidationError(
                _("Expected %(items)d answers, got %(got)d."),
                params={"items": self.items, "got": len(value)},
            )
        answers = [_answer(raw) for raw in value]
        return [] if all(answer is None for answer in answers) else answers


def _answer(raw: object) -> int | None:
    text = _as_text(raw).strip()
    if text == "":
        return None
    if not text.isdigit() or int(text) not in ITEM_VALUES:
        raise ValidationError(_("Each answer must be 0, 1, 2, 3 or empty."))
    return int(text)


class AgesField(forms.CharField):
    """Children's ages typed as "3, 7, 15"."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=200, required=False, **kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return ", ".join(str(age) for age in value)
        return value

    def clean(self, value: Any) -> list[int]:
        text = super().clean(value)
        parts = [part for part in re.split(r"[\s,;]+", text) if part]
        if not all(part.isdigit() and int(part) <= 99 for part in parts):
            raise ValidationError(_("Write the ages as whole numbers, e.g. 3, 7, 15."))
        return [int(part) for part in parts]


def _yes_no_widget() -> forms.RadioSelect:
    return forms.RadioSelect(choices=YES_NO)


YES_NO_FIELDS = [
    "has_children",
    "absent_from_work",
    "suicidal_thoughts",
    "suicide_plans",
    "earlier_suicide_attempts",
    "substance_severe",
    "has_minor_children",
    "children_followup_considered",
]
TEXT_AREAS = [
    "risk_actions",
    "substance_notes",
    "children_note",
    "urgent_action",
    "decision_reason",
]


class AssessmentForm(forms.ModelForm):
    version = VersionField(required=False)
    phq9_answers = ItemAnswersField(
        label=_("PHQ-9 (depression), last 2 weeks"),
        labels=PHQ9_LABELS,
        scales=[FREQUENCY] * (PHQ9_ITEMS - 1) + [DIFFICULTY],
    )
    gad7_answers = ItemAnswersField(
        label=_("GAD-7 (anxiety), last 2 weeks"),
        labels=GAD7_LABELS,
        scales=[FREQUENCY] * GAD7_ITEMS,
    )
    children_ages = AgesField(
        label=_("Children's ages"), help_text=_("Separate with commas, e.g. 3, 7, 15.")
    )
    work_statuses = forms.MultipleChoiceField(
        label=_("Work status"),
        choices=WorkStatus.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick all that apply, e.g. in work and on sick leave."),
    )
    exclusion_factors = forms.MultipleChoiceField(
        label=_("Signs that RPH may not be the right help"),
        choices=ExclusionFactor.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Assessment
        fields = [
            "held_at",
            "mode",
            "sex",
            "marital_status",
            "has_children",
            "children_ages",
            "education",
            "income_band",
            "immigrant_background",
            "physical_activity",
            "social_support",
            "alcohol_habits",
            "sleep",
            "work_statuses",
            "work_percentage",
            "work_permanence",
            "work_kind",
            "sick_leave_since",
            "sick_leave_percentage",
            "work_status_other",
            "absent_from_work",
            "absence_reason",
            "absence_note",
            "phq9_answers",
            "gad7_answers",
            "suicidal_thoughts",
            "suicide_plans",
            "earlier_suicide_attempts",
            "risk_level",
            "risk_actions",
            "risk_conferred_with",
            "substance_notes",
            "substance_severe",
            "has_minor_children",
            "children_followup_considered",
            "children_note",
            "exclusion_factors",
            "urgent_action",
            "urgent_action_at",
            "decision",
            "step",
            "route",
            "decision_reason",
            "epikrise_to_gp",
            "epikrise_other_recipients",
            "client_objects_to_epikrise",
        ]
        labels = {
            "held_at": _("Time of the conversation"),
            "substance_notes": _("Alcohol and drugs"),
            "urgent_action": _("What was done"),
        }
        help_texts = {
            "held_at": _("dd.mm.yyyy hh:mm"),
            "sex": _("As the person states it. Never taken from the national identity number."),
            "sick_leave_since": _("dd.mm.yyyy"),
            "sick_leave_percentage": _("Graded sick leave: the percentage on leave."),
            "risk_conferred_with": _("Required for moderate or high risk. In doubt, confer."),
            "urgent_action": _("E.g. contacted legevakt at 14:20, the client was collected by …"),
            "urgent_action_at": _("dd.mm.yyyy hh:mm"),
            "decision_reason": _("Required when the person is routed onward."),
            "epikrise_other_recipients": _("E.g. NAV, with the client's consent."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version
        for name in YES_NO_FIELDS:
            self.fields[name].widget = _yes_no_widget()
        for name in TEXT_AREAS:
            self.fields[name].widget.attrs["rows"] = 3
        self.helper = _layout()


def _layout() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False  # the template holds the form, the error summary and the buttons
    helper.layout = Layout(
        Fieldset(_("The conversation"), "held_at", "mode"),
        "version",
        Fieldset(
            _("Background"),
            "sex",
            "marital_status",
            "has_children",
            "children_ages",
            "education",
            "income_band",
            "immigrant_background",
            "physical_activity",
            "social_support",
            "alcohol_habits",
            "sleep",
        ),
        Fieldset(
            _("Work"),
            "work_statuses",
            Div("work_percentage", "work_permanence", "work_kind"),
            Div("sick_leave_since", "sick_leave_percentage"),
            "work_status_other",
            "absent_from_work",
            "absence_reason",
            "absence_note",
        ),
        Fieldset(
            _("Baseline questionnaires"),
            Field("phq9_answers", template="intake/assessment/item_answers_field.html"),
            Field("gad7_answers", template="intake/assessment/item_answers_field.html"),
        ),
        Fieldset(
            _("Suicide risk"),
            "suicidal_thoughts",
            "suicide_plans",
            "earlier_suicide_attempts",
            "risk_level",
            "risk_actions",
            "risk_conferred_with",
        ),
        Fieldset(_("Substance use"), "substance_notes", "substance_severe"),
        Fieldset(
            _("Minor children as relatives"),
            "has_minor_children",
            "children_followup_considered",
            "children_note",
        ),
        Fieldset(_("Exclusion and onward referral"), "exclusion_factors"),
        Fieldset(_("Acute action"), "urgent_action", "urgent_action_at"),
        Fieldset(_("Outcome of the assessment"), "decision", "step", "route", "decision_reason"),
        Fieldset(
            _("Epikrise"),
            "epikrise_to_gp",
            "epikrise_other_recipients",
            "client_objects_to_epikrise",
        ),
    )
    return helper
