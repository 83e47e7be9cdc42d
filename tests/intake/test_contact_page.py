"""The contact page: the clock, the attempts, the offer that stops the clock, closing."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from intake.models import AssessmentOffer, Contact, ContactAttempt
from tests.intake.factories import ContactAttemptFactory, ContactFactory

NOW = "2026-03-02T12:00:00+01:00"
Outcome = ContactAttempt.Outcome


@pytest.fixture
def contact(personas, time_machine):
    time_machine.move_to(NOW, tick=False)
    return ContactFactory(
        team=personas.team,
        client=personas.client,
        registered_at=timezone.now() - timedelta(hours=40),
    )


def url(name: str, contact: Contact) -> str:
    return reverse(f"intake:{name}", args=[contact.pk])


def page(http, contact) -> str:
    return http.get(url("contact_detail", contact)).content.decode()


def test_it_shows_the_clock_the_contact_details_and_the_attempts(personas, login, contact):
    ContactAttemptFactory(
        contact=contact, by=personas.clerical, outcome=Outcome.NO_ANSWER, note="Ring etter 14"
    )

    html = page(login(personas.clerical), contact)

    assert "Forfaller snart" in html and "8 t 00 min igjen" in html
    assert "02.03.2026 20:00" in html  # the deadline, in Oslo time
    assert personas.client.first_name in html and "+4741234567" in html
    assert "Ikke svar" in html and "Ring etter 14" in html and str(personas.clerical) in html


def test_the_offer_form_waits_for_a_reached_attempt(personas, login, contact):
    html = page(login(personas.clerical), contact)

    assert 'data-testid="needs-reached"' in html
    assert 'data-testid="offer-form"' not in html


def test_reaching_and_offering_stops_the_clock(personas, login, contact):
    http = login(personas.clerical)
    http.post(url("contact_attempt", contact), {"method": "phone", "outcome": "reached"})

    response = http.post(
        url("contact_offer", contact),
        {"scheduled_for": "04.03.2026 09:30", "therapist": personas.colleague.pk, "mode": "video"},
        follow=True,
    )

    html = response.content.decode()
    assert "Kartleggingssamtalen er tilbudt. Klokka er stoppet." in html
    assert "Tilbudt innen fristen" in html and "8 t 00 min før fristen" in html
    offer = AssessmentOffer.objects.get(contact=contact)
    assert timezone.localtime(offer.scheduled_for).strftime("%d.%m.%Y %H:%M") == "04.03.2026 09:30"
    assert personas.client.care_team.filter(pk=personas.colleague.pk).exists()


def test_after_the_offer_clinicians_get_a_link_to_the_assessment_and_clerical_staff_do_not(
    personas, login, contact
):
    http = login(personas.clerical)
    http.post(url("contact_attempt", contact), {"method": "phone", "outcome": "reached"})
    http.post(
        url("contact_offer", contact),
        {"scheduled_for": "04.03.2026 09:30", "therapist": personas.colleague.pk, "mode": "video"},
    )
    link = reverse("intake:assessment_detail", args=[contact.pk])

    assert link not in page(http, contact)
    assert link in page(login(personas.colleague), contact)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"scheduled_for": "31.02.2026 09:30"}, "Oppgi gyldig dato og tidspunkt."),
        (
            {"scheduled_for": "01.03.2026 09:30"},
            "Tidspunktet for kartleggingssamtalen har allerede",
        ),
        ({"therapist": "999999"}, "Velg et gyldig valg."),
        ({"mode": "telepathy"}, "Velg et gyldig valg."),
    ],
)
def test_a_bad_offer_is_explained_and_nothing_is_saved(personas, login, contact, data, message):
    ContactAttemptFactory(contact=contact, by=personas.clerical, outcome=Outcome.REACHED)
    good = {
        "scheduled_for": "04.03.2026 09:30",
        "therapist": personas.colleague.pk,
        "mode": "phone",
    }

    response = login(personas.clerical).post(url("contact_offer", contact), good | data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not AssessmentOffer.objects.exists()
    assert Contact.objects.get(pk=contact.pk).status == Contact.Status.OPEN


def test_another_teams_therapist_cannot_be_chosen(personas, login, contact):
    ContactAttemptFactory(contact=contact, by=personas.clerical, outcome=Outcome.REACHED)

    response = login(personas.clerical).post(
        url("contact_offer", contact),
        {"scheduled_for": "04.03.2026 09:30", "therapist": personas.outsider.pk, "mode": "phone"},
    )

    assert "Velg et gyldig valg." in response.content.decode()
    assert not personas.client.care_team.filter(pk=personas.outsider.pk).exists()


def test_offering_without_a_reached_attempt_is_explained(personas, login, contact):
    response = login(personas.clerical).post(
        url("contact_offer", contact),
        {"scheduled_for": "04.03.2026 09:30", "therapist": personas.colleague.pk, "mode": "phone"},
    )

    assert "Registrer forsøket der dere nådde personen" in response.content.decode()
    assert not AssessmentOffer.objects.exists()


def test_a_bad_attempt_is_explained_on_the_page(personas, login, contact):
    response = login(personas.clerical).post(
        url("contact_attempt", contact), {"method": "phone", "outcome": "maybe"}
    )

    assert response.status_code == 200
    assert "Velg et gyldig valg." in response.content.decode()
    assert not contact.attempts.exists()


def test_the_held_time_is_recorded(personas, login, contact, time_machine):
    ContactAttemptFactory(contact=contact, by=personas.clerical, outcome=Outcome.REACHED)
    http = login(personas.therapist)
    http.post(
        url("contact_offer", contact),
        {"scheduled_for": "03.03.2026 09:00", "therapist": personas.therapist.pk, "mode": "phone"},
    )
    time_machine.move_to("2026-03-03T11:00:00+01:00", tick=False)
    http = login(personas.therapist)  # the next day: a new session

    response = http.post(url("contact_held", contact), {"held_at": "03.03.2026 09:05"}, follow=True)

    assert "Tidspunktet for kartleggingssamtalen er lagret." in response.content.decode()
    held = AssessmentOffer.objects.get(contact=contact).held_at
    assert timezone.localtime(held).strftime("%d.%m.%Y %H:%M") == "03.03.2026 09:05"


def test_a_held_time_without_an_offer_is_refused_politely(personas, login, contact):
    response = login(personas.therapist).post(
        url("contact_held", contact), {"held_at": "02.03.2026 11:00"}, follow=True
    )

    assert "Ingen kartleggingssamtale er tilbudt ennå." in response.content.decode()


class TestClosing:
    def test_unreachable_before_enough_attempts_is_refused_with_the_reason(
        self, personas, login, contact
    ):
        ContactAttemptFactory(contact=contact, by=personas.clerical)

        response = login(personas.clerical).post(
            url("contact_close", contact), {"reason": "unreachable"}
        )

        html = response.content.decode()
        assert "etter 3 mislykkede forsøk. 1 registrert så langt." in html
        assert Contact.objects.get(pk=contact.pk).status == Contact.Status.OPEN

    def test_unreachable_after_enough_attempts_shows_the_letter_and_the_sms(
        self, personas, login, contact
    ):
        personas.team.intake_email = "rph@fosen.kommune.no"
        personas.team.phone = "72 51 00 00"
        personas.team.save()
        personas.client.first_name = "Ragnhild"
        personas.client.save()
        for outcome in (Outcome.NO_ANSWER, Outcome.MESSAGE_LEFT, Outcome.NO_ANSWER):
            ContactAttemptFactory(contact=contact, by=personas.clerical, outcome=outcome)

        response = login(personas.clerical).post(
            url("contact_close", contact), {"reason": "unreachable"}, follow=True
        )

        assert response.redirect_chain == [(url("contact_closed", contact), 302)]
        letter = response.context["letter"]
        sms = response.context["sms"]
        assert letter.startswith(f"Hei {personas.client.first_name},")
        assert "prøvd å nå deg flere ganger" in letter
        assert "rph@fosen.kommune.no" in letter and personas.team.name in letter
        assert "rph@fosen.kommune.no" in sms and personas.team.name in sms
        assert "72 51 00 00" in letter and "72 51 00 00" in sms
        assert personas.client.first_name not in sms
        assert Contact.objects.get(pk=contact.pk).closed_by == personas.clerical
        html = response.content.decode()
        assert "Henvendelsen er avsluttet." in html
        assert 'data-testid="sms-health-words"' not in html

    def test_the_sms_warns_when_the_team_name_gives_the_person_away(self, personas, login, contact):
        personas.team.name = "Rask psykisk helsehjelp Fosen"
        personas.team.save()

        response = login(personas.clerical).post(
            url("contact_close", contact), {"reason": "declined"}, follow=True
        )

        assert "Rask psykisk helsehjelp Fosen" in response.context["sms"]
        assert response.context["sms_health_words"] == ["psyk", "helse"]
        assert "Fjern dem før du sender." in response.content.decode()

    def test_the_sms_text_itself_has_no_health_words(self, personas, login, contact):
        response = login(personas.clerical).post(
            url("contact_close", contact), {"reason": "declined"}, follow=True
        )

        assert response.context["sms_health_words"] == []
        assert "psykisk" not in response.context["sms"].lower()
        assert "[teamets telefonnummer]" in response.context["sms"]

    def test_a_duplicate_needs_no_letter(self, personas, login, contact):
        response = login(personas.clerical).post(
            url("contact_close", contact), {"reason": "duplicate"}, follow=True
        )

        assert "Det trengs ikke brev ved denne grunnen." in response.content.decode()
        assert "letter" not in response.context

    def test_an_unknown_reason_is_explained(self, personas, login, contact):
        response = login(personas.clerical).post(url("contact_close", contact), {"reason": "bored"})

        assert "Velg et gyldig valg." in response.content.decode()
        assert Contact.objects.get(pk=contact.pk).status == Contact.Status.OPEN

    def test_a_closed_contact_takes_no_more_attempts(self, personas, login, contact):
        http = login(personas.clerical)
        http.post(url("contact_close", contact), {"reason": "duplicate"})

        response = http.post(
            url("contact_attempt", contact), {"method": "phone", "outcome": "reached"}
        )

        assert response.status_code == 200
        assert "Henvendelsen er avsluttet. Flere forsøk kan ikke registreres." in (
            response.content.decode()
        )
        assert not contact.attempts.exists()

    def test_the_closed_page_of_an_open_contact_leads_back_to_the_contact(
        self, personas, login, contact
    ):
        response = login(personas.clerical).get(url("contact_closed", contact))

        assert response.status_code == 302
        assert response["Location"] == url("contact_detail", contact)


@pytest.mark.parametrize(("persona", "chosen"), [("therapist", True), ("clerical", False)])
def test_the_offer_starts_at_the_logged_in_clinician(personas, login, contact, persona, chosen):
    ContactAttemptFactory(contact=contact, by=personas.clerical, outcome=Outcome.REACHED)
    user = getattr(personas, persona)

    form = login(user).get(url("contact_detail", contact)).context["offer_form"]

    assert form["therapist"].value() == (user.pk if chosen else None)
