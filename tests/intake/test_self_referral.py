"""The public self-referral form at /henvendelse/ and its JSON twin for municipal websites."""

import datetime

import pytest
import time_machine
from django.test import Client as HttpClient
from django.urls import reverse

from intake.consents.services import reach_now
from intake.models import Channel, Client, Contact, ReachKind, Referrer
from intake.self_referral.ratelimit import SELF_REFERRAL_LIMIT
from tests.accounts.factories import MunicipalityFactory, TeamFactory

pytestmark = pytest.mark.django_db

URL = reverse("intake:self_referral")
API = reverse("api-self-referral")
DONE = reverse("intake:self_referral_done")
NAME, PHONE, EMAIL = "Kari", "412 34 599", "kari.selv@example.no"


@pytest.fixture
def team():
    return TeamFactory(response_promise_hours=72)


def _form(team, **overrides) -> dict[str, object]:
    data: dict[str, object] = {
        "first_name": NAME,
        "last_name": "Nordmann",
        "phone": PHONE,
        "email": EMAIL,
        "home_municipality": team.municipalities.order_by("pk").first().number,
        "concerns": ["anxiety"],
        "best_time_to_call": "Etter kl. 15",
        "consent": "on",
        "website": "",
    }
    data.update(overrides)
    return data


def _json(team, **overrides) -> dict[str, object]:
    return _form(team, consent=True) | overrides


def _post_json(http: HttpClient, data: object, **extra):
    return http.post(API, data, content_type="application/json", **extra)


class TestThePage:
    def test_anyone_can_open_it_without_logging_in(self, client, team):
        response = client.get(URL)

        page = response.content.decode()
        assert response.status_code == 200
        assert "Be Rask psykisk helsehjelp om å ringe deg" in page
        assert 'lang="nb"' in page
        assert 'autocomplete="given-name"' in page
        assert 'type="tel"' in page

    def test_it_lists_only_municipalities_served_by_a_team(self, client, team):
        lonely = MunicipalityFactory(name="Ingensteds")

        page = client.get(URL).content.decode()

        for municipality in team.municipalities.all():
            assert f'value="{municipality.number}"' in page
        assert lonely.name not in page

    def test_a_request_becomes_a_web_form_contact_to_call_back(self, client, team):
        response = client.post(URL, _form(team))

        assert response.status_code == 302
        assert response["Location"] == DONE
        contact = Contact.objects.get()
        assert contact.team == team
        assert (contact.channel, contact.referrer) == (Channel.WEB_FORM, Referrer.SELF)
        assert contact.registered_by is None
        assert reach_now(contact.client).allows(ReachKind.CALL)
        assert contact.concerns == ["anxiety"]
        assert contact.best_time_to_call == "Etter kl. 15"
        assert contact.deadline - contact.registered_at == datetime.timedelta(hours=72)
        assert str(contact.client.phone) == "+4741234599"

    def test_the_confirmation_promises_the_teams_call_and_echoes_nothing(self, client, team):
        page = client.post(URL, _form(team), follow=True).content.decode()

        assert "En behandler ringer deg innen 72 timer." in page
        assert 'href="tel:113"' in page
        assert "116 117" in page
        for sent in (NAME, "Nordmann", PHONE, "41234599", EMAIL, "Etter kl. 15"):
            assert sent not in page

    def test_it_goes_to_the_first_team_by_name_when_several_serve_the_municipality(self, client):
        shared = MunicipalityFactory()
        TeamFactory(name="Fosen RPH", municipalities=[shared])
        first = TeamFactory(name="Alstahaug RPH", municipalities=[shared])

        client.post(URL, _form(first, home_municipality=shared.number))

        assert Contact.objects.get().team == first

    def test_the_consent_must_be_given(self, client, team):
        data = _form(team)
        del data["consent"]

        response = client.post(URL, data)

        assert "Du må samtykke før du sender skjemaet." in response.content.decode()
        assert Contact.objects.count() == 0

    @pytest.mark.parametrize(
        ("overrides", "message"),
        [
            ({"phone": ""}, "Dette feltet er påkrevd."),
            ({"phone": "ring meg"}, "Tast inn et gyldig telefonnummer"),
            ({"home_municipality": "0000"}, "Velg en av kommunene i listen."),
            ({"home_municipality": ""}, "Velg en kommune."),
            ({"first_name": "x" * 101}, "100 eller færre tegn"),
            ({"best_time_to_call": "x" * 201}, "200 eller færre tegn"),
            ({"email": "ikke-en-adresse"}, "Oppgi en gyldig epost-adresse."),
            ({"concerns": ["boredom"]}, "gyldig valg"),
        ],
        ids=lambda value: str(value)[:30],
    )
    def test_bad_input_gets_a_clear_message_and_nothing_is_saved(
        self, client, team, overrides, message
    ):
        response = client.post(URL, _form(team, **overrides))

        page = response.content.decode()
        assert response.status_code == 200
        assert message in page
        assert "Skjemaet ble ikke sendt." in page
        assert Client.objects.count() == Contact.objects.count() == 0

    def test_markup_sent_back_in_the_form_is_escaped(self, client, team):
        payload = "<script>alert('x')</script>"

        response = client.post(URL, _form(team, first_name=payload, phone="feil"))

        assert payload not in response.content.decode()
        assert Contact.objects.count() == 0

    def test_an_oversized_request_is_refused_with_a_message(self, client, team):
        response = client.post(URL, _form(team, best_time_to_call="x" * 30_000))

        assert response.status_code == 413
        assert "Skjemaet var for stort til å bli mottatt." in response.content.decode()
        assert Contact.objects.count() == 0

    def test_a_body_over_djangos_upload_limit_gets_a_norwegian_page(self, team):
        # With CSRF checks on, as in production, the middleware reads the body first.
        http = HttpClient(enforce_csrf_checks=True)
        http.get(URL)
        token = http.cookies["csrftoken"].value
        data = _form(team, best_time_to_call="x" * 3_000_000, csrfmiddlewaretoken=token)

        response = http.post(URL, data)

        assert response.status_code == 400
        assert "Forespørselen kunne ikke tas imot" in response.content.decode()
        assert Contact.objects.count() == 0

    def test_a_filled_honeypot_looks_like_success_but_saves_nothing(self, client, team):
        response = client.post(URL, _form(team, website="http://spam.example"), follow=True)

        assert response.status_code == 200
        assert "Takk, vi har mottatt henvendelsen din" in response.content.decode()
        assert Client.objects.count() == Contact.objects.count() == 0

    def test_the_honeypot_is_hidden_from_people_and_screen_readers(self, client, team):
        page = client.get(URL).content.decode()

        start = page.index('aria-hidden="true"')
        assert 'name="website"' in page[start : start + 1000]
        assert "d-none" in page[page.rindex("<div", 0, start) : start]


