from django import forms
from django.utils.translation import gettext_lazy as _

from intake.models import GeneralPractitioner
from referrals.gps.services import MAX_FILE_BYTES, POSTCODE
from rph.accounts.models import Municipality
from rph.forms import submit_helper


class GpImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "The GP list as CSV (UTF-8, separated by ';' or ','), or the address register's "
            "XML export with the HER-ids. Both are described above."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv,.xml,text/xml"}),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.helper = submit_helper(_("Import"))
        self.helper.form_enctype = "multipart/form-data"

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return upload.read()


class GpForm(forms.ModelForm):
    municipalities = forms.ModelMultipleChoiceField(
        label=_("Municipalities served"),
        queryset=Municipality.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose the municipalities the GP serves.")},
    )

    class Meta:
        model = GeneralPractitioner
        fields = ["hpr_number", "her_id", "name", "practice", "office_her_id", "address"]
        fields += ["postcode", "town", "phone"]
        fields += ["municipalities", "active"]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.helper = submit_helper(_("Save"))

    def clean_postcode(self) -> str:
        value = self.cleaned_data["postcode"].strip()
        if value and not POSTCODE.match(value):
            raise forms.ValidationError(_("The postcode must be 4 digits."))
        return value
