"""Staff pages for a client's questionnaires: the responses, paper entry, corrections and
handing a tablet over in the clinic. Clinical content: the care team only."""

import datetime
import re
from collections.abc import Callable

import pytest
from django.conf import settings
from django.urls import reverse

from questionnaires.models import Capture, Invitation, Response, RiskAlert
from questionnaires.responses import response_submit
from rph.audit.models import AccessEvent
from rph.audit.services import break_glass_open
from tests.intake.factories import ClientFactory
from tests.personas import NOT_CARE_TEAM, Page, cases, expect
from tests.questionnaires.response_data import (
    GAD7,
    PHQ9,
    PHQ9_RISK,
    answers_post,
    item_fields,
    shipped,
)

REASON = "Klienten ringte i krise, behandleren er syk."
TODAY = datetime.datetime.fromisoformat("2026-03-04T10:00:00+01:00")


def a_response(client, answers=PHQ9, code="phq9") -> Response:
    return response_submit(
        client=client, instrument=shipped(code), answers=answers, capture=Capture.LINK
    )


def _url(name: str) -> Callable:
    return lambda p: reverse(name, args=[p.client.pk])


def _response_url(name: str) -> Callable:
    return lambda p: reverse(name, args=[p.client.pk, a_response(p.client).pk])


def _paper(p) -> dict:
    return {"answered_on": "02.03.2026", **item_fields("phq9", PHQ9)}


def _paper_url(p) -> str:
    return reverse("questionnaires:paper_entry", args=[p.client.pk]) + (
        f"?instrument={shipped('phq9').pk}"
    )


PAGES = [
    Page(
        "responses",
        _url("questionnaires:response_list"),
        expect("therapist", denied=NOT_CARE_TEAM, missing="outsider"),
        logs_a_view=True,
    ),
    Page(
        "response",
        _response_url("questionnaires:response_detail"),
        expect("therapist", denied=NOT_CARE_TEAM, missing="outsider"),
        logs_a_view=True,
    ),
    Page(
        "paper entry",
        _paper_url,
        expect("therapist", denied=NOT_CARE_TEAM, missing="outsider"),
        logs_a_view=True,
    ),
    Page(
        "paper entry saved",
        _paper_url,
        expect("therapist", 302, denied=NOT_CARE_TEAM, missing="outsider"),
        method="post",
        data=_paper,
        logs_a_view=True,
    ),
    Page(
        "correction",
        _response_url("questionnaires:response_correct"),
        expect("therapist", denied=NOT_CARE_TEAM, missing="outsider"),
        logs_a_view=True,
    ),
    Page(
        "correction saved",
        _response_url("questionnaires:response_correct"),
        expect("therapist", 302, denied=NOT_CARE_TEAM, missing="outsider"),
        method="post",
        data=lambda p: {"reason": "Feil ved inntasting", **item_fields("phq9", PHQ9)},
        logs_a_view=True,
    ),
    Page(
        "tablet",
        _url("questionnaires:kiosk_start"),
        expect("therapist", denied=NOT_CARE_TEAM, missing="outsider"),
        logs_a_view=True,
    ),
    Page(
        "tablet handed over",
        _url("questionnaires:kiosk_start"),
        expect("therapist", 302, denied=NOT_CARE_TEAM, missing="outsider"),
        method="post",
        data=lambda p: {"instruments": ["phq9", "gad7"]},
        logs_a_view=True,
    ),
]


@pytest.mark.parametrize(("page", "persona", "status"), cases(PAGES))
def test_each_persona_gets_what_the_table_says(personas, login, page, persona, status):
    url = page.url(personas)
    http = login(getattr(personas, persona))
    before = AccessEvent.objects.count(), Response.objects.count(), Invitation.objects.count()

    response = getattr(http, page.method)(url, page.data(personas))

    assert response.status_code == status
    allowed = status in (200, 302)
    logged = 1 if allowed and page.logs_a_view else 0
    assert AccessEvent.objects.count() - before[0] == logged
    if not allowed:
        assert (Response.objects.count(), Invitation.objects.count()) == before[1:]


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.label)
def test_anonymous_visitors_are_sent_to_the_login_page(personas, client, page):
    url = page.url(personas)

    response = getattr(client, page.method)(url, page.data(personas))

    assert response.status_code == 302
    assert response["Location"].startswith(f"{reverse(settings.LOGIN_URL)}?next=")