class TestTheRateLimit:
    def test_after_the_limit_the_address_gets_429_in_norwegian(self, client, team):
        for n in range(SELF_REFERRAL_LIMIT):
            assert client.post(URL, _form(team, phone=f"4123450{n}")).status_code == 302

        response = client.post(URL, _form(team, phone="41234510"))

        assert response.status_code == 429
        assert "For mange henvendelser" in response.content.decode()
        assert int(response["Retry-After"]) > 0
        assert Contact.objects.count() == SELF_REFERRAL_LIMIT

    def test_failed_and_robot_submissions_count_too(self, client, team):
        for _ in range(SELF_REFERRAL_LIMIT):
            client.post(URL, _form(team, website="spam", phone="x"))

        assert client.post(URL, _form(team)).status_code == 429
        assert Contact.objects.count() == 0

    def test_another_address_is_not_limited(self, client, team):
        for _ in range(SELF_REFERRAL_LIMIT + 1):
            client.post(URL, _form(team))

        other = HttpClient(REMOTE_ADDR="203.0.113.9")

        assert other.post(URL, _form(team)).status_code == 302

    def test_the_form_and_the_api_share_one_limit(self, client, team):
        for _ in range(SELF_REFERRAL_LIMIT):
            client.post(URL, _form(team))

        response = _post_json(client, _json(team))

        assert response.status_code == 429
        assert "For mange henvendelser" in response.json()["detail"]

    def test_the_limit_lifts_in_the_next_hour(self, client, team):
        start = datetime.datetime(2026, 11, 23, 10, 5, tzinfo=datetime.UTC)
        with time_machine.travel(start, tick=False) as clock:
            for _ in range(SELF_REFERRAL_LIMIT + 1):
                client.post(URL, _form(team))
            clock.shift(datetime.timedelta(hours=1))

            assert client.post(URL, _form(team)).status_code == 302

    def test_looking_at_the_form_is_never_limited(self, client, team):
        for _ in range(SELF_REFERRAL_LIMIT + 1):
            client.post(URL, _form(team))

        assert client.get(URL).status_code == 200


