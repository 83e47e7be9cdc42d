"""Episode services: the start from the assessment, offers per step, therapists, the end."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from intake.assessments.choices import Decision, Step
from intake.assessments.services import assessment_save
from rph.accounts.roles import Role
from tests.accounts.factories import member
from tests.intake.assessment_data import complete_data
from tests.intake.factories import ContactFactory
from tests.treatment.factories import EpisodeFactory, OfferFactory
from treatment.episodes.services import (
    co_therapist_add,
    co_therapist_remove,
    episode_create_from_assessment,
    episode_end,
    offer_add,
    offer_end,
    therapist_change,
)
from treatment.models import (
    EndReason,
    Episode,
    Offer,
    OfferEnd,
    OfferStart,
    TherapistChange,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _assess(personas, therapist=None, **changes):
    contact = ContactFactory(team=personas.team, client=personas.client)
    return assessment_save(
        contact=contact,
        therapist=therapist or personas.therapist,
        data=complete_data(**changes),
        complete=True,
    )


@pytest.fixture
def episode(personas):
    """An open episode placed on step 3 yesterday, by the personas' therapist."""
    start = timezone.now() - datetime.timedelta(days=1)
    episode = EpisodeFactory(
        team=personas.team,
        client=personas.client,
        primary_therapist=personas.therapist,
        started_at=start,
    )
    TherapistChange.objects.create(
        episode=episode,
        therapist=personas.therapist,
        started_at=start,
        changed_by=personas.therapist,
    )
    OfferFactory(episode=episode, step=Step.INDIVIDUAL)
    return episode


def _errors(exc: pytest.ExceptionInfo) -> dict:
    return exc.value.message_dict


# Starting the episode -------------------------------------------------------------------


def test_completing_an_assessment_that_places_the_client_starts_the_episode(personas):
    assessment = _assess(personas, step=Step.COURSE)

    episode = Episode.objects.get(assessment=assessment)
    assert episode.client == personas.client
    assert episode.team == personas.team
    assert episode.primary_therapist == personas.therapist
    assert episode.started_at == assessment.completed_at
    assert episode.is_open
    offer = episode.offers.get()
    assert (offer.step, offer.start_reason) == (Step.COURSE, OfferStart.PLACEMENT)
    assert offer.started_on == timezone.localdate(assessment.completed_at)
    history = episode.therapist_history.get()
    assert (history.therapist, history.ended_at) == (personas.therapist, None)


def test_the_assessing_therapist_joins_the_care_team(personas):
    _assess(personas, therapist=personas.colleague)

    assert personas.colleague in personas.client.care_team.all()
    assert Episode.objects.get().primary_therapist == personas.colleague


def test_starting_twice_gives_the_same_episode(personas):
    assessment = _assess(personas)

    again = episode_create_from_assessment(assessment=assessment, by=personas.therapist)

    assert Episode.objects.count() == 1
    assert again == Episode.objects.get()
    assert Offer.objects.count() == TherapistChange.objects.count() == 1


def test_an_assessment_outside_the_target_group_starts_nothing(personas):
    assessment = _assess(
        personas, decision=Decision.WANTS_TO_WAIT, step=None, decision_reason="Vil vente"
    )

    assert not Episode.objects.exists()
    with translation.override("nb"), pytest.raises(ValidationError) as exc:
        episode_create_from_assessment(assessment=assessment, by=personas.therapist)
    assert "fullført kartlegging" in exc.value.messages[0]


def test_a_failed_start_never_blocks_the_assessment(personas):
    """The assessing therapist is not in the team: the assessment completes, no episode."""
    stranger = member(personas.other_team, Role.THERAPIST)

    assessment = _assess(personas, therapist=stranger)

    assessment.refresh_from_db()
    assert assessment.is_complete
    assert not Episode.objects.exists()


def test_a_start_by_hand_makes_the_starter_primary_when_the_assessor_has_left(personas):
    stranger = member(personas.other_team, Role.THERAPIST)
    assessment = _assess(personas, therapist=stranger)

    episode = episode_create_from_assessment(assessment=assessment, by=personas.colleague)

    assert episode.primary_therapist == personas.colleague
    assert episode.started_at == assessment.completed_at


# Offers ---------------------------------------------------------------------------------


def test_a_step_down_ends_the_replaced_offer_as_stepped(personas, episode):
    current = episode.offers.get()

    new = offer_add(
        episode=episode,
        step=Step.COURSE,
        start_reason=OfferStart.STEP_DOWN,
        note="Kurs i depresjonsmestring",
        by=personas.therapist,
        end_current=current,
    )

    current.refresh_from_db()
    assert (current.ended_on, current.end_reason) == (TODAY(), OfferEnd.STEPPED)
    assert (new.step, new.start_reason, new.ended_on) == (Step.COURSE, OfferStart.STEP_DOWN, None)
    assert new.note == "Kurs i depresjonsmestring"