def test_with_emergency_access_a_colleague_reads_but_does_not_write(personas, login):
    break_glass_open(
        user=personas.colleague, team=personas.team, subject=personas.client, reason=REASON
    )
    http = login(personas.colleague)
    response = a_response(personas.client)

    listing = http.get(reverse("questionnaires:response_list", args=[personas.client.pk]))
    paper = http.get(_paper_url(personas))
    correct = http.get(
        reverse("questionnaires:response_correct", args=[personas.client.pk, response.pk])
    )

    assert listing.status_code == 200 and "nødtilgang" in listing.content.decode()
    assert paper.status_code == correct.status_code == 403


def test_a_response_of_another_client_is_not_found_under_this_client(personas, login):
    other = a_response(ClientFactory(team=personas.team, care_team=[personas.therapist]))

    url = reverse("questionnaires:response_detail", args=[personas.client.pk, other.pk])

    assert login(personas.therapist).get(url).status_code == 404


# The response list and a response --------------------------------------------------------


def test_the_list_shows_each_response_with_its_total_band_and_flags(personas, login):
    a_response(personas.client)
    a_response(personas.client, answers=GAD7, code="gad7")
    a_response(personas.client, answers=PHQ9_RISK)

    page = login(personas.therapist).get(
        reverse("questionnaires:response_list", args=[personas.client.pk])
    )

    content = page.content.decode()
    assert content.count('data-testid="response-row"') == 3
    assert "Milde symptomer" in content and "Risikosvar" in content
    assert content.count('data-testid="flag"') == 1


def test_a_response_page_shows_every_answer_item_10_unscored(personas, login):
    response = a_response(personas.client)

    page = login(personas.therapist).get(
        reverse("questionnaires:response_detail", args=[personas.client.pk, response.pk])
    )

    content = re.sub(r"\s+", " ", page.content.decode())
    assert content.count("<tr>") == 11  # the header and ten items
    assert "skåres ikke" in content
    assert "2 – Mer enn halvparten av dagene" in content
    assert "Av klienten, via lenke" in content


def test_the_list_query_count_does_not_grow_with_the_responses(
    personas, login, django_assert_max_num_queries
):
    for _ in range(5):
        a_response(personas.client)
    http = login(personas.therapist)
    url = reverse("questionnaires:response_list", args=[personas.client.pk])
    http.get(url)  # warm the session and the content types

    with django_assert_max_num_queries(20) as few:
        http.get(url)
    for _ in range(10):
        a_response(personas.client)
    with django_assert_max_num_queries(len(few.captured_queries)):
        http.get(url)


# Paper entry ------------------------------------------------------------------------------


def test_a_paper_form_is_entered_with_who_and_the_date_on_it(personas, login, time_machine):
    time_machine.move_to(TODAY, tick=False)
    http = login(personas.therapist)

    response = http.post(_paper_url(personas), _paper(personas), follow=True)

    saved = Response.objects.get()
    assert saved.capture == Capture.PAPER and saved.entered_by == personas.therapist
    assert saved.answered_at == datetime.datetime.fromisoformat("2026-03-02T12:00:00+01:00")
    assert saved.answers == PHQ9 and saved.total == 8
    assert "Svaret er lagret." in response.content.decode()


def test_paper_entry_starts_by_choosing_the_instrument(personas, login):
    page = login(personas.therapist).get(
        reverse("questionnaires:paper_entry", args=[personas.client.pk])
    )

    assert page.status_code == 200
    assert "PHQ-9" in page.content.decode() and "GAD-7" in page.content.decode()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"q1": "9"}, "Velg et gyldig valg"),
        ({"q1": "x" * 1_000_000}, "Velg et gyldig valg"),
        ({"answered_on": "31.02.2026"}, "Oppgi en gyldig dato."),
        ({"answered_on": "05.03.2026"}, "Datoen kan ikke være fram i tid."),
        ({"answered_on": ""}, "Dette feltet er påkrevd."),
    ],
)
def test_bad_paper_input_gets_a_message_and_saves_nothing(
    personas, login, time_machine, change, message
):
    time_machine.move_to(TODAY, tick=False)

    page = login(personas.therapist).post(_paper_url(personas), _paper(personas) | change)

    assert page.status_code == 200
    assert "Ingenting ble lagret." in page.content.decode()
    assert message in page.content.decode()
    assert not Response.objects.exists()


def test_a_risk_answer_entered_from_paper_raises_an_alert(personas, login):
    data = {"answered_on": "02.03.2026", **item_fields("phq9", PHQ9_RISK)}

    login(personas.therapist).post(_paper_url(personas), data)

    assert RiskAlert.objects.get().flag == "self_harm"


