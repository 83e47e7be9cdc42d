"""Each kind of hostile input found to give a 500, on the page or endpoint where it was found:
now a 400 with a Norwegian message, and nothing changed (rph/inputs.py)."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from intake.models import Contact, GeneralPractitioner
from rph.inputs import DATE_MAX, DATE_MIN, BadInput, check_text, json_depth_exceeds

EDGE_DATES = ["9999-12-31", "0001-01-01", "31.12.9999", "01.01.0001"]
TOO_BIG = str(2**64)


def refused(response, text: str) -> None:
    assert response.status_code == 400
    body = response.content.decode()
    assert text in (
        json.loads(body)["detail"]
        if response["Content-Type"].startswith("application/json")
        else body
    )


@pytest.mark.parametrize("value", EDGE_DATES)
def test_dates_at_the_edges_of_the_calendar_on_my_day_and_the_calendar(personas, login, value):
    http = login(personas.therapist)

    for url, name in (
        (reverse("treatment:my_day"), "dato"),
        (reverse("treatment:calendar"), "day"),
    ):
        refused(http.get(url, {name: value}), "Datoer må være mellom 01.01.1000 og 31.12.8999.")


@pytest.mark.parametrize("value", EDGE_DATES[:2])
def test_dates_at_the_edges_of_the_calendar_in_the_sessions_and_dashboard_api(
    personas, login, value
):
    therapist, lead = login(personas.therapist), login(personas.team_lead)

    refused(therapist.get("/api/v1/sessions/", {"from": value}), "Datoer må være")
    refused(lead.get("/api/v1/dashboard/", {"fra": value}), "Datoer må være")


def test_an_integer_filter_past_64_bits_on_the_course_enrolment_api(personas, login):
    response = login(personas.team_lead).get("/api/v1/course-enrolments/", {"run": TOO_BIG})

    refused(response, "Et tall er for stort.")


def test_nul_in_the_gp_list_search_the_gp_api_and_the_gp_import(personas, login):
    lead = login(personas.team_lead)
    nul = "Det inneholder et tegn som ikke er tillatt (NUL)."

    refused(lead.get(reverse("referrals:gp_list"), {"q": "Aune\x00"}), nul)
    refused(lead.get("/api/v1/gps/", {"q": "\x00"}), nul)
    refused(lead.post("/api/v1/gps/", {"name": "A\x00"}, content_type="application/json"), nul)
    csv = b"hpr_number;name;practice;address;postcode;town;phone;municipalities\n"
    csv += b"1\x00;A;B;C;7100;D;;\n"
    refused(
        lead.post(reverse("referrals:gp_import"), {"file": SimpleUploadedFile("f.csv", csv)}), nul
    )
    assert not GeneralPractitioner.objects.exists()


def test_a_deeply_nested_json_body_on_the_contacts_api(personas, login):
    body = "[" * 100_000 + "]" * 100_000

    response = login(personas.clerical).post(
        "/api/v1/contacts/", body, content_type="application/json"
    )

    refused(response, "JSON-innholdet er nøstet for dypt.")
    assert not Contact.objects.exists()


def test_numbers_past_64_bits_in_a_json_body(personas, login):
    body = json.dumps({"client": 2**70})

    response = login(personas.clerical).post(
        "/api/v1/contacts/", body, content_type="application/json"
    )

    refused(response, "Et tall er for stort.")


@pytest.mark.parametrize(
    "value",
    [
        f"{DATE_MIN:%Y-%m-%d}",
        f"{DATE_MAX:%d.%m.%Y}",
        "2026-03-02T10:00:00+01:00",
        str(2**63 - 1),
        "Aune legesenter",
        "12345678901",
    ],
)
def test_ordinary_values_pass(value):
    check_text(value, name="q")


@pytest.mark.parametrize("value", ["0999-12-31", "01.01.9000", str(-(2**63) - 1), "a\x00"])
def test_values_just_past_the_limits_are_refused(value):
    with pytest.raises(BadInput):
        check_text(value)


def test_a_year_parameter_outside_the_calendar_is_refused_but_not_a_count():
    with pytest.raises(BadInput):
        check_text("9999", name="year")
    check_text("9999", name="count")


def test_depth_counts_brackets_outside_strings_only():
    assert not json_depth_exceeds('{"a": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}')
    assert json_depth_exceeds("[" * 33 + "]" * 33)
    assert not json_depth_exceeds("[" * 32 + "]" * 32)