class TestTheJsonTwin:
    def test_it_needs_no_login_and_no_csrf_token(self, team):
        http = HttpClient(enforce_csrf_checks=True)

        response = _post_json(http, _json(team))

        assert response.status_code == 201
        contact = Contact.objects.get()
        assert (contact.channel, contact.referrer, contact.registered_by) == (
            Channel.WEB_FORM,
            Referrer.SELF,
            None,
        )

    def test_the_answer_holds_the_promise_and_no_personal_data(self, client, team):
        response = _post_json(client, _json(team))

        body = response.json()
        assert body["response_promise_hours"] == 72
        assert body["detail"] == "Takk, vi har mottatt henvendelsen din."
        text = response.content.decode()
        for sent in (NAME, "Nordmann", "41234599", EMAIL):
            assert sent not in text

    def test_bad_input_gets_400_with_norwegian_messages_and_nothing_saved(self, client, team):
        response = _post_json(
            client, _json(team, consent=False, phone="", home_municipality="0000")
        )

        body = response.json()
        assert response.status_code == 400
        assert body["consent"] == ["Du må samtykke før du sender skjemaet."]
        assert body["home_municipality"] == ["Velg en av kommunene i listen."]
        assert "phone" in body
        assert Contact.objects.count() == 0

    @pytest.mark.parametrize("body", [[1, 2, 3], '"just a string"', 42], ids=str)
    def test_a_body_that_is_not_an_object_gets_400(self, client, team, body):
        response = _post_json(client, body)

        assert response.status_code == 400
        assert response.json() == {"detail": "Send et JSON-objekt."}

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"first_name": {"nested": True}}, "first_name"),
            ({"phone": ["41234599"]}, "phone"),
            ({"home_municipality": {"number": "0301"}}, "home_municipality"),
            ({"concerns": "anxiety"}, "concerns"),
            ({"concerns": [{"a": 1}]}, "concerns"),
            ({"first_name": None}, "first_name"),
            ({"last_name": 12, "phone": 12}, "phone"),
        ],
        ids=lambda value: str(value)[:30],
    )
    def test_values_of_the_wrong_shape_get_400_never_500(self, client, team, overrides, field):
        response = _post_json(client, _json(team, **overrides))

        assert response.status_code == 400
        assert field in response.json()
        assert Contact.objects.count() == 0

    def test_invalid_json_gets_400(self, client, team):
        response = client.post(API, "{not json", content_type="application/json")

        assert response.status_code == 400
        assert Contact.objects.count() == 0

    def test_an_oversized_body_gets_413(self, client, team):
        response = _post_json(client, _json(team, best_time_to_call="x" * 30_000))

        assert response.status_code == 413
        assert Contact.objects.count() == 0

    def test_a_filled_honeypot_answers_201_and_saves_nothing(self, client, team):
        response = _post_json(client, _json(team, website="http://spam.example"))

        assert response.status_code == 201
        assert Contact.objects.count() == 0

    def test_after_the_limit_it_answers_429_in_json(self, client, team):
        for n in range(SELF_REFERRAL_LIMIT):
            assert _post_json(client, _json(team, phone=f"4123450{n}")).status_code == 201

        response = _post_json(client, _json(team, phone="41234510"))

        assert response.status_code == 429
        assert response["Content-Type"] == "application/json"
        assert "Retry-After" in response
        assert Contact.objects.count() == SELF_REFERRAL_LIMIT


class TestOneRequestOneContact:
    """Post/redirect/get and the submission's key: a reload or a double click is one contact."""

    def _key(self, client) -> str:
        page = client.get(URL).content.decode()
        return page.split('name="idempotency_key" value="')[1].split('"')[0]

    def test_the_receipt_is_its_own_page_and_a_reload_sends_nothing(self, client, team):
        client.post(URL, _form(team, idempotency_key=self._key(client)))

        reloaded = client.get(DONE)

        assert reloaded.status_code == 200
        assert "En behandler ringer deg innen 72 timer." in reloaded.content.decode()
        assert Contact.objects.count() == 1

    def test_the_same_form_sent_twice_makes_one_contact(self, client, team):
        data = _form(team, idempotency_key=self._key(client))

        first = client.post(URL, data)
        second = client.post(URL, data)

        assert first.status_code == second.status_code == 302
        assert Contact.objects.count() == Client.objects.count() == 1

    def test_each_opening_of_the_form_gets_a_new_key(self, client, team):
        assert self._key(client) != self._key(client)

    def test_the_json_twin_with_the_same_key_makes_one_contact(self, client, team):
        data = _form(team, consent=True, concerns=["anxiety"])
        for _attempt in range(2):
            response = client.post(
                API, data, content_type="application/json", headers={"Idempotency-Key": "k-1"}
            )
            assert response.status_code == 201
        assert Contact.objects.count() == 1

    def test_a_known_client_with_an_open_contact_gets_no_second_one(self, client, team):
        client.post(URL, _form(team, idempotency_key="a", concerns=["anxiety"]))
        client.post(URL, _form(team, idempotency_key="b", concerns=["sleep"]))

        contact = Contact.objects.get()
        assert contact.concerns == ["anxiety", "sleep"]


class TestConsentInTheForm:
    def test_the_form_asks_in_plain_norwegian(self, client, team):
        page = client.get(URL).content.decode()

        assert "Dere kan sende meg SMS" in page
        assert "korte spørreskjemaer om hvordan jeg har det" in page

    def test_what_the_person_ticks_goes_to_the_register_as_self_referral(self, client, team):
        data = _form(team, consent_sms="on", consent_digital_questionnaires="on")

        client.post(URL, data)

        reach = reach_now(Client.objects.get())
        assert [reach.allows(kind) for kind in ReachKind.values] == [True, True, False, True]
        line = reach.lines[ReachKind.SMS]
        assert (line.method, line.recorded_by) == ("self_referral", None)

    def test_a_later_request_without_the_boxes_withdraws_nothing(self, client, team):
        client.post(URL, _form(team, idempotency_key="a", consent_sms="on"))
        Contact.objects.update(status=Contact.Status.CLOSED)

        client.post(URL, _form(team, idempotency_key="b"))

        assert Contact.objects.count() == 2
        assert reach_now(Client.objects.get()).allows(ReachKind.SMS)
