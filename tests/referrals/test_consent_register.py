"""The consent register: what may be shared now, the objection to the epikrise, and what a
completed assessment puts into it."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from intake.models import Consent, Party
from referrals.consents.services import (
    consent_holds,
    consent_record,
    consents_seed_from_assessment,
    current_consents,
    may_share,
    objects_to_epikrise,
    recipients_from_text,
)
from tests.intake.assessment_data import AssessmentFactory, completed
from tests.intake.factories import ContactFactory


def _record(p, party, given, recipient="", minutes_ago=0):
    return consent_record(
        client=p.client,
        by=p.therapist,
        party=party,
        given=given,
        recipient=recipient,
        recorded_at=timezone.now() - timedelta(minutes=minutes_ago),
    )


class TestTheRule:
    def test_a_named_recipients_own_line_decides(self):
        assert consent_holds({"Kari Lund": True, "": False}, "kari  lund")
        assert not consent_holds({"Kari Lund": False, "": True}, "Kari Lund")

    def test_a_party_wide_line_covers_anyone_not_named(self):
        assert consent_holds({"": True}, "Ola Strand")
        assert not consent_holds({"": False, "Kari Lund": True}, "")

    def test_asked_without_a_name_any_named_consent_allows_it(self):
        assert consent_holds({"Kari Lund": True}, "")
        assert not consent_holds({"Kari Lund": True}, "Ola Strand")
        assert not consent_holds({}, "")


def test_the_gp_gets_the_epikrise_until_the_client_objects(personas):
    assert may_share(personas.client, Party.GP) and not objects_to_epikrise(personas.client)

    _record(personas, Party.GP, False)

    assert objects_to_epikrise(personas.client)
    assert not may_share(personas.client, Party.GP)


def test_the_latest_line_holds_and_the_history_keeps_every_line(personas):
    _record(personas, Party.NAV, True, "Kari Lund", minutes_ago=10)
    _record(personas, Party.NAV, False, "kari lund", minutes_ago=5)

    assert not may_share(personas.client, Party.NAV, "Kari Lund")
    assert Consent.objects.filter(client=personas.client).count() == 2
    [line] = current_consents(personas.client)
    assert (line.recipient, line.given) == ("Kari Lund", False)


def test_nav_needs_consent_and_research_is_separate(personas):
    assert not may_share(personas.client, Party.NAV)
    _record(personas, Party.RESEARCH, True)

    assert may_share(personas.client, Party.RESEARCH)
    assert not may_share(personas.client, Party.NAV)


@pytest.mark.parametrize(
    ("party", "recipient", "field", "message"),
    [
        ("nobody", "", "party", "Velg hva samtykket gjelder."),
        (Party.GP, "Dr. Aune", "recipient", "la navnet stå tomt"),
        (Party.OTHER, "", "recipient", "Skriv hvem opplysningene kan deles med."),
        (Party.NAV, "x" * 201, "recipient", "høyst 200 tegn"),
    ],
)
def test_bad_lines_are_refused_with_a_norwegian_reason(personas, party, recipient, field, message):
    with pytest.raises(ValidationError) as refused:
        consent_record(
            client=personas.client,
            by=personas.therapist,
            party=party,
            given=True,
            recipient=recipient,
        )

    assert message in " ".join(refused.value.message_dict[field])
    assert not Consent.objects.exists()


def test_other_recipients_are_sorted_to_their_party():
    assert recipients_from_text("NAV Rissa, arbeidsgiver; DPS Fosen og Helsesykepleier") == [
        (Party.NAV, "NAV Rissa"),
        (Party.EMPLOYER, "arbeidsgiver"),
        (Party.DPS, "DPS Fosen"),
        (Party.SCHOOL, "Helsesykepleier"),
    ]
    assert recipients_from_text("Kommunens ruskonsulent") == [
        (Party.OTHER, "Kommunens ruskonsulent")
    ]
    assert recipients_from_text("  ") == []


def _assessment(p, **epikrise):
    contact = ContactFactory(team=p.team, client=p.client)
    return completed(contact=contact, therapist=p.therapist, **epikrise)


def test_a_completed_assessment_seeds_the_register(personas):
    _assessment(personas, epikrise_to_gp=True, epikrise_other_recipients="NAV Rissa")

    lines = {(c.party, c.recipient, c.given) for c in current_consents(personas.client)}
    assert lines == {(Party.GP, "", True), (Party.NAV, "NAV Rissa", True)}
    assert Consent.objects.filter(note="Avtalt i kartleggingssamtalen").count() == 2


def test_an_objection_in_the_assessment_becomes_the_objection(personas):
    _assessment(personas, epikrise_to_gp=False, client_objects_to_epikrise=True)

    assert objects_to_epikrise(personas.client)


def test_a_draft_assessment_seeds_nothing(personas):
    AssessmentFactory(
        contact=ContactFactory(team=personas.team, client=personas.client),
        therapist=personas.therapist,
        client_objects_to_epikrise=True,
    )

    assert not Consent.objects.exists()


def test_seeding_again_adds_nothing(personas):
    assessment = _assessment(personas, epikrise_other_recipients="NAV Rissa")

    assessment.save()
    consents_seed_from_assessment(assessment=assessment)

    assert Consent.objects.count() == 2


def test_the_seed_never_overrides_what_the_register_says(personas):
    _record(personas, Party.NAV, False, "NAV Rissa", minutes_ago=60)
    _record(personas, Party.GP, False, minutes_ago=60)

    _assessment(personas, epikrise_to_gp=True, epikrise_other_recipients="NAV Rissa")

    assert not may_share(personas.client, Party.NAV, "NAV Rissa")
    assert objects_to_epikrise(personas.client)
    assert Consent.objects.count() == 2


def test_a_change_recorded_after_the_assessment_wins_over_a_second_seed(personas):
    assessment = _assessment(personas, client_objects_to_epikrise=True, epikrise_to_gp=False)
    _record(personas, Party.GP, True)  # the client withdrew the objection afterwards

    consents_seed_from_assessment(assessment=assessment)

    assert not objects_to_epikrise(personas.client)
