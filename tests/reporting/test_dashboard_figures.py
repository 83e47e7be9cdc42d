"""Every dashboard number for the fixed team in dashboard_fixture.py, worked out by hand.

Period 01.01.2026-28.02.2026, now 02.03.2026 12:00, the team's promise 72 hours.
"""

import datetime

import pytest

from reporting.dashboard.queries import dashboard_for
from reporting.filters import Period
from tests.reporting.dashboard_fixture import NOW, build
from treatment.outcomes import RULE_VERSION

pytestmark = pytest.mark.django_db

# key: (value, numerator, denominator); numerator/denominator None unless a share.
EXPECTED = {
    # Contacts registered in the period: C1 C2 C3 C4 C5 C7 C8 (C6 came on 01.03).
    "intake.contacts": (7, None, None),
    # Self: C1 C3 C5 C7 -> 4/7.
    "intake.self_referred": (57.1, 4, 7),
    # Open now, whenever registered: C5, C6.
    "intake.open": (2, None, None),
    # Past 72 hours now: C5 (01.02); C6 is 18 hours old.
    "intake.open_overdue": (1, None, None),
    # Clock decided: offered C1 C2 C3 C4, open and overdue C5, unreachable C7 (C8, a
    # duplicate, is left out). Within 48 h: C1 (24 h), C3 (12 h) -> 2/6.
    "intake.in_time_48h": (33.3, 2, 6),
    # Within 72 h: C1, C2 (60 h), C3 -> 3/6.
    "intake.in_time_promise": (50.0, 3, 6),
    # Hours to offer: 12, 24, 60, 96 -> median (24 + 60) / 2 = 42; P90 rank ceil(3.6) = 4 -> 96.
    "intake.hours_to_contact_median": (42.0, None, None),
    "intake.hours_to_contact_p90": (96.0, None, None),
    "intake.channel.phone": (42.9, 3, 7),  # C1 C4 C7
    "intake.channel.web_form": (14.3, 1, 7),  # C3
    "intake.channel.drop_in": (14.3, 1, 7),  # C5
    "intake.channel.gp_referral": (14.3, 1, 7),  # C2
    "intake.channel.other_referral": (14.3, 1, 7),  # C8
    "intake.channel.relative": (0.0, 0, 7),
    "intake.referrer.self": (57.1, 4, 7),
    "intake.referrer.gp": (14.3, 1, 7),
    "intake.referrer.nav": (14.3, 1, 7),
    "intake.referrer.helsestasjon": (14.3, 1, 7),
    "intake.referrer.legevakt": (0.0, 0, 7),
    # Assessments held in the period, days from contact: C1 7, C2 10, C3 7, C4 14, C13 13
    # -> sorted 7 7 10 13 14: median 10; P90 rank ceil(4.5) = 5 -> 14.
    "waiting.to_assessment_median": (10, None, None),
    "waiting.to_assessment_p90": (14, None, None),
    # Treatment started in the period, days from contact: E1 14 (19.01), E2 17 (course
    # 27.01), E3 7 (self-help 22.01), E4 21 (10.02), E12 26 (05.01), E13 20 (09.01)
    # -> sorted 7 14 17 20 21 26: median (17 + 20) / 2 = 18.5; P90 rank ceil(5.4) = 6 -> 26.
    "waiting.to_treatment_median": (18.5, None, None),
    "waiting.to_treatment_p90": (26, None, None),
    # Second treatment session in the period: E1 7, E2 7, E3 14, E4 7, E9 45, E10 92, E12 7,
    # E13 7 days after the first -> over 28: E9 E10; over 90: E10.
    "waiting.hidden_over_28": (25.0, 2, 8),
    "waiting.hidden_over_90": (12.5, 1, 8),
    # Registered in the period, still open: C5.
    "waiting.no_contact_yet": (1, None, None),
    # Open episodes now: E2, E10.
    "activity.caseload": (2, None, None),
    # Sessions in the period attended: E1 3, E3 2, E4 2, E9 1, E10 1, E12 2, E13 3 = 14;
    # not attended: E1 09.02 -> 1/15.
    "activity.sessions_attended": (14, None, None),
    "activity.sessions_not_attended": (1, None, None),
    "activity.not_attended_rate": (6.7, 1, 15),
    "activity.follow_ups": (2, None, None),  # E3 05.02, 19.02
    # Offers started in the period: E1 3, E2 2, E3 1, E4 3, E13 3 -> low intensity 2/5.
    "activity.low_intensity": (40.0, 2, 5),
    "activity.step.1": (20.0, 1, 5),
    "activity.step.2": (20.0, 1, 5),
    "activity.step.3": (60.0, 3, 5),
    # Course run with meetings in the period: 1 place taken of 10 (the drop-in is left out).
    "activity.course_fill": (10.0, 1, 10),
    # Ended in the period: E1 E3 E4 E9 E11 E12 E13. Finished (2+ treatment sessions): all but
    # E11. Paired scores: all finished but E12.
    "outcomes.ended": (7, None, None),
    "outcomes.finished": (6, None, None),
    # At caseness at start: E1 15/12, E4 12/9, E9 14/10, E13 11/7; not E3 8/6 -> 4/5.
    "outcomes.caseness_start": (80.0, 4, 5),
    # Not a case at the end: E1 5/4, E13 8/6 (E4 20/9 and E9 11/7 still are) -> 2/4.
    "outcomes.recovery": (50.0, 2, 4),
    # PHQ-9 -6 or GAD-7 -4: E1 (-10, -8) only (E3 -4/-2, E9 -3/-3, E13 -3/-1) -> 1/5.
    "outcomes.reliable_improvement": (20.0, 1, 5),
    "outcomes.reliable_deterioration": (20.0, 1, 5),  # E4 PHQ-9 +8
    "outcomes.reliable_recovery": (25.0, 1, 4),  # E1
    "outcomes.without_paired_scores": (1, None, None),  # E12
    # Clients with a contact in the period: Anna Bjørn Cecilie David Eva Gro Hans.
    "reach.clients": (7, None, None),
    "reach.not_assessed": (3, None, None),  # Eva Gro Hans
    # Ages at contact: Cecilie 16, Eva 25 (given), Anna 35, David 46, Hans 41, Gro 66, Bjørn 70.
    "reach.age.16_17": (14.3, 1, 7),
    "reach.age.18_29": (14.3, 1, 7),
    "reach.age.30_39": (14.3, 1, 7),
    "reach.age.40_49": (28.6, 2, 7),
    "reach.age.50_59": (0.0, 0, 7),
    "reach.age.60_66": (14.3, 1, 7),
    "reach.age.67_plus": (14.3, 1, 7),
    "reach.age.unknown": (0.0, 0, 7),
    # Of the 4 assessed: Anna F, Bjørn M, Cecilie F, David M.
    "reach.sex.female": (50.0, 2, 4),
    "reach.sex.male": (50.0, 2, 4),
    "reach.immigrant.immigrant": (25.0, 1, 4),  # Bjørn
    "reach.immigrant.norwegian_born": (25.0, 1, 4),  # David
    "reach.immigrant.no": (50.0, 2, 4),
    "reach.education.primary": (25.0, 1, 4),  # Bjørn
    "reach.education.higher_long": (25.0, 1, 4),  # Anna
    # Work at start (assessment), ended episodes: E1 in work + sick leave, E3 student, E4 in
    # work, E9 in work, E11 AAP, E13 disability, E12 none -> known 6, in work without benefits
    # E4 E9.
    "work.in_work_start": (33.3, 2, 6),
    "work.sick_leave_start": (16.7, 1, 6),  # E1
    # At end (approved or sent end epikrise): E1 in work, E4 sick leave, E9 in work; E3's is
    # a draft.
    "work.in_work_end": (66.7, 2, 3),
    "work.sick_leave_end": (33.3, 1, 3),
    "work.end_unknown": (4, None, None),  # E3 E11 E12 E13
    # 12 weeks from Monday 08.12.2025 to Sunday 01.03.2026.
    "capacity.contacts": (10, None, None),  # C12 C13 C1 C2 C3 C4 C5 C7 C8 C6
    "capacity.contacts.2026-01-05": (2, None, None),  # C1 C2
    "capacity.step1": (1, None, None),  # E3's material 22.01
    "capacity.step2": (50, None, None),  # 3 weeks x 10 places + the drop-in's 20
    "capacity.step2.2026-02-16": (20, None, None),
    # Treatment and review sessions booked, not cancelled by the service (follow-ups are step 1).
    "capacity.step3": (14, None, None),
    "capacity.step3.2026-01-12": (3, None, None),  # E12 12.01, E9 15.01, E13 16.01
    "capacity.step3.2026-02-23": (1, None, None),  # E10 27.02; E4 24.02 cancelled
}