# Corrections ------------------------------------------------------------------------------


def test_a_correction_is_a_new_response_that_replaces_the_old(personas, login):
    original = a_response(personas.client)
    url = reverse("questionnaires:response_correct", args=[personas.client.pk, original.pk])
    http = login(personas.therapist)
    form = http.get(url).content.decode()
    assert 'value="2" class="form-check-input" id="id_q2_2" checked' in form  # pre-filled

    response = http.post(
        url, {"reason": "Klienten krysset feil på 1", **item_fields("phq9", [3, *PHQ9[1:]])}
    )

    correction = Response.objects.get(supersedes=original)
    assert response["Location"] == reverse(
        "questionnaires:response_detail", args=[personas.client.pk, correction.pk]
    )
    assert correction.total == 10 and correction.entered_by == personas.therapist
    page = http.get(response["Location"]).content.decode()
    assert "Klienten krysset feil på 1" in page
    old = http.get(
        reverse("questionnaires:response_detail", args=[personas.client.pk, original.pk])
    )
    assert "Rettet" in old.content.decode() and "Rett svaret" not in old.content.decode()


def test_a_correction_without_a_reason_saves_nothing(personas, login):
    original = a_response(personas.client)
    url = reverse("questionnaires:response_correct", args=[personas.client.pk, original.pk])

    page = login(personas.therapist).post(url, {"reason": " ", **item_fields("phq9", PHQ9)})

    assert page.status_code == 200 and "Dette feltet er påkrevd." in page.content.decode()
    assert Response.objects.count() == 1


def test_a_response_already_corrected_cannot_be_corrected_again(personas, login):
    original = a_response(personas.client)
    url = reverse("questionnaires:response_correct", args=[personas.client.pk, original.pk])
    http = login(personas.therapist)
    http.post(url, {"reason": "Første retting", **item_fields("phq9", PHQ9)})

    page = http.post(url, {"reason": "Andre retting", **item_fields("phq9", PHQ9)})

    assert "allerede rettet" in page.content.decode()
    assert Response.objects.count() == 2


# Kiosk mode -------------------------------------------------------------------------------


def test_handing_over_the_tablet_signs_staff_out_and_opens_the_questionnaire(personas, login):
    http = login(personas.therapist)
    url = reverse("questionnaires:kiosk_start", args=[personas.client.pk])
    assert 'value="phq9"' in http.get(url).content.decode()

    handed = http.post(url, {"instruments": ["gad7", "phq9"]})

    invitation = Invitation.objects.get()
    assert (
        invitation.instrument_codes == ["phq9", "gad7"]
        and invitation.created_by == personas.therapist
    )
    page = http.get(handed["Location"])
    assert page.status_code == 200 and 'data-testid="kiosk"' in page.content.decode()
    staff_page = http.get(reverse("questionnaires:response_list", args=[personas.client.pk]))
    assert staff_page.status_code == 302, "nobody is signed in on the tablet any more"


def test_answers_on_the_tablet_are_kiosk_answers_and_end_without_results(personas, login):
    http = login(personas.therapist)
    handed = http.post(
        reverse("questionnaires:kiosk_start", args=[personas.client.pk]), {"instruments": ["phq9"]}
    )

    done = http.post(handed["Location"], answers_post("phq9", PHQ9_RISK), follow=True)

    assert Response.objects.get().capture == Capture.KIOSK
    page = done.content.decode()
    assert "Gi nettbrettet tilbake til behandleren din." in page
    assert "tel:113" not in page and "PHQ-9" not in page and "Risiko" not in page
    again = http.get(reverse("questionnaires:link_done"))
    assert "nettbrettet" in again.content.decode()


def test_a_link_opened_on_a_phone_is_never_kiosk_mode(personas, login, client):
    http = login(personas.therapist)
    handed = http.post(
        reverse("questionnaires:kiosk_start", args=[personas.client.pk]), {"instruments": ["gad7"]}
    )

    client.post(handed["Location"], answers_post("gad7", GAD7))

    assert Response.objects.get().capture == Capture.LINK


def test_the_tablet_needs_at_least_one_questionnaire(personas, login):
    page = login(personas.therapist).post(
        reverse("questionnaires:kiosk_start", args=[personas.client.pk]), {"instruments": []}
    )

    assert page.status_code == 200 and "Dette feltet er påkrevd." in page.content.decode()
    assert not Invitation.objects.exists()
