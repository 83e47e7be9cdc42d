"""A team administrator adds the team's licensed instruments in the admin, as JSON."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from questionnaires.models import Instrument
from questionnaires.services import instrument_save
from rph.accounts.roles import Role
from tests.accounts.factories import member
from tests.questionnaires.definition_data import custom_definition

LIST = "/admin/questionnaires/instrument/"
ADD = f"{LIST}add/"


def change_url(instrument: Instrument) -> str:
    return f"{LIST}{instrument.pk}/change/"


@pytest.fixture
def team_admin(personas):
    personas.admin.is_staff = True
    personas.admin.save()
    return personas.admin


def team_instrument(team, **changes) -> Instrument:
    data = custom_definition() | changes
    return instrument_save(instrument=Instrument(), team=team, data=data, active=True)


def form_data(team, definition: object, **extra) -> dict:
    text = definition if isinstance(definition, str) else json.dumps(definition)
    return {"team": team.pk, "active": "on", "definition_text": text, **extra}


def test_a_team_administrator_lists_the_shipped_instruments_and_the_teams_own(
    personas, team_admin, login
):
    team_instrument(personas.team, name="Vårt eget")
    team_instrument(personas.other_team, name="Et annet teams")

    page = login(team_admin).get(LIST).content.decode()

    assert "PHQ-9" in page and "GAD-7" in page and "AUDIT-C" in page
    assert "Vårt eget" in page
    assert "Et annet teams" not in page
    assert "Alle team" in page


def test_a_team_administrator_adds_an_instrument_by_pasting_its_definition(
    personas, team_admin, login
):
    response = login(team_admin).post(ADD, form_data(personas.team, custom_definition()))

    assert response.status_code == 302
    saved = Instrument.objects.get(team=personas.team)
    assert (saved.code, saved.name, saved.is_shipped, saved.active) == (
        "sleep_check",
        "Søvnsjekk",
        False,
        True,
    )
    assert saved.definition == custom_definition()


def test_a_team_administrator_may_upload_the_definition_as_a_file(personas, team_admin, login):
    upload = SimpleUploadedFile(
        "sleep.json", json.dumps(custom_definition()).encode(), "application/json"
    )

    response = login(team_admin).post(
        ADD, {"team": personas.team.pk, "active": "on", "definition_file": upload}
    )

    assert response.status_code == 302
    assert Instrument.objects.filter(team=personas.team, code="sleep_check").exists()


def test_a_file_saved_with_a_byte_order_mark_is_read(personas, team_admin, login):
    raw = json.dumps(custom_definition(), ensure_ascii=False).encode("utf-8-sig")
    upload = SimpleUploadedFile("sleep.json", raw, "application/json")

    response = login(team_admin).post(
        ADD, {"team": personas.team.pk, "active": "on", "definition_file": upload}
    )

    assert response.status_code == 302
    assert Instrument.objects.get(team=personas.team).name == "Søvnsjekk"


def test_a_file_that_is_not_utf8_is_refused_in_norwegian(personas, team_admin, login):
    upload = SimpleUploadedFile("sleep.json", '{"name": "Søvn"}'.encode("latin-1"))

    response = login(team_admin).post(
        ADD, {"team": personas.team.pk, "active": "on", "definition_file": upload}
    )

    assert "Filen er ikke UTF-8-tekst." in response.content.decode()
    assert not Instrument.objects.filter(team=personas.team).exists()


def test_the_add_page_offers_pasting_or_uploading_in_norwegian(personas, team_admin, login):
    page = login(team_admin).get(ADD).content.decode()

    assert "Definisjon (JSON)" in page
    assert 'name="definition_text"' in page and 'name="definition_file"' in page
    assert 'enctype="multipart/form-data"' in page


def test_a_bad_definition_is_refused_in_norwegian_and_nothing_is_saved(personas, team_admin, login):
    data = custom_definition()
    data["scoring"]["bands"][1]["min"] = 7

    response = login(team_admin).post(ADD, form_data(personas.team, data))

    assert response.status_code == 200
    assert "Det er et hull mellom gruppene low og high (6-6)." in response.content.decode()
    assert not Instrument.objects.filter(team=personas.team).exists()


def test_a_risk_item_out_of_range_is_refused_in_norwegian(personas, team_admin, login):
    data = custom_definition()
    data["risk_items"][0]["item"] = 12

    response = login(team_admin).post(ADD, form_data(personas.team, data))

    assert (
        "Risikospørsmål 1 viser til spørsmål 12, men definisjonen har 5 spørsmål."
        in response.content.decode()
    )
    assert not Instrument.objects.filter(team=personas.team).exists()


def test_text_that_is_not_json_is_refused_in_norwegian(personas, team_admin, login):
    response = login(team_admin).post(ADD, form_data(personas.team, '{"code": "x",'))

    assert "Dette er ikke gyldig JSON (linje 1, kolonne 14)." in response.content.decode()
    assert not Instrument.objects.filter(team=personas.team).exists()


def test_the_code_of_a_shipped_instrument_is_refused(personas, team_admin, login):
    data = custom_definition() | {"code": "gad7"}

    response = login(team_admin).post(ADD, form_data(personas.team, data))

    assert "gad7 er koden til et instrument som følger med RPH" in response.content.decode()
    assert not Instrument.objects.filter(team=personas.team).exists()


def test_both_a_pasted_definition_and_a_file_are_refused(personas, team_admin, login):
    upload = SimpleUploadedFile("x.json", json.dumps(custom_definition()).encode())

    response = login(team_admin).post(
        ADD, form_data(personas.team, custom_definition(), definition_file=upload)
    )

    assert "Lim inn definisjonen eller last opp en fil, ikke begge." in response.content.decode()
    assert not Instrument.objects.filter(team=personas.team).exists()


def test_an_empty_form_asks_for_a_definition(personas, team_admin, login):
    response = login(team_admin).post(ADD, form_data(personas.team, ""))

    assert "Lim inn en definisjon eller last opp en fil." in response.content.decode()


def test_a_team_administrator_cannot_add_for_another_team(personas, team_admin, login):
    response = login(team_admin).post(ADD, form_data(personas.other_team, custom_definition()))

    assert response.status_code == 200
    assert not Instrument.objects.filter(code="sleep_check").exists()


def test_a_team_administrator_changes_the_teams_own_instrument(personas, team_admin, login):
    instrument = team_instrument(personas.team)
    data = custom_definition() | {"version": "2", "name": "Søvnsjekk 2"}

    response = login(team_admin).post(change_url(instrument), form_data(personas.team, data))

    assert response.status_code == 302
    instrument.refresh_from_db()
    assert (instrument.version, instrument.name) == ("2", "Søvnsjekk 2")


def test_the_change_page_shows_the_stored_definition(personas, team_admin, login):
    instrument = team_instrument(personas.team)

    page = login(team_admin).get(change_url(instrument)).content.decode()

    assert "Testspørsmål A" in page
    assert 'name="definition_text"' in page


def test_a_shipped_instrument_is_read_only_even_for_a_superuser(personas, team_admin, login):
    phq9 = Instrument.objects.get(code="phq9", is_shipped=True)
    superuser = member(personas.team, Role.ADMIN, is_staff=True, is_superuser=True)

    for user in (team_admin, superuser):
        http = login(user)
        page = http.get(change_url(phq9))
        assert page.status_code == 200
        assert 'name="definition_text"' not in page.content.decode()
        assert "Nesten hver dag" in page.content.decode()
        assert http.post(change_url(phq9), form_data(personas.team, {})).status_code == 403
        assert http.post(f"{LIST}{phq9.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Instrument.objects.filter(code="phq9", is_shipped=True).exists()


def test_another_teams_instrument_is_out_of_reach(personas, team_admin, login):
    theirs = team_instrument(personas.other_team, name="Et annet teams")
    http = login(team_admin)

    page = http.get(change_url(theirs), follow=True)
    http.post(f"{LIST}{theirs.pk}/delete/", {"post": "yes"})

    assert "Et annet teams" not in page.content.decode()
    assert Instrument.objects.filter(pk=theirs.pk).exists()


def test_a_team_administrator_may_delete_the_teams_own_instrument(personas, team_admin, login):
    instrument = team_instrument(personas.team)

    response = login(team_admin).post(f"{LIST}{instrument.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not Instrument.objects.filter(pk=instrument.pk).exists()


@pytest.mark.parametrize("role", [Role.THERAPIST, Role.TEAM_LEAD, Role.CLERICAL])
def test_staff_in_other_roles_get_403(personas, login, role):
    user = member(personas.team, role, is_staff=True)
    http = login(user)

    assert http.get(LIST).status_code == 403
    assert http.get(ADD).status_code == 403


def test_an_administrator_who_is_not_staff_is_sent_to_log_in(personas, login):
    response = login(personas.admin).get(LIST)

    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_a_superuser_sees_every_teams_instruments(personas, login):
    team_instrument(personas.other_team, name="Et annet teams")
    superuser = member(personas.team, Role.ADMIN, is_staff=True, is_superuser=True)

    assert "Et annet teams" in login(superuser).get(LIST).content.decode()