def test_a_step_up_goes_higher_than_the_step_it_replaces(personas, episode):
    course = OfferFactory(episode=episode, step=Step.COURSE, start_reason=OfferStart.PARALLEL)
    episode.offers.filter(step=Step.INDIVIDUAL).update(ended_on=TODAY(), end_reason="completed")

    offer_add(
        episode=episode,
        step=Step.INDIVIDUAL,
        start_reason=OfferStart.STEP_UP,
        note="",
        by=personas.therapist,
        end_current=course,
    )

    assert episode.offers.filter(ended_on__isnull=True).get().step == Step.INDIVIDUAL


def test_a_step_change_names_the_open_offer_it_replaces(personas, episode):
    with pytest.raises(ValidationError) as exc:
        offer_add(
            episode=episode,
            step=Step.COURSE,
            start_reason=OfferStart.STEP_DOWN,
            note="",
            by=personas.therapist,
            end_current=None,
        )

    assert "end_current" in _errors(exc)
    assert episode.offers.count() == 1


def test_after_the_last_offer_ended_a_step_is_compared_with_it(personas, episode):
    episode.offers.update(ended_on=TODAY(), end_reason=OfferEnd.COMPLETED)

    with pytest.raises(ValidationError) as exc:
        offer_add(
            episode=episode,
            step=Step.INDIVIDUAL,
            start_reason=OfferStart.STEP_UP,
            note="",
            by=personas.therapist,
            end_current=None,
        )
    offer_add(
        episode=episode,
        step=Step.COURSE,
        start_reason=OfferStart.STEP_DOWN,
        note="",
        by=personas.therapist,
        end_current=None,
    )

    assert "step" in _errors(exc)
    assert episode.offers.filter(ended_on__isnull=True).get().step == Step.COURSE


@pytest.mark.parametrize(
    ("start_reason", "step"),
    [(OfferStart.STEP_UP, Step.COURSE), (OfferStart.STEP_DOWN, Step.INDIVIDUAL)],
)
def test_a_step_the_wrong_way_is_refused_in_norwegian(personas, episode, start_reason, step):
    with translation.override("nb"), pytest.raises(ValidationError) as exc:
        offer_add(
            episode=episode,
            step=step,
            start_reason=start_reason,
            note="",
            by=personas.therapist,
            end_current=episode.offers.get(),
        )

    assert "trinn" in _errors(exc)["step"][0]
    assert episode.offers.get().ended_on is None


def test_a_course_alongside_individual_sessions_keeps_both_open(personas, episode):
    offer_add(
        episode=episode,
        step=Step.COURSE,
        start_reason=OfferStart.PARALLEL,
        note="",
        by=personas.therapist,
        end_current=None,
    )

    steps = set(episode.offers.filter(ended_on__isnull=True).values_list("step", flat=True))
    assert steps == {Step.COURSE, Step.INDIVIDUAL}


def test_an_offer_alongside_on_a_step_already_open_is_refused(personas, episode):
    with pytest.raises(ValidationError) as exc:
        offer_add(
            episode=episode,
            step=Step.INDIVIDUAL,
            start_reason=OfferStart.PARALLEL,
            note="",
            by=personas.therapist,
            end_current=None,
        )

    assert "step" in _errors(exc)
    assert episode.offers.count() == 1


def test_an_offer_alongside_replaces_nothing(personas, episode):
    with pytest.raises(ValidationError) as exc:
        offer_add(
            episode=episode,
            step=Step.COURSE,
            start_reason=OfferStart.PARALLEL,
            note="",
            by=personas.therapist,
            end_current=episode.offers.get(),
        )

    assert "end_current" in _errors(exc)


def test_the_replaced_offer_must_be_open_and_in_this_episode(personas, episode):
    other = OfferFactory(
        episode=EpisodeFactory(team=personas.team, primary_therapist=personas.therapist),
        step=Step.INDIVIDUAL,
    )

    with pytest.raises(ValidationError) as exc:
        offer_add(
            episode=episode,
            step=Step.COURSE,
            start_reason=OfferStart.STEP_DOWN,
            note="",
            by=personas.therapist,
            end_current=other,
        )

    assert "end_current" in _errors(exc)
    other.refresh_from_db()
    assert other.ended_on is None