@pytest.fixture
def fx(personas):
    return build(personas)


def _actual(board, key):
    figure = board.figure(key)
    assert figure is not None, key
    return (figure.value, figure.numerator, figure.denominator)


def test_every_number_matches_the_hand_computed_table(fx):
    board = dashboard_for(fx.filters(), now=NOW)

    actual = {key: _actual(board, key) for key in EXPECTED}

    assert actual == EXPECTED


def test_a_share_lists_exactly_its_numerator_and_denominator(fx):
    board = dashboard_for(fx.filters(), now=NOW)

    in_time = board.figure("intake.in_time_48h")
    assert fx.names(in_time.client_ids) == {"Anna", "Cecilie"}
    assert fx.names(in_time.denominator_client_ids) == {
        "Anna",
        "Bjørn",
        "Cecilie",
        "David",
        "Eva",
        "Gro",
    }
    hidden = board.figure("waiting.hidden_over_28")
    assert fx.episode_names(hidden.ids) == {"E9", "E10"}
    assert hidden.values[fx.episodes["E9"].pk] == 45
    recovered = board.figure("outcomes.recovery")
    assert fx.episode_names(recovered.ids) == {"E1", "E13"}
    assert fx.episode_names(recovered.denominator_ids) == {"E1", "E4", "E9", "E13"}


