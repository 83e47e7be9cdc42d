"""The client's consents to be reached: the page, the API, who may change them, stale saves,
and that a new contact never changes them (intake.consents)."""

import pytest
from django.urls import reverse

from intake.consents.services import reach_now, reach_version
from intake.models import Consent, ConsentMethod, ReachKind
from intake.registration.services import contact_register
from tests.intake.factories import ClientFactory, ContactFactory, give_consents

pytestmark = pytest.mark.django_db
CLIENT_STAFF = ["clerical", "therapist", "colleague", "psychologist", "team_lead"]


def page(client) -> str:
    return reverse("intake:client_reach_consents", args=[client.pk])


def api(client) -> str:
    return reverse("api-client-reach-consents", args=[client.pk])


def form(client, **answers) -> dict[str, str]:
    data = {kind: "yes" if reach_now(client).allows(kind) else "no" for kind in ReachKind.values}
    data |= {"method": "phone", "note": "", "seen": str(reach_version(client))}
    return data | answers


@pytest.fixture
def person(personas):
    person = personas.client
    give_consents(person, ReachKind.CALL, ReachKind.SMS, ReachKind.DIGITAL_QUESTIONNAIRES)
    return person


class TestThePage:
    @pytest.mark.parametrize("persona", CLIENT_STAFF)
    def test_client_staff_withdraw_sms_and_the_register_keeps_who_how_and_when(
        self, personas, login, person, persona
    ):
        user = getattr(personas, persona)

        response = login(user).post(page(person), form(person, sms="no", method="in_person"))

        assert response.status_code == 302
        reach = reach_now(person)
        assert not reach.allows(ReachKind.SMS)
        assert reach.allows(ReachKind.DIGITAL_QUESTIONNAIRES)
        line = reach.lines[ReachKind.SMS]
        assert (line.recorded_by, line.method, line.given) == (user, ConsentMethod.IN_PERSON, False)
        # The history keeps the consent given before.
        assert Consent.objects.filter(client=person, party=ReachKind.SMS).count() == 2

    def test_the_page_shows_what_holds_and_the_history(self, personas, login, person):
        html = login(personas.clerical).get(page(person)).content.decode()

        assert "Samtykke til kontakt" in html
        assert html.count("Gitt") >= 3
        assert "Ikke spurt" in html  # e-mail was never asked

    def test_the_client_page_shows_the_consents_and_the_way_to_change_them(
        self, personas, login, person
    ):
        html = login(personas.clerical).get(person.get_absolute_url()).content.decode()

        assert 'data-testid="reach-consents"' in html
        assert page(person) in html

    def test_saving_the_same_answers_records_nothing(self, personas, login, person):
        before = Consent.objects.count()

        login(personas.clerical).post(page(person), form(person))

        assert Consent.objects.count() == before

    def test_a_stale_form_is_refused_shows_what_changed_and_saves_nothing(
        self, personas, login, person
    ):
        stale = form(person, email="yes")
        login(personas.therapist).post(page(person), form(person, sms="no"))

        response = login(personas.clerical).post(page(person), stale)

        html = response.content.decode()
        assert response.status_code == 200
        assert "Noen andre endret klientens samtykke" in html
        assert 'data-testid="consent-conflict"' in html
        assert not reach_now(person).allows(ReachKind.EMAIL)
        assert not reach_now(person).allows(ReachKind.SMS)
        # What the clerk chose is still on the form, to save again, checked against now.
        assert response.context["form"]["email"].value() == "yes"
        assert response.context["form"]["seen"].value() == str(reach_version(person))

    def test_without_how_nothing_is_saved(self, personas, login, person):
        response = login(personas.clerical).post(page(person), form(person, sms="no", method=""))

        assert response.status_code == 200
        assert reach_now(person).allows(ReachKind.SMS)

    def test_another_team_sees_nothing(self, personas, login, person):
        outsider = login(personas.outsider)

        assert outsider.get(page(person)).status_code == 404
        assert outsider.post(page(person), form(person, sms="no")).status_code == 404
        assert reach_now(person).allows(ReachKind.SMS)

    def test_the_admin_role_cannot_change_them(self, personas, login, person):
        response = login(personas.admin).post(page(person), form(person, sms="no"))

        assert response.status_code in (403, 404)
        assert reach_now(person).allows(ReachKind.SMS)


class TestTheApi:
    def test_get_answers_what_holds_the_history_and_the_version(self, personas, login, person):
        body = login(personas.clerical).get(api(person)).json()

        assert body["current"] == {
            "call": True,
            "sms": True,
            "email": False,
            "digital_questionnaires": True,
        }
        assert len(body["history"]) == 3
        assert body["version"] == reach_version(person)

    def test_post_withdraws_and_a_stale_version_gets_409(self, personas, login, person):
        http = login(personas.clerical)
        version = http.get(api(person)).json()["version"]
        change = {"sms": False, "method": "phone", "version": version}

        first = http.post(api(person), change, content_type="application/json")
        again = http.post(api(person), change | {"email": True}, content_type="application/json")

        assert first.status_code == 201
        assert first.json()["current"]["sms"] is False
        assert again.status_code == 409
        assert "Noen andre endret" in again.json()["non_field_errors"][0]
        assert not reach_now(person).allows(ReachKind.EMAIL)

    def test_bad_input_gets_400(self, personas, login, person):
        response = login(personas.clerical).post(
            api(person),
            {"sms": "kanskje", "method": "post", "version": 0},
            content_type="application/json",
        )

        assert response.status_code == 400
        assert set(response.json()) >= {"sms", "method"}

    def test_another_team_gets_404(self, personas, login, person):
        assert login(personas.outsider).get(api(person)).status_code == 404


class TestANewContactChangesNothing:
    def test_a_second_contact_with_empty_boxes_keeps_the_consent(self, personas, person):
        ContactFactory(team=person.team, client=person, status="closed")

        contact_register(
            team=person.team,
            registered_by=personas.clerical,
            client=person,
            channel="phone",
            referrer="self",
        )

        assert reach_now(person).allows(ReachKind.SMS)
        assert reach_now(person).allows(ReachKind.DIGITAL_QUESTIONNAIRES)

    def test_a_box_ticked_on_a_new_contact_is_recorded_as_given(self, personas):
        person = ClientFactory(team=personas.team)

        contact_register(
            team=person.team,
            registered_by=personas.clerical,
            client=person,
            channel="drop_in",
            referrer="self",
            consents_given=[ReachKind.EMAIL],
        )

        line = reach_now(person).lines[ReachKind.EMAIL]
        assert (line.given, line.method, line.recorded_by) == (
            True,
            ConsentMethod.IN_PERSON,
            personas.clerical,
        )
