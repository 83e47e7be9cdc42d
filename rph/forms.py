"""What the apps' forms share: the crispy helper with one submit button, a service's errors
put on a form, and the hints for typing dates and times (dd.mm.åååå, Norwegian style)."""

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

DATE_HELP = _("dd.mm.yyyy")
TIME_HELP = _("hh:mm")
DATETIME_HELP = _("dd.mm.yyyy hh:mm")


def submit_helper(submit_label: str, *, form_tag: bool = True) -> FormHelper:
    """One submit button; `form_tag=False` where the template writes the <form> tag itself
    (a form that posts to its own address, or shares the tag with others)."""
    helper = FormHelper()
    helper.form_tag = form_tag
    helper.add_input(Submit("submit", submit_label))
    return helper


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """A service's errors on the form's fields; any other key, or none, on the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def keep_after_conflict(
    form_class: type[forms.BaseForm],
    data: Any,
    exc: Any,
    *,
    version_field: str = "version",
    **kwargs: Any,
) -> forms.BaseForm:
    """After a stale save (rph.versioning.StaleVersion): the form again with what the user
    typed, the version saved now (`version_field` of the record, so a second save is checked
    against it) and the message."""
    data = data.copy()
    data["version"] = str(getattr(exc.current, version_field))
    form = form_class(data, **kwargs)
    form.is_valid()
    form.add_error(None, exc)
    return form


class VersionField(forms.IntegerField):
    """The version the form was read at (rph.versioning), hidden."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(widget=forms.HiddenInput, min_value=0, **kwargs)
