"""Fetch guided self-help for a user: the client's access rules decide, and the look is logged."""

from datetime import date

from django.http import HttpRequest

from intake.access import get_owned_for_user
from rph.accounts.access import Access, Need
from treatment.models import GuidedSelfHelp
from treatment.self_help.services import self_help_queryset


def get_self_help_for_user(
    request: HttpRequest, pk: int, need: Need, today: date
) -> tuple[GuidedSelfHelp, Access]:
    """With the follow-up facts for `treatment.self_help.services.follow_up` on `today`."""
    queryset = (
        self_help_queryset()
        .with_follow_up_facts(today)
        .select_related("episode__client__team", "episode__primary_therapist", "offer")
    )
    return get_owned_for_user(request, queryset, pk, need, client_field="episode__client_id")
