"""Fetch questionnaire objects for a user: the client's access rules decide, and are logged."""

from typing import TypeVar

from django.db import models
from django.http import Http404, HttpRequest

from intake.access import get_client_for_user
from questionnaires.models import Invitation, Response, RiskAlert
from rph.accounts.access import Access, Need

Owned = TypeVar("Owned", Invitation, Response, RiskAlert)


def _through_client(
    request: HttpRequest, queryset: models.QuerySet[Owned], pk: int, need: Need
) -> tuple[Owned, Access]:
    """The same check as `get_client_for_user`, on the object's client."""
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise Http404
    client, access = get_client_for_user(request, obj.client_id, need)
    obj.client = client
    return obj, access


def get_response_for_user(
    request: HttpRequest, pk: int, need: Need = Need.CLINICAL_READ
) -> tuple[Response, Access]:
    queryset = Response.objects.select_related(
        "instrument", "entered_by", "supersedes", "superseded_by"
    )
    return _through_client(request, queryset, pk, need)


def get_invitation_for_user(
    request: HttpRequest, pk: int, need: Need = Need.CONTACT_READ
) -> tuple[Invitation, Access]:
    return _through_client(request, Invitation.objects.select_related("team"), pk, need)


def get_risk_alert_for_user(request: HttpRequest, pk: int) -> tuple[RiskAlert, Access]:
    queryset = RiskAlert.objects.select_related(
        "response__instrument", "recipient", "acknowledged_by", "team"
    )
    return _through_client(request, queryset, pk, Need.CLINICAL_READ)
