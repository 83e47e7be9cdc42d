"""Fetch treatment objects for a user: the client's access rules decide, and are logged."""

from django.http import HttpRequest

from intake.access import get_owned_for_user
from intake.models import Assessment
from rph.accounts.access import Access, Need
from treatment.models import Episode, Offer


def get_episode_for_user(
    request: HttpRequest, pk: int, need: Need = Need.CLINICAL_READ
) -> tuple[Episode, Access]:
    queryset = Episode.objects.select_related(
        "client__team", "team", "primary_therapist", "assessment__contact", "ended_by"
    )
    return get_owned_for_user(request, queryset, pk, need)


def get_offer_for_user(
    request: HttpRequest, pk: int, need: Need = Need.CLINICAL_READ
) -> tuple[Offer, Access]:
    queryset = Offer.objects.select_related("episode__team", "episode__client")
    return get_owned_for_user(request, queryset, pk, need, client_field="episode__client_id")


def get_assessment_for_user(
    request: HttpRequest, pk: int, need: Need = Need.CLINICAL_READ
) -> tuple[Assessment, Access]:
    """An assessment (to start its episode from): the client's rules decide."""
    queryset = Assessment.objects.select_related("contact__client", "therapist")
    return get_owned_for_user(request, queryset, pk, need, client_field="contact__client_id")
