from typing import Any

from allauth.account.forms import LoginForm, ResetPasswordForm
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

LOCAL_LOGIN_OFF = _(
    "Sign-in with username and password is switched off here. Use the municipality's sign-in."
)


class StaffLoginForm(LoginForm):
    """allauth labels the field "Login"; say what it takes, and let password managers fill it.
    With RPH_LOCAL_LOGIN off, no password is accepted."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["login"]
        field.label = field.widget.attrs.pop("placeholder")
        field.widget.attrs["autocomplete"] = "username"

    def clean(self) -> dict[str, Any]:
        if not settings.LOCAL_LOGIN:
            raise forms.ValidationError(LOCAL_LOGIN_OFF)
        return super().clean()


class StaffResetPasswordForm(ResetPasswordForm):
    def clean(self) -> dict[str, Any]:
        if not settings.LOCAL_LOGIN:
            raise forms.ValidationError(LOCAL_LOGIN_OFF)
        return super().clean()
