from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from rph.accounts.access import BreakGlassRequired


def exception_handler(exc: Exception, context: dict[str, object]) -> Response | None:
    """DRF's JSON errors, plus a machine-readable code when the glass must be broken."""
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, BreakGlassRequired):
        response.data = {
            "detail": _("You are not in the care team. Give a reason for emergency access."),
            "code": "break_glass_required",
        }
    return response


def json_not_found(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"detail": _("Address not found.")}, status=404)
