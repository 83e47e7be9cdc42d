"""The GP registry pages and the GP picker on contact registration and client edit."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from intake.models import Client, GeneralPractitioner
from tests.accounts.factories import MunicipalityFactory
from tests.referrals.factories import GeneralPractitionerFactory

HEADER = "hpr_number;name;practice;address;postcode;town;phone;municipalities"


def _gp(p, **fields):
    gp = GeneralPractitionerFactory(**fields)
    gp.municipalities.set([p.client.home_municipality])
    return gp


def test_the_list_shows_the_teams_gps_and_searches_name_and_practice(personas, login):
    aune = _gp(personas, name="Ingrid Aune", practice="Rissa legesenter")
    _gp(personas, name="Jon Gjerstad", practice="Brekstad legesenter")
    elsewhere = GeneralPractitionerFactory(name="Ingrid Annen")
    elsewhere.municipalities.set([MunicipalityFactory()])
    http = login(personas.clerical)

    everyone = http.get(reverse("referrals:gp_list")).context["page"].object_list
    rissa = http.get(reverse("referrals:gp_list"), {"q": "rissa"}).context["page"].object_list
    ingrid = http.get(reverse("referrals:gp_list"), {"q": "ingrid aune"}).content.decode()

    assert len(everyone) == 2 and elsewhere not in everyone
    assert list(rissa) == [aune]
    assert "Ingrid Aune" in ingrid and "Jon Gjerstad" not in ingrid


def test_only_the_lead_and_the_administrator_see_the_edit_links(personas, login):
    gp = _gp(personas)
    edit = reverse("referrals:gp_edit", args=[gp.pk])

    assert edit not in login(personas.therapist).get(reverse("referrals:gp_list")).content.decode()
    assert edit in login(personas.team_lead).get(reverse("referrals:gp_list")).content.decode()


def test_the_lead_corrects_a_gp(personas, login):
    gp = _gp(personas, name="Ingrid Aune")

    response = login(personas.team_lead).post(
        reverse("referrals:gp_edit", args=[gp.pk]),
        {
            "hpr_number": gp.hpr_number,
            "name": "Ingrid Aune Berg",
            "practice": gp.practice,
            "postcode": "7100",
            "municipalities": [personas.client.home_municipality.pk],
            "active": "",
        },
        follow=True,
    )

    gp.refresh_from_db()
    assert (gp.name, gp.active) == ("Ingrid Aune Berg", False)
    assert "Fastlegen er lagret." in response.content.decode()


def test_a_bad_postcode_is_refused_and_the_name_on_the_page_is_unchanged(personas, login):
    gp = _gp(personas, name="Ingrid Aune")

    response = login(personas.admin).post(
        reverse("referrals:gp_edit", args=[gp.pk]),
        {
            "hpr_number": gp.hpr_number,
            "name": "Endret Navn",
            "practice": gp.practice,
            "postcode": "71",
            "municipalities": [personas.client.home_municipality.pk],
        },
    )

    page = response.content.decode()
    assert "Postnummeret må være 4 sifre." in page
    assert "Rediger fastlege Ingrid Aune" in page
    gp.refresh_from_db()
    assert gp.name == "Ingrid Aune"


def test_the_upload_page_imports_good_lines_and_lists_the_bad_ones(personas, login):
    number = personas.client.home_municipality.number
    data = "\n".join(
        [HEADER, f"9100001;Ingrid Aune;Rissa legesenter;;;;;{number}", "x;;;;;;;"]
    ).encode("utf-8-sig")

    response = login(personas.team_lead).post(
        reverse("referrals:gp_import"), {"file": SimpleUploadedFile("fastleger.csv", data)}
    )

    page = response.content.decode()
    assert "Nye: 1." in page and "Avviste linjer: 1." in page
    assert "HPR-nummeret må være 4 til 9 sifre. Navnet mangler." in page
    assert GeneralPractitioner.objects.get().name == "Ingrid Aune"


def test_the_upload_page_refuses_a_file_in_another_encoding(personas, login):
    data = f"{HEADER}\n9100001;Åse Ås;Ørland;;;;;5057".encode("latin-1")

    response = login(personas.admin).post(
        reverse("referrals:gp_import"), {"file": SimpleUploadedFile("f.csv", data)}
    )

    assert "Ingenting ble importert. Filen er ikke UTF-8." in response.content.decode()
    assert not GeneralPractitioner.objects.exists()


def _registration(p, **changes):
    return {
        "first_name": "Ola",
        "last_name": "Testesen",
        "phone": "+4790000077",
        "birth_date": "01.02.1980",
        "home_municipality": p.client.home_municipality.pk,
        "channel": "phone",
        "referrer": "self",
    } | changes


def test_the_registration_form_picks_an_active_gp_of_the_teams_area(personas, login):
    aune = _gp(personas, name="Ingrid Aune")
    retired = _gp(personas, name="Pensjonert Lege", active=False)
    http = login(personas.clerical)

    form = http.get(reverse("intake:contact_register")).context["form"]
    http.post(reverse("intake:contact_register"), _registration(personas, gp=aune.pk))

    assert list(form.fields["gp"].queryset) == [aune]
    assert retired not in form.fields["gp"].queryset
    assert Client.objects.get(last_name="Testesen").gp == aune


def test_a_gp_from_outside_the_picker_is_refused(personas, login):
    elsewhere = GeneralPractitionerFactory()

    response = login(personas.clerical).post(
        reverse("intake:contact_register"), _registration(personas, gp=elsewhere.pk)
    )

    assert response.status_code == 200
    assert not Client.objects.filter(last_name="Testesen").exists()


def test_the_client_edit_page_changes_the_gp_and_keeps_an_inactive_one(personas, login):
    old = _gp(personas, name="Gammel Lege")
    new = _gp(personas, name="Ny Lege")
    Client.objects.filter(pk=personas.client.pk).update(gp=old)
    GeneralPractitioner.objects.filter(pk=old.pk).update(active=False)
    http = login(personas.clerical)
    url = reverse("intake:client_edit", args=[personas.client.pk])

    form = http.get(url).context["form"]
    http.post(
        url,
        {
            "first_name": personas.client.first_name,
            "last_name": personas.client.last_name,
            "phone": "+4741234567",
            "email": personas.client.email,
            "home_municipality": personas.client.home_municipality.pk,
            "gp": new.pk,
            "version": form["version"].value(),
        },
    )
    detail = http.get(reverse("intake:client_detail", args=[personas.client.pk]))

    assert set(form.fields["gp"].queryset) == {old, new}
    personas.client.refresh_from_db()
    assert personas.client.gp == new
    assert "Ny Lege" in detail.content.decode()
