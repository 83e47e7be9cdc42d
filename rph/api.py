"""The API's one exception handler (settings REST_FRAMEWORK["EXCEPTION_HANDLER"]).

Validation errors, DRF's and Django's (the services raise Django's ValidationError), answer
with field -> list of messages, `non_field_errors` for the rest: 400, or 409 when the record
changed state meanwhile (CONFLICT_CODES). They do not roll the request's transaction back:
a refused write has written nothing (services are atomic), and the access-log row of the
look stays. Every other error is DRF's `{"detail": ...}` (plus `code` where a client acts
on it), rolled back as DRF does.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from rph.accounts.access import BreakGlassRequired

# Codes of a service's ValidationError meaning "someone changed the record meanwhile".
CONFLICT_CODES = frozenset({"conflict", "already_sent", "not_draft", "open_contact"})


def error_data(exc: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {
            ("non_field_errors" if field == "__all__" else field): messages
            for field, messages in exc.message_dict.items()
        }
    return {"non_field_errors": exc.messages}


def exception_handler(exc: Exception, context: dict[str, object]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        conflict = getattr(exc, "code", None) in CONFLICT_CODES
        code = status.HTTP_409_CONFLICT if conflict else status.HTTP_400_BAD_REQUEST
        return Response(error_data(exc), status=code)
    if isinstance(exc, exceptions.ValidationError):
        return Response(exc.detail, status=exc.status_code)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, BreakGlassRequired):
        response.data = {
            "detail": _("You are not in the care team. Give a reason for emergency access."),
            "code": "break_glass_required",
        }
    return response


def json_not_found(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"detail": _("Address not found.")}, status=404)
