"""The collaboration log: allowed while the consent register says so, or anonymously."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from intake.consents.services import consent_record
from intake.models import Party
from referrals.collaboration.services import collaboration_record
from referrals.models import CollaborationEntry, WorkAction


def _consent(p, party=Party.NAV, given=True, recipient="", minutes_ago=0):
    return consent_record(
        client=p.client,
        by=p.therapist,
        party=party,
        given=given,
        recipient=recipient,
        recorded_at=timezone.now() - timedelta(minutes=minutes_ago),
    )


def _entry(p, **changes):
    fields = {
        "client": p.client,
        "by": p.therapist,
        "party": Party.NAV,
        "held_on": timezone.localdate(),
        "participants": "Klienten, NAV-veileder, behandler",
        "agreed": "Gradert sykmelding 50 %.",
        "work_actions": [WorkAction.GRADED_SICK_LEAVE],
    }
    return collaboration_record(**(fields | changes))


def test_an_entry_relies_on_the_partys_current_consent(personas):
    consent = _consent(personas)

    entry = _entry(personas)

    assert entry.consent == consent and not entry.anonymous
    assert entry.work_actions == [WorkAction.GRADED_SICK_LEAVE]


def test_withdrawn_consent_blocks_a_new_entry_with_a_clear_message(personas):
    _consent(personas, minutes_ago=10)
    _consent(personas, given=False)

    with pytest.raises(ValidationError) as refused:
        _entry(personas)

    [message] = refused.value.message_dict["consent"]
    assert message.startswith("Klienten trakk tilbake samtykket til å dele opplysninger med NAV")
    assert "anonym drøfting" in message
    assert not CollaborationEntry.objects.exists()


def test_no_consent_at_all_is_refused(personas):
    with pytest.raises(ValidationError, match="Det finnes ikke samtykke"):
        _entry(personas, party=Party.EMPLOYER)


def test_an_anonymous_case_discussion_needs_no_consent(personas):
    _consent(personas, given=False)

    entry = _entry(personas, anonymous=True)

    assert entry.anonymous and entry.consent is None


def test_with_several_consents_at_one_party_the_user_chooses(personas):
    _consent(personas, recipient="Kari Lund")
    ola = _consent(personas, recipient="Ola Strand")

    with pytest.raises(ValidationError, match="Velg hvilket samtykke"):
        _entry(personas)
    assert _entry(personas, consent=ola).consent == ola


def test_a_consent_chosen_before_it_was_withdrawn_no_longer_counts(personas):
    kari = _consent(personas, recipient="Kari Lund", minutes_ago=10)
    _consent(personas, recipient="Kari Lund", given=False)

    with pytest.raises(ValidationError, match="trakk tilbake"):
        _entry(personas, consent=kari)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"held_on": timezone.localdate() + timedelta(days=1)}, "held_on"),
        ({"participants": "  "}, "participants"),
        ({"agreed": ""}, "agreed"),
        ({"work_actions": ["holiday"]}, "work_actions"),
        ({"party": Party.RESEARCH}, "party"),
    ],
)
def test_bad_input_is_refused_field_by_field(personas, changes, field):
    _consent(personas)

    with pytest.raises(ValidationError) as refused:
        _entry(personas, **changes)

    assert field in refused.value.message_dict


def _form(**changes):
    return {
        "party": Party.NAV,
        "held_on": timezone.localdate().strftime("%d.%m.%Y"),
        "participants": "Klienten og NAV-veileder",
        "agreed": "Dialogmøte om to uker.",
        "work_actions": [WorkAction.DIALOGUE_MEETING],
    } | changes


def test_the_page_records_an_entry_and_shows_the_work_related_actions(personas, login):
    _consent(personas)
    http = login(personas.therapist)
    url = reverse("referrals:collaboration", args=[personas.client.pk])

    response = http.post(url, _form(), follow=True)

    page = response.content.decode()
    assert "Møtet eller kontakten er registrert." in page
    assert "Dialogmøte med arbeidsgiver" in page
    assert CollaborationEntry.objects.get().party == Party.NAV


def test_the_page_explains_a_withdrawn_consent_and_saves_nothing(personas, login):
    _consent(personas, minutes_ago=10)
    _consent(personas, given=False)
    http = login(personas.therapist)

    response = http.post(reverse("referrals:collaboration", args=[personas.client.pk]), _form())

    assert response.status_code == 200
    assert "Klienten trakk tilbake samtykket" in response.content.decode()
    assert not CollaborationEntry.objects.exists()


def test_the_team_lead_reads_the_log_without_the_form(personas, login):
    _consent(personas)
    _entry(personas)

    response = login(personas.team_lead).get(
        reverse("referrals:collaboration", args=[personas.client.pk])
    )

    page = response.content.decode()
    assert "Gradert sykmelding drøftet" in page
    assert 'data-testid="collaboration-form"' not in page
