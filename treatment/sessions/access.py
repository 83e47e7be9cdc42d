"""Fetch a session for a user: the client's access rules decide, and the look is logged."""

from django.http import HttpRequest

from intake.access import get_owned_for_user
from rph.accounts.access import Access, Need
from treatment.models import Session


def get_session_for_user(
    request: HttpRequest, pk: int, need: Need = Need.CONTACT_READ
) -> tuple[Session, Access]:
    queryset = Session.objects.select_related(
        "episode__client__team",
        "episode__primary_therapist",
        "therapist",
        "offer",
        "guided_self_help",
        "attendance_recorded_by",
        "note_updated_by",
    )
    return get_owned_for_user(request, queryset, pk, need, client_field="episode__client_id")
