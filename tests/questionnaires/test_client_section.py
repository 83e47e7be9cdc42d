"""The questionnaire section of the client page: the trend, the scores, the latest answers
item by item and any open risk alert. Only for those with clinical access."""

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from intake.clients.page import _sections, client_sections
from questionnaires.client_section import questionnaire_section
from questionnaires.responses import response_correct, response_submit
from questionnaires.services import invitation_create
from rph.accounts.access import Access, Basis
from rph.audit.services import break_glass_open
from tests.questionnaires.risk_data import GAD7, PHQ9_NO_RISK, PHQ9_RISK, shipped, submit

NOW = datetime.fromisoformat("2026-04-20T12:00:00+02:00")
ITEM_1 = "Lite interesse for eller glede av å gjøre ting"
SECTION = 'data-testid="questionnaire-section"'


@pytest.fixture(autouse=True)
def _now(time_machine):
    time_machine.move_to(NOW, tick=False)


def weeks_ago(n: int) -> datetime:
    return NOW - timedelta(weeks=n)


def page(http, client) -> str:
    response = http.get(reverse("intake:client_detail", args=[client.pk]))
    assert response.status_code == 200
    return response.content.decode()


def section(html: str) -> str:
    return html.split(SECTION, 1)[1].split("</section>", 1)[0]


@pytest.fixture
def history(personas):
    client = personas.client
    submit(client, "phq9", [2, 2, 2, 2, 2, 2, 2, 2, 0, 2], weeks_ago(4))  # 16
    submit(client, "gad7", [2, 2, 2, 2, 1, 1, 1], weeks_ago(4))  # 11
    submit(client, "phq9", PHQ9_NO_RISK, weeks_ago(2))  # 8
    submit(client, "gad7", GAD7, weeks_ago(2))  # 7
    return client


def test_the_care_team_sees_the_trend_the_scores_and_the_latest_answers(personas, login, history):
    html = section(page(login(personas.therapist), history))

    assert 'role="img"' in html and "PHQ-9: 2 skårer, første 16 (23.03.2026), siste 8" in html
    table = html.split('data-testid="score-table"', 1)[1].split("</table>", 1)[0]
    assert table.count("<tr>") == 1 + 4
    assert "Moderat alvorlige symptomer" in table and "Moderat angst" in table
    latest = html.split('data-testid="latest-answers"')[1:]
    assert len(latest) == 2  # PHQ-9 then GAD-7
    assert "Siste PHQ-9, besvart 06.04.2026" in latest[0]
    assert ITEM_1 in latest[0] and "Flere dager (1)" in latest[0]
    assert "skåres ikke" in latest[0]  # item 10
    assert "Følt deg nervøs, engstelig eller på tuppa" in latest[1]


def test_the_caseness_lines_and_sessions_are_drawn(personas, login):
    offer_time = weeks_ago(1)
    invitation, _token = invitation_create(
        client=personas.client, instrument_codes=["phq9"], occasion_at=offer_time
    )
    response_submit(
        client=personas.client,
        instrument=shipped("phq9"),
        answers=PHQ9_NO_RISK,
        capture="link",
        invitation=invitation,
        answered_at=offer_time - timedelta(hours=2),
    )

    html = section(page(login(personas.therapist), personas.client))

    assert html.count('stroke-dasharray="2 3"') == 1  # one session, one panel (PHQ-9 only)
    assert "Klinisk grense 10" in html


def test_a_risk_answer_is_highlighted_and_the_open_alert_linked(
    personas, login, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submit(personas.client, "phq9", PHQ9_RISK, weeks_ago(0))
    alert = personas.client.responses.get().risk_alerts.get()

    html = section(page(login(personas.therapist), personas.client))

    assert reverse("questionnaires:risk_alert", args=[alert.pk]) in html
    assert "ikke kvittert" in html
    (flagged,) = html.split('class="table-danger"')[1:]
    assert "bedre om du var død" in flagged.split("</tr>", 1)[0]


def test_a_corrected_response_counts_only_in_its_corrected_form(personas, login):
    original = submit(personas.client, "gad7", [3, 3, 3, 3, 3, 3, 3], weeks_ago(1))  # 21
    response_correct(
        original=original, answers=[0, 0, 0, 0, 0, 0, 1], by=personas.therapist, reason="Tastefeil"
    )

    html = section(page(login(personas.therapist), personas.client))

    assert "GAD-7: 1 skår, 1 (13.04.2026)." in html
    table = html.split('data-testid="score-table"', 1)[1].split("</table>", 1)[0]
    assert table.count("<tr>") == 1 + 1 and "<td>1</td>" in table and "<td>21</td>" not in table


def test_without_answers_the_section_says_so(personas, login):
    html = section(page(login(personas.therapist), personas.client))

    assert "Ingen svar på PHQ-9 eller GAD-7 ennå." in html and "<svg" not in html


@pytest.mark.parametrize("role", ["clerical", "colleague", "team_lead", "psychologist"])
def test_without_clinical_access_there_is_no_section(personas, login, history, role):
    html = page(login(getattr(personas, role)), history)

    assert SECTION not in html and ITEM_1 not in html and "<svg" not in html


def test_emergency_access_shows_the_section(personas, login, history):
    break_glass_open(
        user=personas.colleague,
        team=personas.team,
        subject=history,
        reason="Klienten ringte i krise i dag.",
    )

    assert SECTION in page(login(personas.colleague), history)


def test_another_team_gets_404(personas, login, history):
    url = reverse("intake:client_detail", args=[history.pk])

    assert login(personas.outsider).get(url).status_code == 404


def test_the_section_queries_do_not_grow_with_the_responses(personas, login):
    http = login(personas.therapist)
    client = personas.client

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            page(http, client)
        return len(captured)

    submit(client, "phq9", PHQ9_NO_RISK, weeks_ago(10))
    submit(client, "gad7", GAD7, weeks_ago(10))
    few = queries()
    for week in range(9, 0, -1):
        submit(client, "phq9", PHQ9_NO_RISK, weeks_ago(week))
        submit(client, "gad7", GAD7, weeks_ago(week))

    assert queries() == few


def test_the_section_is_registered_once_and_needs_clinical_access(personas, rf):
    request = rf.get("/")
    request.user = personas.clerical
    no_clinical = Access(basis=Basis.TEAM_ROLE, clinical=False, can_break_glass=False)

    assert _sections.count(questionnaire_section) == 1
    assert client_sections(request, personas.client, no_clinical) == []
    assert questionnaire_section(request, personas.client, no_clinical) is None
