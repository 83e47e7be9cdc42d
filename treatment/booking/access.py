"""Fetch a booking link for a user: the client's access rules decide, and are logged."""

from django.http import HttpRequest

from intake.access import get_owned_for_user
from rph.accounts.access import Access, Need
from treatment.models import BookingLink


def get_booking_link_for_user(
    request: HttpRequest, pk: int, need: Need = Need.CONTACT_READ
) -> tuple[BookingLink, Access]:
    queryset = BookingLink.objects.select_related("episode__client", "therapist", "session")
    return get_owned_for_user(request, queryset, pk, need, client_field="episode__client_id")
