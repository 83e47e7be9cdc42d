"""Every letter page and endpoint, every persona: a draft is clinical content for the care
team; an approved letter's metadata and PDF are for everyone working with clients, so
clerical staff print and post it; another team sees nothing. Each look is logged once."""

from collections.abc import Callable
from urllib.parse import quote

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from referrals.models import Letter, LetterKind, LetterStatus
from rph.audit.models import AccessEvent
from tests.intake.factories import ClientFactory
from tests.personas import CLIENT_STAFF, NOT_CARE_TEAM, Page, cases, expect
from tests.referrals.factories import GeneralPractitionerFactory, LetterFactory

NOT_CLIENT_STAFF = "admin"
FAKE_PDF = b"%PDF-1.7 frozen at approval"


def _draft(p) -> Letter:
    p.client.gp = GeneralPractitionerFactory()
    p.client.save()
    return LetterFactory(client=p.client, drafted_by=p.therapist)


def _approved(p) -> Letter:
    letter = _draft(p)
    Letter.objects.filter(pk=letter.pk).update(
        status=LetterStatus.APPROVED,
        approved_by=p.therapist,
        approved_at=timezone.now(),
        pdf=FAKE_PDF,
    )
    return letter


def _url(name: str, letter: Callable) -> Callable:
    return lambda p: reverse(name, args=[letter(p).pk])


def _client_url(name: str) -> Callable:
    return lambda p: reverse(name, args=[p.client.pk])


def _edit(p) -> dict:
    return {"version": 0, "treatment_summary": "Fire timer kognitiv terapi.", "advice": "Ingen."}


def _sent_by_post(p) -> dict:
    return {"sent_via": "post", "sent_on": timezone.localdate().strftime("%d.%m.%Y")}


PAGES = [
    Page(
        "letter list",
        lambda p: reverse("referrals:letter_list"),
        # The outsider sees their own team's (empty) list.
        expect(f"{CLIENT_STAFF} outsider", denied=NOT_CLIENT_STAFF),
    ),
    Page(
        "letter list despite objection",
        lambda p: reverse("referrals:letter_list") + "?filter=despite_objection",
        expect(f"{CLIENT_STAFF} outsider", denied=NOT_CLIENT_STAFF),
    ),
    Page(
        "write a letter",
        _client_url("referrals:letter_create"),
        expect("therapist", denied=NOT_CARE_TEAM, missing="outsider"),
        logs_a_view=True,
    ),
    Page(
        "write a letter posted",
        _client_url("referrals:letter_create"),
        expect("therapist", 302, denied=NOT_CARE_TEAM, missing="outsider"),
        method="post",
        data=lambda p: {"kind": LetterKind.REFERRAL_REQUEST, "referral_to": "dps"},
        logs_a_view=True,
    ),
    Page(
        "draft",
        _url("referrals:letter_detail", _draft),
        expect("therapist", denied=NOT_CARE_TEAM, missing="outsider"),
        logs_a_view=True,
    ),
    Page(
        "draft edit",
        _url("referrals:letter_edit", _draft),
        expect("therapist", denied=NOT_CARE_TEAM, missing="outsider"),
        logs_a_view=True,
    ),
    Page(
        "draft edit saved",
        _url("referrals:letter_edit", _draft),
        expect("therapist", 302, denied=NOT_CARE_TEAM, missing="outsider"),
        method="post",
        data=_edit,
        logs_a_view=True,
    ),
    Page(
        "draft pdf",
        _url("referrals:letter_pdf", _draft),
        expect("therapist", denied=NOT_CARE_TEAM, missing="outsider"),
        logs_a_view=True,
    ),
    Page(
        "draft approved",
        _url("referrals:letter_approve", _draft),
        expect("therapist", 302, denied=NOT_CARE_TEAM, missing="outsider"),
        method="post",
        data=lambda p: {"version": 0},
        logs_a_view=True,
    ),
    Page(
        "draft discarded",
        _url("referrals:letter_discard", _draft),
        expect("therapist", 302, denied=NOT_CARE_TEAM, missing="outsider"),
        method="post",
        data=lambda p: {"version": 0},
        logs_a_view=True,
    ),
    Page(
        "draft send page",
        _url("referrals:letter_send", _draft),
        # The care team is sent back to the letter: approve it first.
        expect("therapist", 302, denied=NOT_CARE_TEAM, missing="outsider"),
        logs_a_view=True,
    ),
    Page(
        "approved letter",
        _url("referrals:letter_detail", _approved),
        expect(CLIENT_STAFF, denied=NOT_CLIENT_STAFF, missing="outsider"),
        logs_a_view=True,
    ),
    Page(
        "approved pdf",
        _url("referrals:letter_pdf", _approved),
        expect(CLIENT_STAFF, denied=NOT_CLIENT_STAFF, missing="outsider"),
        logs_a_view=True,
    ),
    Page(
        "approved edit",
        _url("referrals:letter_edit", _approved),
        # The care team is sent back to the letter: an approved letter is not edited.
        expect("therapist", 302, denied=NOT_CARE_TEAM, missing="outsider"),
        logs_a_view=True,
    ),
    Page(
        "approved send page",
        _url("referrals:letter_send", _approved),
        expect(CLIENT_STAFF, denied=NOT_CLIENT_STAFF, missing="outsider"),
        logs_a_view=True,
    ),
    Page(
        "approved sent by post",
        _url("referrals:letter_send", _approved),
        expect(CLIENT_STAFF, 302, denied=NOT_CLIENT_STAFF, missing="outsider"),
        method="post",
        data=_sent_by_post,
        logs_a_view=True,
    ),
]


