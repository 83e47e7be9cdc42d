"""The client's questionnaire page: one form per instrument, in Norwegian or English, usable
without JavaScript and with a screen reader, showing nobody's data but a first name."""

import datetime
import re

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from questionnaires.models import Capture, Invitation, Response, RiskAlert
from tests.intake.factories import ClientFactory
from tests.intake.fnr_numbers import number
from tests.questionnaires.response_data import GAD7, PHQ9, PHQ9_RISK, answers_post, new_link

HELP_NUMBERS = ('href="tel:113"', 'href="tel:116117"', 'href="tel:116123"')


def text(response) -> str:
    """The page as a person reads it: tags out, spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.fixture
def person(personas):
    personas.client.first_name = "Kari"
    personas.client.last_name = "Nordmannsen"
    personas.client.fodselsnummer = number(datetime.date(1990, 5, 17))
    personas.client.phone = "+4791234567"
    personas.client.email = "kari.nordmannsen@example.no"
    personas.client.save()
    return personas.client


def test_the_page_greets_by_first_name_and_shows_nothing_else_about_the_person(person, client):
    _invitation, path = new_link(person)

    page = client.get(path).content.decode()

    assert "Hei, Kari" in page
    for private in ("Nordmannsen", person.fodselsnummer, "91234567", "kari.nordmannsen"):
        assert private not in page


def test_the_page_shows_progress_instructions_and_the_attribution(person, client):
    _invitation, path = new_link(person)

    page = text(client.get(path))

    assert "Skjema 1 av 2" in page
    assert "0 av 10 spørsmål besvart" in page
    assert "Pasientens helsespørreskjema (PHQ-9)" in page
    assert "I løpet av de siste 2 ukene, hvor ofte har du vært plaget" in page
    assert "med et utdanningsstipend fra Pfizer Inc." in page


def test_every_item_is_a_labelled_radio_group_item_10_included(person, client):
    _invitation, path = new_link(person, codes=["phq9"])

    page = client.get(path).content.decode()

    assert page.count("<fieldset") == 10 and page.count("<legend") == 10
    assert "hvor vanskelig har disse problemene gjort det for deg" in page  # item 10
    radios = re.findall(r'<input type="radio"[^>]*id="([^"]+)"', page)
    assert len(radios) == 40
    for radio_id in radios:
        assert f'<label class="answer-label" for="{radio_id}">' in page
    assert "required" not in re.findall(r'<input type="radio"[^>]*>', page)[0]


def test_the_page_has_no_navigation_and_is_not_cached(person, client):
    _invitation, path = new_link(person)

    response = client.get(path)

    page = response.content.decode()
    assert "<nav" not in page and "Logg ut" not in page
    assert "no-store" in response["Cache-Control"]
    assert 'name="robots" content="noindex' in page


def test_the_first_questionnaire_is_kept_as_a_draft_and_the_second_follows(person, client):
    invitation, path = new_link(person)

    response = client.post(path, answers_post("phq9", PHQ9))

    assert response.status_code == 302 and response["Location"] == path
    invitation.refresh_from_db()
    assert invitation.draft_answers == {"phq9": PHQ9} and invitation.completed_at is None
    assert not Response.objects.exists()
    page = text(client.get(path))
    assert "Skjema 2 av 2" in page and "(GAD-7)" in page and "0 av 7 spørsmål besvart" in page


def test_the_client_can_come_back_later_on_another_device(person, client):
    _invitation, path = new_link(person)
    client.post(path, answers_post("phq9", PHQ9))

    later = HttpClient().get(path)

    assert "Skjema 2 av 2" in text(later)


def test_the_last_questionnaire_stores_every_response_and_uses_the_link_up(person, client):
    invitation, path = new_link(person)
    client.post(path, answers_post("phq9", PHQ9))

    response = client.post(path, answers_post("gad7", GAD7))

    assert response["Location"] == reverse("questionnaires:link_done")
    phq9, gad7 = Response.objects.order_by("instrument_code").reverse()
    assert (phq9.instrument_code, phq9.answers, phq9.total) == ("phq9", PHQ9, 8)
    assert (gad7.instrument_code, gad7.answers, gad7.total) == ("gad7", GAD7, 6)
    assert {phq9.capture, gad7.capture} == {Capture.LINK}
    assert phq9.invitation == gad7.invitation == invitation and phq9.entered_by is None
    invitation.refresh_from_db()
    assert invitation.completed_at is not None and invitation.draft_answers == {}
    done = client.get(response["Location"])
    assert "Takk! Svarene dine er sendt." in text(done)
    assert not any(link in done.content.decode() for link in HELP_NUMBERS)


def test_after_a_risk_answer_the_thank_you_page_says_where_to_get_help_now(person, client):
    _invitation, path = new_link(person, codes=["phq9"])

    response = client.post(path, answers_post("phq9", PHQ9_RISK), follow=True)

    page = response.content.decode()
    for link in HELP_NUMBERS:
        assert link in page
    assert "Behandleren din får beskjed nå, og ser svarene senest neste arbeidsdag." in page
    assert "Legevakt" in page and "Mental Helse" in page
    assert RiskAlert.objects.get().flag == "self_harm"


def test_unanswered_questions_are_pointed_out_before_the_form_is_sent(person, client):
    invitation, path = new_link(person, codes=["phq9"])
    gaps = [1, 1, None, 1, 1, 1, 1, 1, None, 1]

    first = client.post(path, answers_post("phq9", gaps))

    assert first.status_code == 200
    assert "Du har ikke svart på spørsmål 3, 9." in text(first)
    assert 'name="confirm_missing" value="1"' in first.content.decode()
    assert 'value="1" class="form-check-input" id="id_q1_1" checked' in first.content.decode()
    assert not Response.objects.exists()

    second = client.post(path, answers_post("phq9", gaps, confirm_missing=True), follow=True)

    response = Response.objects.get(invitation=invitation)
    assert response.answers == gaps and response.flags == ["self_harm_unanswered"]
    assert 'href="tel:113"' in second.content.decode()


@pytest.mark.parametrize(
    "change",
    [{"q1": "7"}, {"q10": "-1"}, {"q2": "x" * 1_000}, {"q3": "1.5"}],
)
def test_a_value_outside_the_options_is_refused_and_nothing_is_kept(person, client, change):
    invitation, path = new_link(person)

    response = client.post(path, answers_post("phq9", PHQ9) | change)

    assert response.status_code == 200
    assert "Svarene ble ikke sendt." in text(response)
    assert "Velg et gyldig valg" in text(response)
    invitation.refresh_from_db()
    assert invitation.draft_answers == {} and not Response.objects.exists()


def test_a_one_megabyte_field_is_refused_with_a_message(person, client):
    invitation, path = new_link(person)

    response = client.post(path, answers_post("phq9", PHQ9) | {"q1": "1" * 1_000_000})

    assert response.status_code == 413
    assert "Skjemaet var for stort til å bli mottatt." in text(response)
    invitation.refresh_from_db()
    assert invitation.draft_answers == {} and not Response.objects.exists()


def test_an_earlier_page_sent_again_changes_nothing(person, client):
    invitation, path = new_link(person)
    client.post(path, answers_post("phq9", PHQ9))

    again = client.post(path, answers_post("phq9", [0] * 10))  # the back button

    assert again.status_code == 302
    invitation.refresh_from_db()
    assert invitation.draft_answers == {"phq9": PHQ9} and not Response.objects.exists()


def test_a_lang_parameter_shows_the_page_in_english_and_keeps_it(person, client):
    _invitation, path = new_link(person)

    english = text(client.get(path + "?lang=en"))
    again = text(client.get(path))

    assert "Hi, Kari" in english and "Questionnaire 1 of 2" in english
    assert "Little interest or pleasure in doing things" in english
    assert "Several days" in english and "0 of 10 questions answered" in english
    assert "Hi, Kari" in again


def test_the_language_switch_works_without_logging_in(person, client):
    _invitation, path = new_link(person)

    switched = client.post(reverse("set_language"), {"language": "en", "next": path}, follow=True)

    assert switched.redirect_chain[-1][0] == path
    assert "Hi, Kari" in text(switched)


def test_the_thank_you_page_without_answers_in_this_browser_just_thanks(client, db):
    response = client.get(reverse("questionnaires:link_done"))

    assert response.status_code == 200
    assert "Takk! Svarene dine er sendt." in text(response)


def test_a_link_for_a_client_of_another_team_works_the_same(personas, client):
    other = ClientFactory(team=personas.other_team, first_name="Ola")
    invitation, path = new_link(other, codes=["gad7"])

    client.post(path, answers_post("gad7", GAD7))

    assert Response.objects.get().team == personas.other_team
    assert Invitation.objects.get(pk=invitation.pk).completed_at is not None