@pytest.mark.parametrize("days", [1, -5])
def test_an_offer_cannot_start_in_the_future_or_before_the_episode(personas, episode, days):
    with pytest.raises(ValidationError) as exc:
        offer_add(
            episode=episode,
            step=Step.COURSE,
            start_reason=OfferStart.PARALLEL,
            note="",
            by=personas.therapist,
            end_current=None,
            started_on=TODAY() + datetime.timedelta(days=days),
        )

    assert "started_on" in _errors(exc)


def test_an_offer_ends_completed_and_cannot_end_twice(personas, episode):
    offer = episode.offers.get()

    offer_end(offer=offer, reason=OfferEnd.COMPLETED)

    offer.refresh_from_db()
    assert (offer.ended_on, offer.end_reason) == (TODAY(), OfferEnd.COMPLETED)
    with pytest.raises(ValidationError):
        offer_end(offer=offer, reason=OfferEnd.DROPPED_OUT)


def test_stepped_and_episode_ended_are_not_reasons_staff_give(personas, episode):
    with pytest.raises(ValidationError) as exc:
        offer_end(offer=episode.offers.get(), reason=OfferEnd.STEPPED)

    assert "reason" in _errors(exc)


# Therapists -----------------------------------------------------------------------------


def test_a_new_primary_therapist_keeps_the_history_and_joins_the_care_team(personas, episode):
    therapist_change(
        episode=episode, therapist=personas.colleague, reason="Permisjon", by=personas.team_lead
    )

    episode.refresh_from_db()
    assert episode.primary_therapist == personas.colleague
    old, new = episode.therapist_history.all()
    assert old.therapist == personas.therapist and old.ended_at is not None
    assert (new.therapist, new.ended_at, new.reason) == (personas.colleague, None, "Permisjon")
    assert new.changed_by == personas.team_lead
    assert personas.colleague in personas.client.care_team.all()


@pytest.mark.parametrize("who", ["clerical", "admin", "outsider", "therapist"])
def test_the_new_therapist_must_be_another_clinician_in_the_team(personas, episode, who):
    with pytest.raises(ValidationError) as exc:
        therapist_change(
            episode=episode, therapist=getattr(personas, who), reason="", by=personas.therapist
        )

    assert "therapist" in _errors(exc)
    assert episode.therapist_history.count() == 1


def test_a_co_therapist_joins_the_care_team_and_can_be_removed(personas, episode):
    co_therapist_add(episode=episode, therapist=personas.psychologist)

    assert list(episode.co_therapists.all()) == [personas.psychologist]
    assert personas.psychologist in personas.client.care_team.all()

    co_therapist_remove(episode=episode, therapist=personas.psychologist)

    assert not episode.co_therapists.exists()


def test_the_primary_therapist_or_a_clerk_cannot_be_co_therapist(personas, episode):
    for who in (personas.therapist, personas.clerical):
        with pytest.raises(ValidationError):
            co_therapist_add(episode=episode, therapist=who)

    assert not episode.co_therapists.exists()


# The end --------------------------------------------------------------------------------


def test_ending_the_episode_ends_its_open_offers(personas, episode):
    course = OfferFactory(episode=episode, step=Step.COURSE, start_reason=OfferStart.PARALLEL)

    episode_end(
        episode=episode, reason=EndReason.COMPLETED, note="Godt fornøyd", by=personas.therapist
    )

    episode.refresh_from_db()
    assert episode.ended_at is not None
    assert (episode.end_reason, episode.end_note) == (EndReason.COMPLETED, "Godt fornøyd")
    assert episode.ended_by == personas.therapist
    course.refresh_from_db()
    assert (course.ended_on, course.end_reason) == (TODAY(), OfferEnd.EPISODE_ENDED)
    assert not episode.offers.filter(ended_on__isnull=True).exists()


def test_an_ended_episode_cannot_end_again_or_change(personas, episode):
    episode_end(episode=episode, reason=EndReason.DROPPED_OUT, note="", by=personas.therapist)
    ended_at = Episode.objects.get().ended_at

    with translation.override("nb"), pytest.raises(ValidationError) as exc:
        episode_end(episode=episode, reason=EndReason.COMPLETED, note="", by=personas.therapist)
    with pytest.raises(ValidationError):
        co_therapist_add(episode=episode, therapist=personas.colleague)

    assert "avsluttet" in exc.value.messages[0]
    assert Episode.objects.get().ended_at == ended_at
    assert Episode.objects.get().end_reason == EndReason.DROPPED_OUT


def test_an_unknown_end_reason_is_refused(personas, episode):
    with pytest.raises(ValidationError) as exc:
        episode_end(episode=episode, reason="bored", note="", by=personas.therapist)

    assert "reason" in _errors(exc)
    assert Episode.objects.get().is_open
