"""The data check: the command lists clients with more than one open contact and consent
conflicts; the team lead resolves them on a page; others cannot."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from intake.consents.services import reach_now
from intake.models import Consent, Contact, ReachKind
from rph.accounts.roles import Role
from tests.accounts.factories import member
from tests.intake.factories import ClientFactory, ContactFactory, give_consents

pytestmark = pytest.mark.django_db
PAGE = reverse("intake:data_check")


@pytest.fixture
def doubled(personas):
    first = ContactFactory(team=personas.team, client=personas.client, concerns=["sleep"])
    second = ContactFactory(team=personas.team, client=personas.client, concerns=["stress"])
    return first, second


@pytest.fixture
def flagged(personas):
    (line,) = give_consents(personas.client, ReachKind.SMS)
    Consent.objects.filter(pk=line.pk).update(needs_review=True, note="left unticked")
    return line


def test_the_command_lists_both_kinds_without_names(personas, doubled, flagged):
    ClientFactory(team=personas.team)  # nothing wrong with this one
    give_consents(ClientFactory(team=personas.team), ReachKind.DIGITAL_QUESTIONNAIRES)
    out = StringIO()

    call_command("intake_data_check", stdout=out)

    text = out.getvalue()
    assert "Clients with more than one open contact: 1" in text
    assert f"client {personas.client.pk}" in text
    assert "Consent conflicts: 2" in text
    assert "needs_review sms" in text
    assert "no_channel digital_questionnaires" in text
    assert personas.client.last_name not in text


def test_the_command_can_fail_for_monitoring(doubled):
    with pytest.raises(CommandError):
        call_command("intake_data_check", "--fail", stdout=StringIO())


def test_the_team_lead_sees_and_merges_the_open_contacts(personas, login, doubled):
    http = login(personas.team_lead)
    first, second = doubled

    assert personas.client.last_name in http.get(PAGE).content.decode()
    response = http.post(reverse("intake:data_check_merge", args=[personas.client.pk]))

    assert response.status_code == 302
    assert list(Contact.objects.open().filter(client=personas.client)) == [first]
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.concerns == ["sleep", "stress"]
    assert (second.status, second.close_reason) == (Contact.Status.CLOSED, "duplicate")


def test_the_team_lead_settles_a_flagged_consent(personas, login, flagged):
    http = login(personas.team_lead)

    http.post(reverse("intake:data_check_settle", args=[flagged.pk]), {"given": "no"})

    assert not reach_now(personas.client).allows(ReachKind.SMS)
    assert "left unticked" not in http.get(PAGE).content.decode()


@pytest.mark.parametrize("persona", ["clerical", "therapist"])
def test_other_roles_cannot_use_it(personas, login, doubled, persona):
    http = login(getattr(personas, persona))

    assert http.get(PAGE).status_code == 403
    merge = http.post(reverse("intake:data_check_merge", args=[personas.client.pk]))
    assert merge.status_code == 403
    assert Contact.objects.open().count() == 2


def test_another_teams_lead_sees_nothing(personas, login, doubled, flagged):
    lead = login(member(personas.other_team, Role.TEAM_LEAD))

    assert personas.client.last_name not in lead.get(PAGE).content.decode()
    assert lead.post(reverse("intake:data_check_merge", args=[personas.client.pk])).status_code in (
        403,
        404,
    )
    assert lead.post(
        reverse("intake:data_check_settle", args=[flagged.pk]), {"given": "no"}
    ).status_code in (403, 404)
    assert Contact.objects.open().count() == 2
    assert reach_now(personas.client).allows(ReachKind.SMS)
