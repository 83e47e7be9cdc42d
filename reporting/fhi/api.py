"""The FHI export over the API, for the team lead and the administrator.

The export needs the same fresh login as the web page: a session that has passed allauth's
reauthentication (password, then TOTP) within the last minutes. An API token cannot prove
that, so token users get 403 with a message to use the web page.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponseBase
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from reporting.exports.access import missing_reauthentication
from reporting.exports.api import TEAM, report_team
from reporting.fhi.dataset import FHI_TABLES
from reporting.fhi.forms import FhiExportForm
from reporting.fhi.views import fhi_download
from rph.audit.models import AccessEvent


class FhiDictionaryApi(APIView):
    """The FHI export's data dictionary: each file's columns, types, meanings and values."""

    @extend_schema(parameters=[TEAM], responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        report_team(request)
        return Response(
            {
                table: [
                    {
                        "name": column.name,
                        "type": column.type,
                        "meaning": str(column.meaning),
                        "allowed_values": column.allowed_values,
                    }
                    for column in columns
                ]
                for table, columns in FHI_TABLES
            }
        )


def _reauthentication_refused(request: Request) -> Response | None:
    if request.auth is not None:  # a token: no way to prove a fresh login
        detail = _(
            "The FHI export needs a fresh login with password and authenticator code. "
            "API tokens cannot give that: export from the web page, %(url)s."
        ) % {"url": reverse("reporting:fhi_export")}
        body = {"detail": detail, "code": "reauthentication_unavailable"}
        return Response(body, status=status.HTTP_403_FORBIDDEN)
    missing = missing_reauthentication(request)
    if missing is not None:
        detail = _(
            "Confirm your password and authenticator code first (they count for a few "
            "minutes), then try again."
        )
        body = {"detail": detail, "code": "reauthentication_required", "url": reverse(missing)}
        return Response(body, status=status.HTTP_403_FORBIDDEN)
    return None


class FhiExportApi(APIView):
    """The FHI evaluation export as CSV (streamed), for clients who consented to research.

    Body: `key` (optional, at least 16 characters; default the app's key) and
    `shift_dates` (optional, false). Logged like the web page's export.
    """

    @extend_schema(
        parameters=[TEAM],
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.BINARY, 403: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, table: str) -> HttpResponseBase:
        team = report_team(request)
        if (refused := _reauthentication_refused(request)) is not None:
            return refused
        if not isinstance(request.data, dict):
            raise exceptions.ParseError(_("Send a JSON object."))
        data = {
            "table": table,
            "file_format": "csv",
            "key": request.data.get("key", ""),
            "shift_dates": request.data.get("shift_dates") is True,
        }
        form = FhiExportForm(data=data)
        if not form.is_valid():
            raise DjangoValidationError(form.errors.as_data())
        return fhi_download(
            user=request.user, team=team, channel=AccessEvent.Channel.API, **form.cleaned_data
        )