def test_outcome_figures_carry_the_rule_version(fx):
    board = dashboard_for(fx.filters(), now=NOW)

    for key in ("outcomes.finished", "outcomes.recovery", "outcomes.reliable_recovery"):
        assert board.figure(key).rule_version == RULE_VERSION


def test_caseload_lists_every_clinician_of_the_team(fx):
    p = fx.personas
    board = dashboard_for(fx.filters(), now=NOW)

    caseload = {f.label: f.value for f in board.section("activity").group("caseload").figures}

    assert caseload == {
        str(p.therapist): 1,  # E10
        str(p.colleague): 1,  # E2
        str(p.psychologist): 0,
        str(p.team_lead): 0,
    }


def test_a_therapist_filter_counts_only_their_work(fx):
    board = dashboard_for(fx.filters(therapist=fx.personas.therapist), now=NOW)

    # Contacts T1 was offered: C1, C3. Ended episodes of T1: E1, E3, E9 (all finished, paired;
    # cases E1, E9; recovered E1). Open: E10.
    assert _actual(board, "intake.contacts") == (2, None, None)
    assert _actual(board, "intake.open") == (0, None, None)  # nobody is offered an open one
    assert _actual(board, "outcomes.ended") == (3, None, None)
    assert _actual(board, "outcomes.recovery") == (50.0, 1, 2)
    assert _actual(board, "activity.caseload") == (1, None, None)
    # T1's sessions in the period: E1 3 + DNA, E3 2, E9 1, E10 1.
    assert _actual(board, "activity.sessions_attended") == (7, None, None)
    assert _actual(board, "activity.course_fill") == (None, 0, 0)  # T1 leads no course


def test_a_municipality_filter_uses_the_clients_home(fx):
    board = dashboard_for(fx.filters(municipality=fx.municipality_b), now=NOW)

    # B: Cecilie, Eva, Gro in the period; ended E3, E12, E13.
    assert _actual(board, "intake.contacts") == (3, None, None)
    assert fx.names(board.figure("reach.clients").client_ids) == {"Cecilie", "Eva", "Gro"}
    assert _actual(board, "outcomes.ended") == (3, None, None)
    # The course run is open to all the team's municipalities: it stays.
    assert _actual(board, "activity.course_fill") == (10.0, 1, 10)


def test_a_shorter_period_changes_the_period_figures_not_the_ones_of_now(fx):
    february = Period(datetime.date(2026, 2, 1), datetime.date(2026, 2, 28))
    board = dashboard_for(fx.filters(period=february), now=NOW)

    assert _actual(board, "intake.contacts") == (3, None, None)  # C5 C7 C8
    assert _actual(board, "outcomes.ended") == (4, None, None)  # E1 E3 E4 E11
    assert _actual(board, "intake.open") == (2, None, None)
    assert _actual(board, "activity.caseload") == (2, None, None)
