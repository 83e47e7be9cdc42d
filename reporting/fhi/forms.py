from django import forms
from django.utils.translation import gettext_lazy as _

from rph.forms import submit_helper

MIN_KEY_LENGTH = 16


class FhiExportForm(forms.Form):
    table = forms.ChoiceField(
        label=_("File"),
        choices=[
            ("episodes", _("Episodes: one row per episode")),
            ("events", _("Sessions and questionnaires: one row per session, meeting or response")),
        ],
        widget=forms.RadioSelect,
        initial="episodes",
    )
    file_format = forms.ChoiceField(
        label=_("Format"),
        choices=[("csv", "CSV"), ("xlsx", _("Spreadsheet (XLSX)"))],
        widget=forms.RadioSelect,
        initial="csv",
    )
    key = forms.CharField(
        label=_("Export key"),
        required=False,
        min_length=MIN_KEY_LENGTH,
        max_length=200,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text=_(
            "At least 16 characters. The same key gives the same pseudonyms in a later export, "
            "so keep it safe and never send it with the files. Leave it empty to use the key "
            "RPH keeps."
        ),
    )
    shift_dates = forms.BooleanField(
        label=_("Shift each client's dates"),
        required=False,
        help_text=_(
            "All of a client's dates move by the same number of days (1-182, earlier or later, "
            "taken from the key), so intervals stay exact."
        ),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.helper = submit_helper(_("Export"))
