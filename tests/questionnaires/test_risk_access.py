"""Who may open and acknowledge a risk alert, and the team lead's list of the team's alerts.

The care team acknowledges; psychologists and team leads may too once the alert has escalated
(or went to them at once), after opening the record with emergency access. Every view of
the page is in the access log."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from questionnaires.models import RiskAlert
from questionnaires.risk.services import risk_alert_acknowledge, risk_alerts_escalate
from rph.audit.models import AccessEvent
from rph.audit.services import break_glass_open
from tests.accounts.factories import member
from tests.intake.factories import ClientFactory
from tests.questionnaires.risk_data import raise_alert

REASON = "Risikovarselet er eskalert og behandleren er syk."
BREAK_GLASS_LINK = "Be om nødtilgang"
LIST = reverse("questionnaires:risk_alert_list")


@pytest.fixture
def alert(personas, time_machine, django_capture_on_commit_callbacks):
    time_machine.move_to("2026-03-02T10:00:00+01:00", tick=False)
    return raise_alert(django_capture_on_commit_callbacks, personas.client)


@pytest.fixture
def escalated(alert, time_machine):
    time_machine.move_to("2026-03-02T15:00:00+01:00", tick=False)
    assert risk_alerts_escalate() == 1
    alert.refresh_from_db()
    return alert


def url(alert: RiskAlert) -> str:
    return reverse("questionnaires:risk_alert", args=[alert.pk])


def acknowledge(http, alert: RiskAlert, action: str = "conferred", note: str = ""):
    return http.post(url(alert), {"action": action, "note": note})


def glass(user, personas) -> None:
    break_glass_open(user=user, team=personas.team, subject=personas.client, reason=REASON)


def test_the_care_team_therapist_sees_the_answer_and_the_form(personas, login, alert):
    response = login(personas.therapist).get(url(alert))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Tanker om at det ville vært bedre om du var død" in html
    assert "Mer enn halvparten av dagene" in html  # the answer to item 9 (2)
    assert 'name="action"' in html and "Ringte klienten" in html
    event = AccessEvent.objects.get(user=personas.therapist)
    assert event.subject_id == personas.client.pk and event.basis == "care_team"


def test_a_therapist_outside_the_care_team_gets_403_with_the_break_glass_link(
    personas, login, alert
):
    http = login(personas.colleague)

    page = http.get(url(alert))
    post = acknowledge(http, alert)

    assert page.status_code == 403 and BREAK_GLASS_LINK in page.content.decode()
    assert post.status_code == 403
    assert RiskAlert.objects.get().acknowledged_at is None


def test_after_emergency_access_a_colleague_may_read_but_not_acknowledge(personas, login, alert):
    glass(personas.colleague, personas)
    http = login(personas.colleague)

    page = http.get(url(alert)).content.decode()
    post = acknowledge(http, alert)

    assert "nødtilgang" in page and 'name="action"' not in page
    assert post.status_code == 403
    assert RiskAlert.objects.get().acknowledged_at is None
    assert AccessEvent.objects.filter(user=personas.colleague, basis="break_glass").exists()


def test_another_teams_therapist_gets_404(personas, login, alert):
    http = login(personas.outsider)

    assert http.get(url(alert)).status_code == 404
    assert acknowledge(http, alert).status_code == 404


def test_clerical_staff_get_403_without_a_break_glass_link(personas, login, alert):
    http = login(personas.clerical)

    page = http.get(url(alert))

    assert page.status_code == 403 and BREAK_GLASS_LINK not in page.content.decode()
    assert acknowledge(http, alert).status_code == 403


def test_an_unknown_alert_is_404(personas, login, db):
    assert login(personas.therapist).get("/risiko/999999/").status_code == 404


def test_a_psychologist_cannot_acknowledge_before_the_alert_escalates(personas, login, alert):
    glass(personas.psychologist, personas)
    http = login(personas.psychologist)

    assert 'name="action"' not in http.get(url(alert)).content.decode()
    assert acknowledge(http, alert).status_code == 403


@pytest.mark.parametrize("lead", ["psychologist", "team_lead"])
def test_a_psychologist_or_team_lead_acknowledges_an_escalated_alert_after_breaking_the_glass(
    personas, login, escalated, lead
):
    user = getattr(personas, lead)
    http = login(user)
    assert http.get(url(escalated)).status_code == 403  # not in the care team: glass first
    glass(user, personas)

    response = acknowledge(http, escalated, "risk_assessment", "Vurdert, lav risiko.")

    assert response.status_code == 302
    escalated.refresh_from_db()
    assert escalated.acknowledged_by == user and escalated.action == "risk_assessment"
    assert AccessEvent.objects.filter(
        user=user, basis="break_glass", action="questionnaires:risk_alert"
    ).exists()


def test_a_team_lead_may_acknowledge_an_alert_that_went_to_the_leads_at_once(
    personas, login, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to("2026-03-02T10:00:00+01:00", tick=False)
    lonely = ClientFactory(team=personas.team)  # nobody in the care team yet
    alert = raise_alert(django_capture_on_commit_callbacks, lonely)
    break_glass_open(user=personas.team_lead, team=personas.team, subject=lonely, reason=REASON)

    response = acknowledge(login(personas.team_lead), alert, "called_client")

    assert response.status_code == 302
    assert RiskAlert.objects.get().acknowledged_by == personas.team_lead


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Dette feltet er påkrevd."),
        ({"action": "made_up"}, "Velg et gyldig valg."),
        ({"action": "other", "note": "   "}, "Beskriv hva du gjorde."),
        ({"action": "called_client", "note": "x" * 1001}, "Sørg for at denne verdien har"),
    ],
    ids=["no action", "unknown action", "other without a note", "note too long"],
)
def test_a_bad_acknowledgement_shows_why_and_saves_nothing(personas, login, alert, data, message):
    response = login(personas.therapist).post(url(alert), data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert RiskAlert.objects.get().acknowledged_at is None


def test_the_acknowledged_page_shows_who_when_and_what(personas, login, alert):
    risk_alert_acknowledge(
        alert=alert, by=personas.therapist, action="contacted_legevakt", note="Fulgt til legevakt."
    )

    html = login(personas.therapist).get(url(alert)).content.decode()

    section = html.split('data-testid="acknowledgement"', 1)[1].split("</dd>", 1)[0]
    assert "02.03.2026 10:00" in section and str(personas.therapist) in section
    assert "Kontaktet legevakt / akutteamet" in section and "Fulgt til legevakt." in section


# The team lead's list ---------------------------------------------------------------------


def test_the_team_lead_sees_the_teams_alerts_with_their_timeline_but_no_clinical_content(
    personas, login, escalated
):
    risk_alert_acknowledge(
        alert=escalated, by=personas.therapist, action="called_client", note="Hemmelig merknad."
    )

    response = login(personas.team_lead).get(LIST)

    html = response.content.decode()
    assert response.status_code == 200
    (row,) = html.split('data-testid="risk-alert-row"')[1:]
    assert str(personas.client) in row and "Risikosvar" in row
    assert str(personas.therapist) in row and "Ringte klienten" in row
    assert "02.03.2026 15:00" in row  # escalated
    assert "Hemmelig merknad." not in html and "Mer enn halvparten" not in html


@pytest.mark.parametrize("role", ["therapist", "psychologist", "clerical"])
def test_the_list_is_for_team_leads_only(personas, login, alert, role):
    assert login(getattr(personas, role)).get(LIST).status_code == 403


def test_another_teams_lead_sees_none_of_this_teams_alerts(personas, login, alert):
    other_lead = member(personas.other_team, "team_lead")

    html = login(other_lead).get(LIST).content.decode()

    assert str(personas.client) not in html and "Ingen risikovarsler." in html


def test_the_list_shows_open_alerts_first(
    personas, login, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to("2026-03-02T10:00:00+01:00", tick=False)
    first = raise_alert(django_capture_on_commit_callbacks, personas.client)
    time_machine.move_to("2026-03-02T11:00:00+01:00", tick=False)
    raise_alert(django_capture_on_commit_callbacks, personas.client)
    risk_alert_acknowledge(alert=first, by=personas.therapist, action="called_client")
    time_machine.move_to("2026-03-02T12:00:00+01:00", tick=False)
    raise_alert(django_capture_on_commit_callbacks, personas.client)

    html = login(personas.team_lead).get(LIST).content.decode()

    rows = html.split('data-testid="risk-alert-row"')[1:]
    assert ["Åpen" in row for row in rows] == [True, True, False]
    assert "12:00" in rows[0] and "11:00" in rows[1]


def test_the_list_query_count_does_not_grow_with_the_alerts(
    personas, login, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to("2026-03-02T10:00:00+01:00", tick=False)
    http = login(personas.team_lead)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert http.get(LIST).status_code == 200
        return len(queries)

    raise_alert(django_capture_on_commit_callbacks, personas.client)
    one = count()
    for _ in range(4):
        raise_alert(django_capture_on_commit_callbacks, ClientFactory(team=personas.team))

    assert count() == one
