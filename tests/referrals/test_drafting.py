"""Drafting a letter from the record: the facts and the starting text say what happened."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from referrals.letters.drafting import letter_draft, letter_facts
from referrals.models import LetterKind, LetterStatus, ReferralTo
from tests.referrals.factories import AcuteContactFactory, ConsentFactory
from tests.referrals.letter_data import known_episode

pytestmark = pytest.mark.django_db


def test_the_facts_of_a_known_episode_are_the_record(personas):
    record = known_episode(personas)

    facts = letter_facts(personas.client, record.episode)

    assert facts["contact"]["channel"] == "phone"
    assert facts["contact"]["referrer"] == "gp"
    assert facts["contact"]["concerns"] == ["anxiety", "depression"]
    assert facts["assessment"]["decision"] == "in_target_group"
    assert facts["assessment"]["step"] == 3
    assert facts["risk"]["level"] == "low"
    assert facts["risk"]["actions"] == "Kriseplan gjennomgått."
    assert [offer["step"] for offer in facts["offers"]] == [3]
    assert facts["sessions"] == {
        "attended": 4,
        "did_not_attend": 1,
        "cancelled_by_client": 1,
        "cancelled_by_service": 0,
        "meetings_attended": 1,
        "meetings_missed": 1,
        "treatment_sessions": 5,
    }
    assert facts["courses"] == [{"name": "KiD vår", "status": "enrolled", "meetings_attended": 1}]
    assert (facts["scores"]["first"]["phq9"], facts["scores"]["first"]["gad7"]) == (16, 12)
    assert (facts["scores"]["last"]["phq9"], facts["scores"]["last"]["gad7"]) == (6, 4)
    assert facts["outcome"]["headline"] == "reliable_recovery"
    assert facts["outcome"]["finished"] is True
    assert facts["work_start"]["statuses"] == ["in_work", "sick_leave"]
    assert facts["work_start"]["sick_leave_percentage"] == 50
    assert facts["episode"]["end_reason"] == "completed"
    assert len(facts["series"]) == 4  # PHQ-9 and GAD-7 at the assessment and at the end
    assert len(facts["session_times"]) == 5  # attended sessions and course meetings


def test_the_end_epikrise_draft_is_written_in_norwegian_from_the_facts(personas):
    record = known_episode(personas)

    letter = letter_draft(
        client=personas.client,
        kind=LetterKind.EPIKRISE_END,
        episode=record.episode,
        assessment=None,
        by=personas.therapist,
    )

    assert letter.status == LetterStatus.DRAFT
    assert letter.gp.name == "Dr. Kari Fastlege"
    assert letter.assessment == record.assessment
    assert letter.facts["work_status_end"] == {"statuses": [], "sick_leave_percentage": None}
    assert "henvist av: fastlege" in letter.reason_for_contact.lower()
    assert "angst, depresjon" in letter.reason_for_contact
    assert "PHQ-9 16, GAD-7 12" in letter.assessment_summary
    assert "50 % sykmeldt" in letter.assessment_summary
    assert "lav" in letter.risk_summary
    assert "PHQ-9 gikk fra 16 til 6, GAD-7 fra 12 til 4" in letter.treatment_summary
    assert "møtt 4, ikke møtt 1" in letter.treatment_summary
    assert "Kurs KiD vår" in letter.treatment_summary
    assert "Pålitelig bedring: over den kliniske grensen" in letter.treatment_summary


def test_other_recipients_come_from_the_consent_register(personas):
    record = known_episode(personas)
    ConsentFactory(
        client=personas.client, party="dps", recipient="DPS Orkdal", recorded_by=personas.therapist
    )
    ConsentFactory(  # NAV may be consulted, but gets no epikrise unless the therapist adds it
        client=personas.client, party="nav", recipient="NAV Rissa", recorded_by=personas.therapist
    )

    letter = letter_draft(
        client=personas.client,
        kind=LetterKind.EPIKRISE_ASSESSMENT,
        episode=record.episode,
        assessment=None,
        by=personas.therapist,
    )

    assert letter.other_recipients == ["DPS (spesialisthelsetjenesten): DPS Orkdal"]


def test_an_end_epikrise_needs_an_ended_episode(personas):
    record = known_episode(personas, ended=False)

    with pytest.raises(ValidationError, match="Avslutt behandlingsforløpet"):
        letter_draft(
            client=personas.client,
            kind=LetterKind.EPIKRISE_END,
            episode=record.episode,
            assessment=None,
            by=personas.therapist,
        )


def test_a_referral_to_acute_care_needs_an_acute_contact_recorded_today(personas):
    record = known_episode(personas)
    AcuteContactFactory(
        client=personas.client,
        contacted_by=personas.therapist,
        contacted_at=timezone.now() - datetime.timedelta(days=2),
    )

    def draft():
        return letter_draft(
            client=personas.client,
            kind=LetterKind.REFERRAL_REQUEST,
            referral_to=ReferralTo.ACUTE,
            episode=record.episode,
            assessment=None,
            by=personas.therapist,
        )

    with pytest.raises(ValidationError) as refused:
        draft()
    assert refused.value.code == "acute_contact_missing"

    AcuteContactFactory(client=personas.client, contacted_by=personas.therapist)
    letter = draft()

    assert letter.referral_to == ReferralTo.ACUTE
    assert "Legevakten vurderer klienten i dag." in letter.risk_summary
    assert "henvisning til akutt psykisk helsevern" in letter.advice


def test_a_referral_to_dps_needs_no_acute_contact(personas):
    record = known_episode(personas)

    letter = letter_draft(
        client=personas.client,
        kind=LetterKind.REFERRAL_REQUEST,
        referral_to=ReferralTo.DPS,
        episode=record.episode,
        assessment=None,
        by=personas.therapist,
    )

    assert letter.kind == LetterKind.REFERRAL_REQUEST
    assert letter.facts["scores"]["last"]["phq9"] == 6
