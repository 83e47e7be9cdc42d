"""The report and export pages: who gets in, and what the team lead sees and enters."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse

from reporting.models import ExportLog, Staffing
from rph.accounts.navigation import items_for
from rph.accounts.roles import Role
from tests.personas import Page, cases, expect
from tests.reporting.export_data import YEAR, build_year

NOT_REPORTERS = "clerical therapist colleague psychologist outsider"


def _staffing_form(p) -> dict:
    return {
        "year": 2025,
        "municipality": "",
        "full_time_equivalents": "4.5",
        "staff_total": 6,
        "staff_in_cbt_training": 3,
        "note": "To behandlere i permisjon deler av året",
    }


PAGES = [
    Page(
        "exports",
        lambda p: reverse("reporting:exports"),
        expect("team_lead admin", denied=NOT_REPORTERS),
    ),
    Page(
        "grant report",
        lambda p: reverse("reporting:grant_report"),
        expect("team_lead admin", denied=NOT_REPORTERS),
    ),
    Page(
        "grant report pdf",
        lambda p: reverse("reporting:grant_report_pdf") + "?year=2025",
        expect("team_lead admin", denied=NOT_REPORTERS),
    ),
    Page(
        "grant report xlsx",
        lambda p: reverse("reporting:grant_report_xlsx") + "?year=2025",
        expect("team_lead admin", denied=NOT_REPORTERS),
    ),
    Page(
        "staffing",
        lambda p: reverse("reporting:staffing"),
        expect("team_lead admin", denied=NOT_REPORTERS),
    ),
    Page(
        "staffing saved",
        lambda p: reverse("reporting:staffing"),
        expect("team_lead admin", 302, denied=NOT_REPORTERS),
        method="post",
        data=_staffing_form,
    ),
    Page(
        "fhi dictionary",
        lambda p: reverse("reporting:fhi_dictionary"),
        expect("team_lead admin", denied=NOT_REPORTERS),
    ),
    Page(
        "fhi dictionary file",
        lambda p: reverse("reporting:fhi_dictionary_file"),
        expect("team_lead admin", denied=NOT_REPORTERS),
    ),
    Page(
        "fhi export, before reauthentication",
        lambda p: reverse("reporting:fhi_export"),
        # Allowed, but first sent to confirm the password: see test_fhi_export.py.
        expect("team_lead admin", 302, denied=NOT_REPORTERS),
    ),
    Page(
        "fhi export sent, before reauthentication",
        lambda p: reverse("reporting:fhi_export"),
        expect("team_lead admin", 302, denied=NOT_REPORTERS),
        method="post",
        data=lambda p: {"table": "episodes", "file_format": "csv"},
    ),
]


@pytest.mark.parametrize(("page", "persona", "status"), cases(PAGES))
def test_each_persona_gets_what_the_table_says(personas, login, page, persona, status):
    http = login(getattr(personas, persona))

    response = getattr(http, page.method)(page.url(personas), page.data(personas))

    assert response.status_code == status


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.label)
def test_anonymous_visitors_are_sent_to_the_login_page(personas, client, page):
    url = page.url(personas)

    response = getattr(client, page.method)(url, page.data(personas))

    assert response.status_code == 302
    assert response["Location"].startswith(f"{reverse(settings.LOGIN_URL)}?next=")


@pytest.mark.parametrize(
    ("role", "shown"),
    [(Role.TEAM_LEAD, True), (Role.ADMIN, True), (Role.THERAPIST, False), (Role.CLERICAL, False)],
)
def test_reports_and_export_is_in_the_menu_of_leads_and_administrators(role, shown):
    assert ("reporting:exports" in [item.url_name for item in items_for(role)]) is shown


def test_the_grant_page_shows_last_years_figures_with_download_links(personas, login, time_machine):
    time_machine.move_to("2026-03-01 12:00 +01:00")
    build_year(personas)

    page = login(personas.team_lead).get(reverse("reporting:grant_report"))

    text = page.content.decode()
    assert page.context["report"].year == 2025
    assert "Versjon av skjemaet" in text
    assert "19,0" in text  # the median wait
    assert f"{reverse('reporting:grant_report_pdf')}?year=2025&amp;municipality=" in text


def test_a_municipality_the_team_does_not_serve_is_refused_on_the_page(personas, login):
    stranger = personas.other_team.municipalities.first()

    page = login(personas.team_lead).get(
        reverse("reporting:grant_report"), {"year": YEAR, "municipality": stranger.pk}
    )

    assert page.status_code == 200
    assert page.context["report"] is None
    assert "Velg et gyldig valg" in page.content.decode()


def test_a_year_not_begun_is_refused_with_a_message(personas, login):
    page = login(personas.team_lead).get(reverse("reporting:grant_report"), {"year": 2999})

    assert page.context["report"] is None
    assert "Året har ikke begynt ennå." in page.content.decode()


def test_a_download_with_bad_input_shows_the_page_and_logs_nothing(personas, login):
    page = login(personas.team_lead).get(reverse("reporting:grant_report_pdf"), {"year": "x"})

    assert page["Content-Type"].startswith("text/html")
    assert ExportLog.objects.count() == 0


def test_saving_staffing_twice_for_the_same_year_replaces_it(personas, login):
    http = login(personas.team_lead)
    url = reverse("reporting:staffing")

    http.post(url, _staffing_form(personas))
    page = http.post(url, _staffing_form(personas) | {"full_time_equivalents": "5.25"}, follow=True)

    staffing = Staffing.objects.get(team=personas.team)
    assert staffing.full_time_equivalents == Decimal("5.25")
    assert staffing.municipality is None and staffing.updated_by == personas.team_lead
    assert "Bemanningen er lagret." in page.content.decode()
    assert "5,25" in page.content.decode()


def test_more_staff_in_training_than_staff_is_refused(personas, login):
    form = _staffing_form(personas) | {"staff_in_cbt_training": 7}

    page = login(personas.team_lead).post(reverse("reporting:staffing"), form)

    assert page.status_code == 200
    assert "Flere ansatte i opplæring enn ansatte i alt." in page.content.decode()
    assert not Staffing.objects.exists()


def test_a_municipality_of_its_own_is_kept_apart_from_the_team(personas, login):
    m1 = personas.team.municipalities.order_by("pk").first()
    http = login(personas.team_lead)

    http.post(reverse("reporting:staffing"), _staffing_form(personas))
    http.post(reverse("reporting:staffing"), _staffing_form(personas) | {"municipality": m1.pk})

    assert Staffing.objects.filter(team=personas.team).count() == 2
    assert Staffing.objects.for_report(personas.team, 2025, m1).municipality == m1


def test_the_export_log_on_the_page_shows_who_exported_what(personas, login):
    http = login(personas.team_lead)
    http.get(reverse("reporting:grant_report_xlsx"), {"year": YEAR})

    page = http.get(reverse("reporting:exports"))

    text = page.content.decode()
    assert "Tilskuddsrapport (XLSX)" in text
    assert "(XLSX) (XLSX)" not in text
    assert str(personas.team_lead) in text
