"""Fetch treatment objects for a user: the client's access rules decide, and are logged."""

from operator import attrgetter
from typing import TypeVar

from django.db import models
from django.http import Http404, HttpRequest

from intake.access import get_client_for_user
from intake.models import Assessment
from rph.accounts.access import Access, Need
from treatment.models import Episode, Offer

Owned = TypeVar("Owned", bound=models.Model)


def through_client(
    request: HttpRequest,
    queryset: models.QuerySet[Owned],
    pk: int,
    need: Need,
    client_field: str = "client_id",
) -> tuple[Owned, Access]:
    """The same check as `get_client_for_user`, on the object's client.

    `client_field` names the client id on the object, e.g. "episode__client_id" for a
    session (then select_related("episode") in the queryset keeps it one query).
    """
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise Http404
    client_id = attrgetter(client_field.replace("__", "."))(obj)
    _client, access = get_client_for_user(request, client_id, need)
    return obj, access


def get_episode_for_user(
    request: HttpRequest, pk: int, need: Need = Need.CLINICAL_READ
) -> tuple[Episode, Access]:
    queryset = Episode.objects.select_related(
        "client__team", "team", "primary_therapist", "assessment__contact", "ended_by"
    )
    return through_client(request, queryset, pk, need)


def get_offer_for_user(
    request: HttpRequest, pk: int, need: Need = Need.CLINICAL_READ
) -> tuple[Offer, Access]:
    queryset = Offer.objects.select_related("episode__team", "episode__client")
    return through_client(request, queryset, pk, need, client_field="episode__client_id")


def get_assessment_for_user(
    request: HttpRequest, pk: int, need: Need = Need.CLINICAL_READ
) -> tuple[Assessment, Access]:
    """An assessment (to start its episode from): the client's rules decide."""
    queryset = Assessment.objects.select_related("contact__client", "therapist")
    return through_client(request, queryset, pk, need, client_field="contact__client_id")
