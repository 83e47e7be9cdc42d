"""Emergency access (break the glass): a clinician outside the care team gives a reason,
sees the clinical record for a limited time with a warning, and the team lead can see it."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from rph.audit.models import BreakGlassGrant
from tests.intake.factories import ClientFactory

REASON = "Klienten ringte i krise og behandleren er syk i dag."
CLINICAL_CONTENT = "Ingen kartlegging eller behandling er registrert ennå."
WARNING = "Du ser denne journalen med nødtilgang."
START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def _break_glass_url(client) -> str:
    return reverse("intake:client_break_glass", args=[client.pk])


def _detail(http, client) -> str:
    return http.get(reverse("intake:client_detail", args=[client.pk])).content.decode()


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "Dette feltet er påkrevd."),
        ("Trenger", "Sørg for at denne verdien har minst 10 tegn (den har 7)."),
        ("          kort      ", "Sørg for at denne verdien har minst 10 tegn (den har 4)."),
    ],
    ids=["empty", "too short", "short after trimming"],
)
def test_emergency_access_needs_a_real_reason(personas, login, reason, message):
    response = login(personas.colleague).post(_break_glass_url(personas.client), {"reason": reason})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not BreakGlassGrant.objects.exists()


def test_the_form_tells_the_colleague_that_the_reason_is_logged(personas, login):
    page = login(personas.colleague).get(_break_glass_url(personas.client)).content.decode()

    assert "helsepersonelloven § 21 a" in page
    assert "Begrunnelse" in page


def test_clerical_staff_cannot_break_the_glass(personas, login):
    response = login(personas.clerical).post(_break_glass_url(personas.client), {"reason": REASON})

    assert response.status_code == 403
    assert not BreakGlassGrant.objects.exists()


def test_another_teams_therapist_cannot_break_the_glass(personas, login):
    response = login(personas.outsider).post(_break_glass_url(personas.client), {"reason": REASON})

    assert response.status_code == 404
    assert not BreakGlassGrant.objects.exists()


def test_the_therapist_in_the_care_team_is_sent_to_the_record_without_a_grant(personas, login):
    client = personas.client

    response = login(personas.therapist).post(_break_glass_url(client), {"reason": REASON})

    assert response["Location"] == client.get_absolute_url()
    assert not BreakGlassGrant.objects.exists()


@time_machine.travel(START, tick=False)
def test_after_breaking_the_glass_the_colleague_sees_the_record_with_a_warning(personas, login):
    client = personas.client
    http = login(personas.colleague)
    assert CLINICAL_CONTENT not in _detail(http, client)

    response = http.post(_break_glass_url(client), {"reason": REASON}, follow=True)

    page = response.content.decode()
    assert "Nødtilgang er gitt og logget. Teamlederen varsles." in page
    assert CLINICAL_CONTENT in page
    assert WARNING in page
    grant = BreakGlassGrant.objects.get()
    assert (grant.user, grant.team, grant.subject, grant.reason) == (
        personas.colleague,
        personas.team,
        client,
        REASON,
    )


def test_emergency_access_ends_after_the_configured_lifetime(personas, login, settings):
    settings.BREAK_GLASS_LIFETIME = datetime.timedelta(minutes=20)
    client = personas.client
    with time_machine.travel(START, tick=False) as clock:
        http = login(personas.colleague)
        http.post(_break_glass_url(client), {"reason": REASON})
        assert BreakGlassGrant.objects.get().expires_at == START + datetime.timedelta(minutes=20)

        clock.move_to(START + datetime.timedelta(minutes=19, seconds=59))
        assert CLINICAL_CONTENT in _detail(http, client)

        clock.move_to(START + datetime.timedelta(minutes=20))
        page = _detail(http, client)
        assert CLINICAL_CONTENT not in page
        assert WARNING not in page
        assert "Be om nødtilgang" in page


def test_a_grant_for_one_client_does_not_open_another(personas, login):
    second = ClientFactory(team=personas.team, care_team=[personas.therapist])
    http = login(personas.colleague)

    http.post(_break_glass_url(personas.client), {"reason": REASON})

    assert CLINICAL_CONTENT not in _detail(http, second)


def test_a_grant_is_personal(personas, login):
    login(personas.colleague).post(_break_glass_url(personas.client), {"reason": REASON})

    assert CLINICAL_CONTENT not in _detail(login(personas.psychologist), personas.client)
