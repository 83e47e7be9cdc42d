"""Fetch questionnaire objects for a user: the client's access rules decide, and are logged."""

from django.http import Http404, HttpRequest

from intake.access import get_client_for_user
from questionnaires.models import Response
from rph.accounts.access import Access, Need


def get_response_for_user(
    request: HttpRequest, pk: int, need: Need = Need.CLINICAL_READ
) -> tuple[Response, Access]:
    """The same check as `get_client_for_user`, on the response's client."""
    client_id = Response.objects.filter(pk=pk).values_list("client_id", flat=True).first()
    if client_id is None:
        raise Http404
    client, access = get_client_for_user(request, client_id, need)
    response = Response.objects.select_related(
        "instrument", "entered_by", "supersedes", "superseded_by"
    ).get(pk=pk)
    response.client = client
    return response, access