@pytest.mark.parametrize(("page", "persona", "status"), cases(PAGES))
def test_each_persona_gets_what_the_table_says(personas, login, page, persona, status):
    url = page.url(personas)
    http = login(getattr(personas, persona))
    before = AccessEvent.objects.count()

    response = getattr(http, page.method)(url, page.data(personas))

    assert response.status_code == status
    allowed = status in (200, 302)
    assert AccessEvent.objects.count() - before == (1 if allowed and page.logs_a_view else 0)


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.label)
def test_anonymous_visitors_are_sent_to_the_login_page(personas, client, page):
    url = page.url(personas)

    response = getattr(client, page.method)(url, page.data(personas))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse(settings.LOGIN_URL)}?next={quote(url)}"


def test_the_pdf_download_is_in_the_access_log(personas, login):
    letter = _approved(personas)

    response = login(personas.clerical).get(reverse("referrals:letter_pdf", args=[letter.pk]))

    assert response.content == FAKE_PDF
    assert response["Content-Type"] == "application/pdf"
    event = AccessEvent.objects.latest("pk")
    assert (event.user, event.subject_id) == (personas.clerical, personas.client.pk)
    assert event.action == "referrals:letter_pdf"


def test_clerical_staff_see_an_approved_letters_metadata_but_not_its_text(personas, login):
    letter = _approved(personas)
    Letter.objects.filter(pk=letter.pk).update(treatment_summary="Hemmelig klinisk tekst.")

    page = login(personas.clerical).get(reverse("referrals:letter_detail", args=[letter.pk]))
    clinician = login(personas.therapist).get(reverse("referrals:letter_detail", args=[letter.pk]))

    assert letter.gp.name in page.content.decode()
    assert "Hemmelig klinisk tekst." not in page.content.decode()
    assert "Hemmelig klinisk tekst." in clinician.content.decode()


# API ----------------------------------------------------------------------------------------


def _api(user) -> APIClient:
    api = APIClient()
    api.force_login(user)
    return api


ENDPOINTS = [
    Page(
        "api letters of a client",
        lambda p: reverse("api-letter-list") + f"?client={p.client.pk}",
        expect(CLIENT_STAFF, denied=NOT_CLIENT_STAFF, missing="outsider"),
        logs_a_view=True,
    ),
    Page(
        "api draft",
        _url("api-letter-detail", _draft),
        expect("therapist", denied=NOT_CARE_TEAM, missing="outsider"),
        logs_a_view=True,
    ),
    Page(
        "api draft pdf",
        _url("api-letter-pdf", _draft),
        expect("therapist", denied=NOT_CARE_TEAM, missing="outsider"),
        logs_a_view=True,
    ),
    Page(
        "api draft approved",
        _url("api-letter-approve", _draft),
        expect("therapist", denied=NOT_CARE_TEAM, missing="outsider"),
        method="post",
        data=lambda p: {"version": 0},
        logs_a_view=True,
    ),
    Page(
        "api draft sent",
        _url("api-letter-send", _draft),
        # The care team learns the draft must be approved first (400); nobody else learns more.
        expect("", denied=NOT_CARE_TEAM, missing="outsider", therapist=400),
        method="post",
        data=lambda p: {"via": "post", "sent_on": timezone.localdate().isoformat()},
        logs_a_view=True,
    ),
    Page(
        "api approved letter",
        _url("api-letter-detail", _approved),
        expect(CLIENT_STAFF, denied=NOT_CLIENT_STAFF, missing="outsider"),
        logs_a_view=True,
    ),
    Page(
        "api approved pdf",
        _url("api-letter-pdf", _approved),
        expect(CLIENT_STAFF, denied=NOT_CLIENT_STAFF, missing="outsider"),
        logs_a_view=True,
    ),
    Page(
        "api approved sent",
        _url("api-letter-send", _approved),
        expect(CLIENT_STAFF, denied=NOT_CLIENT_STAFF, missing="outsider"),
        method="post",
        data=lambda p: {"via": "post", "sent_on": timezone.localdate().isoformat()},
        logs_a_view=True,
    ),
]


@pytest.mark.parametrize(("page", "persona", "status"), cases(ENDPOINTS))
def test_each_persona_gets_what_the_api_table_says(personas, page, persona, status):
    url = page.url(personas)
    before = AccessEvent.objects.count()

    response = getattr(_api(getattr(personas, persona)), page.method)(
        url, page.data(personas), format="json"
    )

    assert response.status_code == status
    logged = 1 if status < 300 or status == 400 else 0
    assert AccessEvent.objects.count() - before == logged
    if logged:
        assert AccessEvent.objects.latest("pk").channel == AccessEvent.Channel.API


@pytest.mark.parametrize("page", ENDPOINTS, ids=lambda page: page.label)
def test_without_a_login_every_endpoint_answers_401(personas, page):
    response = getattr(APIClient(), page.method)(page.url(personas), page.data(personas))

    assert response.status_code == 401


def test_the_api_list_shows_drafts_only_to_the_care_team(personas):
    draft = _draft(personas)
    approved = LetterFactory(
        client=personas.client,
        drafted_by=personas.therapist,
        status=LetterStatus.APPROVED,
        approved_by=personas.therapist,
        approved_at=timezone.now(),
    )
    LetterFactory(client=ClientFactory(team=personas.other_team), drafted_by=personas.outsider)

    def ids(user, query=""):
        response = _api(user).get(reverse("api-letter-list") + query)
        return {row["id"] for row in response.json()["results"]}

    assert ids(personas.therapist) == {draft.pk, approved.pk}
    assert ids(personas.clerical) == {approved.pk}
    assert ids(personas.colleague) == {approved.pk}
    assert ids(personas.admin) == set()
    assert ids(personas.therapist, "?status=approved") == {approved.pk}
    assert _api(personas.therapist).get(reverse("api-letter-list") + "?status=x").status_code == 400
