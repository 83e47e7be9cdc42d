"""Admin for instruments: a team's administrator adds the licensed instruments the team uses.

Shipped instruments are shown read-only to everyone. A team administrator (an ADMIN membership
and staff status) sees the shipped instruments and those of the teams they administer, and may
add or change only the latter; the definition is checked by the same parser as the shipped ones.
"""

import json
from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import ForeignKey, QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from questionnaires.definitions import DefinitionError
from questionnaires.models import Instrument, Message
from questionnaires.services import instrument_check, instrument_save
from rph.accounts.models import Team
from rph.accounts.roles import Role
from rph.accounts.teams import roles_by_team

MAX_UPLOAD_BYTES = 256 * 1024
EDIT_FIELDS = ["team", "active", "definition_text", "definition_file"]
VIEW_FIELDS = ["name", "code", "version", "team", "is_shipped", "active", "definition_pretty"]


def administered_team_ids(request: HttpRequest) -> list[int]:
    return [team_id for team_id, role in roles_by_team(request.user).items() if role == Role.ADMIN]


class InstrumentForm(forms.ModelForm):
    definition_text = forms.CharField(
        label=_("Definition (JSON)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 24, "cols": 100, "spellcheck": "false"}),
        help_text=_(
            "Paste the instrument definition, with only texts your team is licensed to use."
        ),
    )
    definition_file = forms.FileField(
        label=_("Or upload a JSON file"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/json,.json"}),
    )

    class Meta:
        model = Instrument
        fields = ["team", "active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "team" in self.fields:  # not on the read-only view of a shipped instrument
            self.fields["team"].required = True
            self.fields["team"].empty_label = None
        if self.instance.pk and not self.is_bound:
            self.initial["definition_text"] = json.dumps(
                self.instance.definition, indent=2, ensure_ascii=False
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        field, raw = self._raw_definition(cleaned)
        team = cleaned.get("team")
        if raw is None or team is None:
            return cleaned
        try:
            # Editors on Windows may save JSON with a byte-order mark.
            data = json.loads(raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw)
            instrument_check(team=team, data=data, instrument_id=self.instance.pk)
        except UnicodeDecodeError:
            self.add_error(field, _("The file is not UTF-8 text."))
        except json.JSONDecodeError as error:
            self.add_error(
                field,
                _("This is not valid JSON (line %(line)s, column %(column)s).")
                % {"line": error.lineno, "column": error.colno},
            )
        except DefinitionError as error:
            self.add_error(field, str(error))
        else:
            cleaned["definition_data"] = data
        return cleaned

    def _raw_definition(self, cleaned: dict[str, Any]) -> tuple[str, str | bytes | None]:
        text = (cleaned.get("definition_text") or "").strip()
        upload = cleaned.get("definition_file")
        if text and upload:
            self.add_error("definition_file", _("Paste the definition or upload a file, not both."))
            return "definition_file", None
        if upload:
            if upload.size > MAX_UPLOAD_BYTES:
                self.add_error(
                    "definition_file",
                    _("The file is too large (at most %(kb)s kB).")
                    % {"kb": MAX_UPLOAD_BYTES // 1024},
                )
                return "definition_file", None
            return "definition_file", upload.read()
        if not text:
            self.add_error("definition_text", _("Paste a definition or upload a file."))
            return "definition_text", None
        return "definition_text", text


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin):
    form = InstrumentForm
    list_display = ["name", "code", "version", "team_or_all", "is_shipped", "active"]
    list_filter = ["is_shipped", "active"]
    search_fields = ["name", "code"]

    @admin.display(description=_("team"), ordering="team__name")
    def team_or_all(self, obj: Instrument) -> str:
        return str(obj.team) if obj.team else str(_("All teams"))

    @admin.display(description=_("definition"))
    def definition_pretty(self, obj: Instrument) -> str:
        return format_html(
            "<pre>{}</pre>", json.dumps(obj.definition, indent=2, ensure_ascii=False)
        )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Instrument]:
        queryset = super().get_queryset(request).select_related("team")
        if request.user.is_superuser:
            return queryset
        return queryset.for_admin_teams(administered_team_ids(request))

    def get_fields(self, request: HttpRequest, obj: Instrument | None = None) -> list[str]:
        if obj is not None and not self.has_change_permission(request, obj):
            return VIEW_FIELDS
        return EDIT_FIELDS

    def get_readonly_fields(self, request: HttpRequest, obj: Instrument | None = None) -> list[str]:
        if obj is not None and not self.has_change_permission(request, obj):
            return VIEW_FIELDS
        return []

    def formfield_for_foreignkey(
        self, db_field: ForeignKey, request: HttpRequest, **kwargs: Any
    ) -> forms.ModelChoiceField | None:
        if db_field.name == "team" and not request.user.is_superuser:
            kwargs["queryset"] = Team.objects.filter(id__in=administered_team_ids(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(
        self, request: HttpRequest, obj: Instrument, form: InstrumentForm, change: bool
    ) -> None:
        instrument_save(
            instrument=obj,
            team=form.cleaned_data["team"],
            data=form.cleaned_data["definition_data"],
            active=form.cleaned_data["active"],
        )

    # Permissions follow RPH roles, not Django model permissions.

    def _may_administer(self, request: HttpRequest) -> bool:
        return request.user.is_superuser or bool(administered_team_ids(request))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._may_administer(request)

    def has_view_permission(self, request: HttpRequest, obj: Instrument | None = None) -> bool:
        if obj is None or obj.team_id is None or request.user.is_superuser:
            return self._may_administer(request)
        return obj.team_id in administered_team_ids(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._may_administer(request)

    def has_change_permission(self, request: HttpRequest, obj: Instrument | None = None) -> bool:
        if obj is not None and obj.is_shipped:
            return False
        if obj is None or request.user.is_superuser:
            return self._may_administer(request)
        return obj.team_id in administered_team_ids(request)

    def has_delete_permission(self, request: HttpRequest, obj: Instrument | None = None) -> bool:
        return self.has_change_permission(request, obj)


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    """The outbox, read-only, for administrators of the team (and superusers).

    Confidential: a waiting message holds the client's link. Links are cut out once a
    message is sent, failed or cancelled (questionnaires/outbox.py).
    """

    list_display = ["created_at", "team", "kind", "channel", "status", "send_after", "sent_at"]
    list_filter = ["status", "kind", "channel"]
    fields = [
        "team",
        "kind",
        "channel",
        "recipient",
        "body",
        "status",
        "send_after",
        "claimed_at",
        "sent_at",
        "attempts",
        "last_error",
        "created_at",
    ]
    readonly_fields = fields
    ordering = ["-created_at", "-pk"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Message]:
        queryset = super().get_queryset(request).select_related("team")
        if request.user.is_superuser:
            return queryset
        return queryset.filter(team_id__in=administered_team_ids(request))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser or bool(administered_team_ids(request))

    def has_view_permission(self, request: HttpRequest, obj: Message | None = None) -> bool:
        if obj is None or request.user.is_superuser:
            return self.has_module_permission(request)
        return obj.team_id in administered_team_ids(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Message | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Message | None = None) -> bool:
        return False
