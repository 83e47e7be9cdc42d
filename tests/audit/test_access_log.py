"""Every look at a client record leaves exactly one row saying who, what, how and why."""

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from rph.accounts.roles import Role
from rph.audit.models import AccessEvent, BreakGlassGrant
from tests.accounts.factories import member

REASON = "Klienten ringte i krise og behandleren er syk i dag."


def _detail_url(client) -> str:
    return reverse("intake:client_detail", args=[client.pk])


def _new_events(before: int) -> list[AccessEvent]:
    return list(AccessEvent.objects.order_by("pk")[before:])


def test_a_record_view_writes_one_row_with_who_what_and_how(personas, login):
    client = personas.client
    before = AccessEvent.objects.count()

    login(personas.therapist).get(_detail_url(client), REMOTE_ADDR="10.1.2.3")

    [event] = _new_events(before)
    assert event.user == personas.therapist
    assert event.team == personas.team
    assert event.subject_type == ContentType.objects.get_for_model(client)
    assert event.subject == client
    assert event.action == "intake:client_detail"
    assert event.path == _detail_url(client)
    assert event.channel == AccessEvent.Channel.UI
    assert event.basis == "care_team"
    assert event.break_glass is None
    assert event.ip == "10.1.2.3"


def test_clerical_staff_read_on_the_basis_of_their_role(personas, login):
    before = AccessEvent.objects.count()

    login(personas.clerical).get(_detail_url(personas.client))

    [event] = _new_events(before)
    assert (event.user, event.basis) == (personas.clerical, "team_role")


def test_a_view_with_emergency_access_points_to_the_grant_and_its_reason(personas, login):
    client = personas.client
    http = login(personas.colleague)
    http.post(reverse("intake:client_break_glass", args=[client.pk]), {"reason": REASON})
    grant = BreakGlassGrant.objects.get()
    before = AccessEvent.objects.count()

    http.get(_detail_url(client))

    [event] = _new_events(before)
    assert (event.user, event.basis, event.break_glass) == (
        personas.colleague,
        "break_glass",
        grant,
    )


def test_an_api_call_is_logged_as_coming_from_the_api(personas, login):
    client = personas.client
    before = AccessEvent.objects.count()

    login(personas.therapist).get(reverse("api-client-detail", args=[client.pk]))

    [event] = _new_events(before)
    assert (event.user, event.subject, event.channel, event.basis) == (
        personas.therapist,
        client,
        AccessEvent.Channel.API,
        "care_team",
    )
    assert event.action == "api-client-detail"


def test_a_refused_look_leaves_no_row(personas, login):
    before = AccessEvent.objects.count()

    login(personas.admin).get(_detail_url(personas.client))
    login(personas.outsider).get(_detail_url(personas.client))
    login(personas.outsider).get(reverse("api-client-detail", args=[personas.client.pk]))
    login(personas.clerical).get(reverse("intake:client_break_glass", args=[personas.client.pk]))

    assert AccessEvent.objects.count() == before


def test_a_forwarded_address_is_only_believed_behind_a_trusted_proxy(personas, login, settings):
    http = login(personas.therapist)
    url = _detail_url(personas.client)
    # The caller claims 198.51.100.7; our proxy appends the address it really saw.
    forwarded = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.7, 203.0.113.9"}
    before = AccessEvent.objects.count()

    settings.TRUST_X_FORWARDED_FOR = False
    http.get(url, **forwarded)
    settings.TRUST_X_FORWARDED_FOR = True
    http.get(url, **forwarded)

    assert [e.ip for e in _new_events(before)] == ["10.0.0.1", "203.0.113.9"]


def test_the_team_lead_sees_who_looked_on_what_basis_and_why(personas, login):
    client = personas.client
    login(personas.therapist).get(_detail_url(client))
    colleague = login(personas.colleague)
    colleague.post(reverse("intake:client_break_glass", args=[client.pk]), {"reason": REASON})
    colleague.get(_detail_url(client))

    response = login(personas.team_lead).get(reverse("intake:client_access_log", args=[client.pk]))

    page = response.content.decode()
    assert f"Hvem har sett journalen til {client}" in page
    rows = page.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    therapist_rows = [r for r in rows if str(personas.therapist) in r]
    colleague_rows = [r for r in rows if str(personas.colleague) in r]
    assert any("Behandlerteam" in r and "Nettside" in r for r in therapist_rows)
    assert any(f"Nødtilgang: {REASON}" in r for r in colleague_rows)
    assert any("Rolle i teamet" in r for r in colleague_rows)  # the break-glass page itself


def test_the_access_log_page_of_another_teams_client_is_not_found(personas, login):
    other_lead = member(personas.other_team, Role.TEAM_LEAD)

    response = login(other_lead).get(reverse("intake:client_access_log", args=[personas.client.pk]))

    assert response.status_code == 404
