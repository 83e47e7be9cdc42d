"""The grant report's figures: pure rules, and the record of a hand-counted year."""

import datetime
from decimal import Decimal

import pytest

from reporting.grant.report import (
    GRANT_SCHEMES,
    EpisodeFact,
    GrantFacts,
    GrantScheme,
    Line,
    contacts,
    grant_report,
    grant_rows,
    has_substance_problem,
    mean_days,
    median_days,
    scheme_for_year,
    work_status_end,
)
from tests.reporting.export_data import YEAR, at, build_year
from tests.treatment.factories import EpisodeFactory, SessionFactory

# Line code -> (all municipalities, M1, M2); see the table in tests/reporting/export_data.py.
EXPECTED = {
    "1": (6, 4, 2),  # contacts in 2025: A twice, B, C, D, F (E's was in 2024)
    "2a": (3, 2, 1),  # A, B, C in the target group
    "2b": (1, 0, 1),  # D outside
    "3": (3, 2, 1),  # A (concern, counted once), F (concern), D (severe substance)
    "4": (4, 3, 1),  # A 01.02, B 10.03, C 05.05, E 05.01
    "5": (2, 2, 0),  # A and E finished; B ended after one follow-up call
    "6": (2, 1, 1),  # B step 1, C step 2 (E's placement was in 2024)
    "6a": (1, 1, 0),
    "6b": (1, 0, 1),
    "7a": (Decimal("19.0"), Decimal("16.0"), Decimal("34.0")),  # 9 16 22 34 | 9 16 22 | 34
    "7b": (Decimal("20.3"), Decimal("15.7"), Decimal("34.0")),  # 81/4 | 47/3 | 34
    "8a": (3, 3, 0),  # A, B, E in work at the assessment; C a student
    "8b": (1, 1, 0),  # A; E on sick leave at the end
    "8c": (1, 1, 0),  # B: only a draft epikrise
    "9a": (Decimal("4.50"), Decimal("2.00"), Decimal("4.50")),  # M2 has no row of its own
    "9b": (3, 1, 3),
    "9c": (6, 3, 6),
}


def test_the_2026_scheme_has_every_line_of_the_expected_table():
    assert [line.code for line in GRANT_SCHEMES["2026"].lines] == list(EXPECTED)


@pytest.mark.parametrize("area", [0, 1, 2], ids=["all", "M1", "M2"])
def test_the_report_matches_the_hand_counted_year(personas, area):
    build_year(personas)
    municipality = [None, *personas.team.municipalities.order_by("pk")][area]

    report = grant_report(team=personas.team, year=YEAR, municipality=municipality)

    assert report.scheme_version == "2026"
    assert {row.code: row.value for row in report.rows} == {
        code: values[area] for code, values in EXPECTED.items()
    }


def test_another_teams_year_is_not_counted(personas):
    build_year(personas)

    report = grant_report(team=personas.other_team, year=YEAR, municipality=None)

    values = {row.code: row.value for row in report.rows}
    assert values["1"] == values["4"] == values["5"] == 0
    assert values["7a"] is None and values["9a"] is None


def test_a_year_without_staffing_shows_it_as_not_known(personas):
    build_year(personas)

    report = grant_report(team=personas.team, year=YEAR - 1, municipality=None)

    values = {row.code: row.value for row in report.rows}
    assert values["1"] == 1  # E's contact in December 2024
    assert values["9a"] is values["9b"] is values["9c"] is None


def test_the_median_and_mean_wait_are_rounded_to_a_tenth():
    assert median_days([9, 16, 22, 34]) == Decimal("19.0")
    assert median_days([1, 2]) == Decimal("1.5")
    assert mean_days([1, 1, 2]) == Decimal("1.3")
    assert mean_days([1, 2, 2, 2]) == Decimal("1.8")  # 1.75 rounds half up
    assert median_days([]) is None and mean_days([]) is None


@pytest.mark.parametrize(
    ("concerns", "severe", "factors", "expected"),
    [
        (["substance"], None, [], True),
        (["anxiety"], True, [], True),
        (["anxiety"], None, ["severe_substance"], True),
        (["anxiety", "sleep"], False, ["psychosis"], False),
        ([], None, [], False),
    ],
)
def test_substance_problems_come_from_the_concern_or_the_assessment(
    concerns, severe, factors, expected
):
    assert has_substance_problem(concerns, severe, factors) is expected


@pytest.mark.parametrize(
    ("facts", "statuses"),
    [
        ({"work_status_end": {"statuses": ["in_work"], "sick_leave_percentage": 20}}, ("in_work",)),
        ({"work_status_end": {"statuses": [], "sick_leave_percentage": None}}, None),
        ({}, None),
        (None, None),
        ({"work_status_end": "in_work"}, None),
    ],
)
def test_the_work_status_at_the_end_is_read_from_the_epikrise_facts(facts, statuses):
    result = work_status_end(facts)

    assert (result.statuses if result else None) == statuses


def test_a_treatment_counts_in_the_year_it_started_and_the_year_it_ended():
    episode = EpisodeFact(
        treatment_start=datetime.date(2024, 12, 30),
        first_contact_on=datetime.date(2024, 12, 1),
        ended_on=datetime.date(2025, 2, 1),
        finished=True,
        in_work_at_start=True,
        in_work_at_end=None,
        steps_started=frozenset(),
    )
    scheme = GRANT_SCHEMES["2026"]

    y2024 = {r.code: r.value for r in grant_rows(scheme, GrantFacts(2024, episodes=(episode,)))}
    y2025 = {r.code: r.value for r in grant_rows(scheme, GrantFacts(2025, episodes=(episode,)))}

    assert (y2024["4"], y2024["5"], y2024["7a"], y2024["8a"]) == (1, 0, Decimal("29.0"), 1)
    assert (y2025["4"], y2025["5"], y2025["7a"], y2025["8c"]) == (0, 1, None, 1)


NEXT = GrantScheme(
    version="2027", applies_from=2027, lines=(Line("1", "Henvendelser i alt", contacts),)
)


def test_a_new_years_scheme_is_a_new_entry_and_older_years_keep_theirs():
    schemes = GRANT_SCHEMES | {"2027": NEXT}

    assert scheme_for_year(2027, schemes).version == "2027"
    assert scheme_for_year(2030, schemes).version == "2027"
    assert scheme_for_year(2026, schemes).version == "2026"
    assert scheme_for_year(2025, schemes).version == "2026"


def test_the_report_names_the_scheme_it_used(personas, monkeypatch):
    monkeypatch.setitem(GRANT_SCHEMES, "2027", NEXT)

    report = grant_report(team=personas.team, year=2027, municipality=None)

    assert report.scheme_version == "2027"
    assert [(row.code, row.label, row.value) for row in report.rows] == [
        ("1", "Henvendelser i alt", 0)
    ]


def _more_episodes(personas, n: int) -> None:
    for _ in range(n):
        episode = EpisodeFactory(
            team=personas.team, primary_therapist=personas.therapist, started_at=at("01.03.2025")
        )
        SessionFactory(episode=episode, starts_at=at("10.03.2025"), attendance="attended")


@pytest.mark.parametrize("extra", [1, 6])
def test_the_report_reads_the_record_in_a_fixed_number_of_queries(
    personas, django_assert_num_queries, extra
):
    build_year(personas)
    _more_episodes(personas, extra)

    with django_assert_num_queries(5):
        report = grant_report(team=personas.team, year=YEAR, municipality=None)

    assert {row.code: row.value for row in report.rows}["4"] == 4 + extra
