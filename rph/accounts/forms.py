from typing import Any

from allauth.account.forms import LoginForm


class StaffLoginForm(LoginForm):
    """allauth labels the field "Login"; say what it takes, and let password managers fill it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["login"]
        field.label = field.widget.attrs.pop("placeholder")
        field.widget.attrs["autocomplete"] = "username"
