"""The team lead reviews every emergency access in their team, and only in their team."""

import pytest
from django.urls import reverse

from rph.accounts.roles import Role
from rph.audit.models import BreakGlassGrant
from rph.audit.services import break_glass_open
from tests.accounts.factories import member
from tests.intake.factories import ClientFactory

REVIEW = reverse("audit:break_glass_review")
REASON = "Klienten ringte i krise og behandleren er syk i dag."
OTHER_REASON = "Ringte legevakten om en felles klient i natt."


@pytest.fixture
def grant(personas) -> BreakGlassGrant:
    return break_glass_open(
        user=personas.colleague, team=personas.team, subject=personas.client, reason=REASON
    )


@pytest.fixture
def other_teams_grant(personas) -> BreakGlassGrant:
    client = ClientFactory(team=personas.other_team, last_name="Utenforsen")
    colleague = member(personas.other_team, Role.PSYCHOLOGIST)
    return break_glass_open(
        user=colleague, team=personas.other_team, subject=client, reason=OTHER_REASON
    )


def _mark_url(grant) -> str:
    return reverse("audit:break_glass_mark_reviewed", args=[grant.pk])


def test_the_team_lead_sees_who_opened_which_record_and_why(personas, login, grant):
    page = login(personas.team_lead).get(REVIEW).content.decode()

    assert str(personas.colleague) in page
    assert str(personas.client) in page
    assert personas.client.get_absolute_url() in page
    assert REASON in page
    assert "Merk som gjennomgått" in page


def test_the_review_list_shows_none_of_another_teams_emergency_access(
    personas, login, grant, other_teams_grant
):
    page = login(personas.team_lead).get(REVIEW).content.decode()

    assert OTHER_REASON not in page
    assert "Utenforsen" not in page


def test_the_home_page_tells_the_team_lead_what_awaits_review(personas, login, grant):
    page = login(personas.team_lead).get(reverse("home")).content.decode()

    assert "1 nødtilgang venter på gjennomgang." in page


def test_marking_as_reviewed_records_who_and_when(personas, login, grant):
    response = login(personas.team_lead).post(_mark_url(grant), follow=True)

    grant.refresh_from_db()
    assert grant.reviewed_by == personas.team_lead
    assert grant.reviewed_at is not None
    assert "Merk som gjennomgått" not in response.content.decode()


def test_a_team_lead_cannot_review_their_own_emergency_access(personas, login):
    own = break_glass_open(
        user=personas.team_lead, team=personas.team, subject=personas.client, reason=REASON
    )

    response = login(personas.team_lead).post(_mark_url(own), follow=True)

    own.refresh_from_db()
    assert own.reviewed_at is None
    assert "Noen andre må gå gjennom din egen nødtilgang." in response.content.decode()


def test_a_review_is_not_overwritten_by_a_second_one(personas, login, grant):
    login(personas.team_lead).post(_mark_url(grant))
    first = BreakGlassGrant.objects.values("reviewed_by", "reviewed_at").get()
    second_lead = member(personas.team, Role.TEAM_LEAD)

    login(second_lead).post(_mark_url(grant))

    assert BreakGlassGrant.objects.values("reviewed_by", "reviewed_at").get() == first


def test_another_teams_emergency_access_cannot_be_marked_reviewed(
    personas, login, other_teams_grant
):
    response = login(personas.team_lead).post(_mark_url(other_teams_grant))

    assert response.status_code == 404
    other_teams_grant.refresh_from_db()
    assert other_teams_grant.reviewed_at is None


@pytest.mark.parametrize("persona", ["therapist", "colleague", "clerical", "admin"])
def test_only_the_team_lead_can_mark_an_emergency_access_reviewed(personas, login, grant, persona):
    response = login(getattr(personas, persona)).post(_mark_url(grant))

    assert response.status_code == 403
    grant.refresh_from_db()
    assert grant.reviewed_at is None


def test_marking_as_reviewed_needs_a_post(personas, login, grant):
    response = login(personas.team_lead).get(_mark_url(grant))

    assert response.status_code == 405
    grant.refresh_from_db()
    assert grant.reviewed_at is None
