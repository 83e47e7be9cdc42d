"""Fetch questionnaire objects for a user: the client's access rules decide, and are logged."""

from django.http import HttpRequest

from intake.access import get_owned_for_user
from questionnaires.models import Invitation, Response, RiskAlert
from rph.accounts.access import Access, Need


def get_response_for_user(
    request: HttpRequest, pk: int, need: Need = Need.CLINICAL_READ
) -> tuple[Response, Access]:
    queryset = Response.objects.select_related(
        "instrument", "entered_by", "supersedes", "superseded_by"
    )
    return get_owned_for_user(request, queryset, pk, need)


def get_invitation_for_user(
    request: HttpRequest, pk: int, need: Need = Need.CONTACT_READ
) -> tuple[Invitation, Access]:
    return get_owned_for_user(request, Invitation.objects.select_related("team"), pk, need)


def get_risk_alert_for_user(request: HttpRequest, pk: int) -> tuple[RiskAlert, Access]:
    queryset = RiskAlert.objects.select_related(
        "response__instrument", "recipient", "acknowledged_by", "team"
    )
    return get_owned_for_user(request, queryset, pk, Need.CLINICAL_READ)
