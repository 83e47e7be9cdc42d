"""Acute contacts: who contacted legevakt or the acute team, and when."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from referrals.acute.services import acute_contact_record
from referrals.models import AcuteContact, AcuteService


def test_the_page_records_who_contacted_which_service_and_when(personas, login):
    http = login(personas.therapist)
    url = reverse("referrals:acute_contact", args=[personas.client.pk])
    at = timezone.localtime() - timedelta(minutes=5)

    response = http.post(
        url,
        {
            "service": AcuteService.LEGEVAKT,
            "contacted_at": at.strftime("%d.%m.%Y %H:%M"),
            "outcome": "Legevakten tar imot klienten kl. 15.",
        },
        follow=True,
    )

    contact = AcuteContact.objects.get()
    assert (contact.contacted_by, contact.service) == (personas.therapist, AcuteService.LEGEVAKT)
    page = response.content.decode()
    assert "Akuttkontakten er registrert." in page
    assert at.strftime("%d.%m.%Y %H:%M") in page


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"contacted_at": timezone.now() + timedelta(hours=1)}, "contacted_at"),
        ({"contacted_at": timezone.now() - timedelta(days=8)}, "contacted_at"),
        ({"outcome": " "}, "outcome"),
        ({"service": "taxi"}, "service"),
    ],
)
def test_bad_input_is_refused(personas, changes, field):
    fields = {
        "client": personas.client,
        "by": personas.therapist,
        "service": AcuteService.ACUTE_TEAM,
        "contacted_at": timezone.now(),
        "outcome": "Akutteamet kommer.",
    }

    with pytest.raises(ValidationError) as refused:
        acute_contact_record(**(fields | changes))

    assert field in refused.value.message_dict
    assert not AcuteContact.objects.exists()


def test_the_form_shows_a_norwegian_message_for_a_time_in_the_future(personas, login):
    later = timezone.localtime() + timedelta(hours=2)

    response = login(personas.therapist).post(
        reverse("referrals:acute_contact", args=[personas.client.pk]),
        {
            "service": AcuteService.LEGEVAKT,
            "contacted_at": later.strftime("%d.%m.%Y %H:%M"),
            "outcome": "Ringt.",
        },
    )

    assert response.status_code == 200
    assert "Tidspunktet kan ikke være fram i tid." in response.content.decode()
