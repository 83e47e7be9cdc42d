"""The client page: contact details for everyone who works with clients, the clinical
record only for the care team (or a colleague who broke the glass)."""

from django.urls import reverse

CLINICAL_CONTENT = "Ingen kartlegging eller behandling er registrert ennå."
NOT_FOR_YOUR_ROLE = "Rollen din gir ikke tilgang til klinisk innhold."
REQUEST_ACCESS = "Be om nødtilgang"


def _page(http, client) -> str:
    response = http.get(reverse("intake:client_detail", args=[client.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _clinical_section(page: str) -> str:
    start = page.index('data-testid="clinical"')
    return page[start : page.index("</section>", start)]


def test_clerical_staff_see_the_contact_details_but_not_the_clinical_record(personas, login):
    client = personas.client
    page = _page(login(personas.clerical), client)

    assert "Kontaktopplysninger" in page
    assert client.email in page
    assert client.home_municipality.name in page
    clinical = _clinical_section(page)
    assert NOT_FOR_YOUR_ROLE in clinical
    assert CLINICAL_CONTENT not in clinical
    assert REQUEST_ACCESS not in clinical


def test_the_therapist_in_the_care_team_sees_the_clinical_record(personas, login):
    clinical = _clinical_section(_page(login(personas.therapist), personas.client))

    assert CLINICAL_CONTENT in clinical
    assert REQUEST_ACCESS not in clinical
    assert NOT_FOR_YOUR_ROLE not in clinical


def test_a_colleague_outside_the_care_team_is_offered_emergency_access(personas, login):
    page = _page(login(personas.colleague), personas.client)
    clinical = _clinical_section(page)

    assert CLINICAL_CONTENT not in clinical
    assert "Du er ikke i behandlerteamet til denne klienten." in clinical
    break_glass = reverse("intake:client_break_glass", args=[personas.client.pk])
    assert f'href="{break_glass}"' in clinical
    assert REQUEST_ACCESS in clinical
    assert "med nødtilgang" not in page  # no warning banner before the glass is broken


def test_only_the_team_lead_is_shown_the_care_team_and_access_log_links(personas, login):
    access_log = reverse("intake:client_access_log", args=[personas.client.pk])

    assert access_log in _page(login(personas.team_lead), personas.client)
    assert access_log not in _page(login(personas.therapist), personas.client)


def test_an_administrator_may_not_open_a_client(personas, login):
    response = login(personas.admin).get(reverse("intake:client_detail", args=[personas.client.pk]))

    assert response.status_code == 403
    assert personas.client.last_name not in response.content.decode()


def test_another_teams_therapist_is_told_the_client_does_not_exist(personas, login):
    response = login(personas.outsider).get(
        reverse("intake:client_detail", args=[personas.client.pk])
    )

    assert response.status_code == 404
    assert personas.client.last_name not in response.content.decode()
