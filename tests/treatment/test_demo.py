"""The demo's treatment data: episodes with outcomes of every kind, loaded once."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from intake.models import Contact, Referrer
from intake.registration.rules import referrer_fits
from questionnaires.models import Invitation, RiskAlert
from rph.accounts.models import Team, User
from treatment.caseload.rows import Flag, caseload_rows, supervision_rows
from treatment.models import (
    CourseRun,
    Episode,
    GuidedSelfHelp,
    MeetingAttendance,
    Session,
)
from treatment.outcomes import Headline, Unclassified, episode_outcome
from treatment.self_help.services import self_help_queryset


@pytest.fixture
def demo(db, settings):
    settings.FNR_ALLOW_SYNTHETIC = True
    call_command("load_demo", stdout=io.StringIO())
    return Team.objects.get()


def _counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (Episode, Session, GuidedSelfHelp, CourseRun, MeetingAttendance, RiskAlert)
    )


def test_loading_twice_adds_no_treatment_data(demo):
    before = _counts()

    call_command("load_demo", stdout=io.StringIO())

    assert _counts() == before
    assert before[0] >= 12


def test_finished_episodes_have_outcomes_of_every_kind(demo):
    outcomes = [episode_outcome(e) for e in Episode.objects.with_outcome_facts()]

    headlines = {o.outcome.headline for o in outcomes if o.counts}
    assert {
        Headline.RELIABLE_RECOVERY,
        Headline.RECOVERY,
        Headline.RELIABLE_IMPROVEMENT,
        Headline.NO_RELIABLE_CHANGE,
        Headline.RELIABLE_DETERIORATION,
    } <= headlines
    assert Unclassified.TREATED_ONCE in {o.reason for o in outcomes}


def test_every_episode_starts_from_a_completed_assessment(demo):
    episodes = Episode.objects.select_related("assessment")
    assert all(e.assessment is not None and e.assessment.is_complete for e in episodes)


def test_the_therapist_has_sessions_today_and_later_this_week(demo):
    behandler = User.objects.get(username="behandler")
    today = timezone.localdate()
    days = {
        timezone.localdate(at)
        for at in Session.objects.filter(therapist=behandler, attendance="booked").values_list(
            "starts_at", flat=True
        )
    }
    assert today in days
    assert any(0 < (day - today).days <= 4 for day in days)


def test_the_caseload_and_supervision_lists_show_each_kind_of_flag(demo):
    today = timezone.localdate()
    behandler = User.objects.get(username="behandler")

    mine = caseload_rows(team=demo, user=behandler, today=today)
    flagged = {flag for row in supervision_rows(team=demo, today=today) for flag in row.flags}

    assert mine
    assert {Flag.RISK, Flag.REVIEW, Flag.HIDDEN_WAIT, Flag.SELF_HELP_OVERDUE} <= flagged
    assert len(self_help_queryset().for_overdue_list(demo, today)) == 1


def test_a_course_run_has_meetings_held_and_ahead_with_attendance(demo):
    run = CourseRun.objects.get()
    now = timezone.now()
    assert run.course_meetings.filter(starts_at__lt=now).exists()
    assert run.course_meetings.filter(starts_at__gt=now).exists()
    assert MeetingAttendance.objects.filter(meeting__run=run, attended=True).exists()


def test_clients_in_treatment_have_links_for_their_next_sessions_and_a_real_referrer_mix(demo):
    # A session too close to send before (the team's lead time) gets none, as when booked.
    later = timezone.now() + timedelta(days=2)
    booked = Session.objects.filter(starts_at__gt=later, episode__ended_at=None)
    with_link = {i.client_id for i in Invitation.objects.filter(occasion_at__gt=timezone.now())}

    assert booked.exists()
    assert {s.episode.client_id for s in booked} <= with_link
    contacts = list(Contact.objects.values_list("channel", "referrer"))
    assert all(referrer_fits(channel, referrer) for channel, referrer in contacts)
    assert {referrer for _channel, referrer in contacts} - {Referrer.SELF}
