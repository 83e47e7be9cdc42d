"""Channel and referrer agree in the forms, the API and the demo; the attempt outcome that
stops the clock has no default."""

import pytest
from django.urls import reverse

from intake.demo import DEMO_ROUTES
from intake.models import Channel, Contact, ContactAttempt, Referrer
from intake.registration.rules import referrer_fits
from tests.intake.factories import ContactFactory
from tests.intake.registration_data import register_form, synthetic_numbers

pytestmark = pytest.mark.usefixtures("synthetic_numbers")
__all__ = ["synthetic_numbers"]

URL = reverse("intake:contact_register")
API = reverse("api-contact-list")


@pytest.mark.parametrize(
    ("channel", "referrer", "fits"),
    [
        (Channel.GP_REFERRAL, Referrer.GP, True),
        (Channel.GP_REFERRAL, Referrer.SELF, False),
        (Channel.PHONE, Referrer.GP, False),
        (Channel.PHONE, Referrer.NAV, True),
        (Channel.WEB_FORM, Referrer.SELF, True),
        (Channel.WEB_FORM, Referrer.NAV, False),
        (Channel.OTHER_REFERRAL, Referrer.SELF, False),
        (Channel.OTHER_REFERRAL, Referrer.HELSESTASJON, True),
        (Channel.RELATIVE, Referrer.OTHER, True),
    ],
)
def test_the_rule(channel, referrer, fits):
    assert referrer_fits(channel, referrer) is fits


def test_a_gp_referral_left_on_self_is_refused_on_the_page(personas, login):
    data = register_form(personas.team, channel="gp_referral", referrer="self")

    response = login(personas.clerical).post(URL, data)

    assert response.status_code == 200
    assert "En henvisning fra fastlege har fastlegen som henviser" in response.content.decode()
    assert not Contact.objects.exists()


def test_a_gp_referral_left_on_self_gets_400_in_the_api(personas, login):
    data = register_form(personas.team, channel="gp_referral", referrer="self")
    data["birth_date"] = "1990-05-17"
    data["create_new"] = True

    response = login(personas.clerical).post(API, data, content_type="application/json")

    assert response.status_code == 400
    assert "referrer" in response.json()
    assert not Contact.objects.exists()


def test_every_demo_route_is_consistent():
    assert all(referrer_fits(route["channel"], route["referrer"]) for route in DEMO_ROUTES)


class TestTheAttemptOutcome:
    def test_the_form_has_no_outcome_chosen(self, personas, login):
        contact = ContactFactory(team=personas.team, client=personas.client)

        response = login(personas.clerical).get(reverse("intake:contact_detail", args=[contact.pk]))

        field = response.context["attempt_form"]["outcome"]
        assert field.value() is None
        assert '<option value="" selected>' in str(field)

    def test_an_attempt_without_an_outcome_is_refused_and_the_clock_runs(self, personas, login):
        contact = ContactFactory(team=personas.team, client=personas.client)

        response = login(personas.clerical).post(
            reverse("intake:contact_attempt", args=[contact.pk]), {"method": "phone"}
        )

        assert response.status_code == 200
        assert "Velg utfallet av forsøket." in response.content.decode()
        assert not ContactAttempt.objects.exists()
