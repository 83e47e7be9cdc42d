"""The team lead's letter settings (/brev/innstillinger/): who may see and change them, the
version check, bad input; and the letter page showing an electronic message's receipt."""

import pytest
from django.urls import reverse
from django.utils import timezone

from referrals.letters.messaging import messaging_for
from referrals.models import LetterMessage, LetterStatus, MessageStatus, TeamMessaging
from tests.personas import Page, cases, expect
from tests.referrals.factories import LetterFactory, TeamMessagingFactory, reachable_gp

pytestmark = pytest.mark.django_db

URL = reverse("referrals:letter_settings")
NOT_LEADS = "clerical therapist colleague psychologist admin outsider"


def _form(p, **changes) -> dict:
    return (
        {"her_id": "8100042", "transport": "file_drop", "receipt_wait_hours": "12"}
        | {"version": str(messaging_for(p.team).version)}
        | changes
    )


PAGES = [
    Page("letter settings", lambda p: URL, expect("team_lead", denied=NOT_LEADS)),
    Page(
        "letter settings saved",
        lambda p: URL,
        expect("team_lead", 302, denied=NOT_LEADS),
        method="post",
        data=_form,
    ),
]


@pytest.mark.parametrize(("page", "persona", "status"), cases(PAGES))
def test_each_persona_gets_what_the_page_table_says(personas, login, page, persona, status):
    http = login(getattr(personas, persona))

    response = getattr(http, page.method)(page.url(personas), page.data(personas))

    assert response.status_code == status
    if status == 403:
        assert not TeamMessaging.objects.exists()


def test_the_lead_switches_the_team_to_electronic_messages(personas, login):
    http = login(personas.team_lead)

    response = http.post(URL, _form(personas), follow=True)

    assert "Brevinnstillingene er lagret." in response.content.decode()
    saved = TeamMessaging.objects.get(team=personas.team)
    assert (saved.her_id, saved.transport, saved.receipt_wait_hours) == ("8100042", "file_drop", 12)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"her_id": "0123"}, "En HER-id er et tall på 1 til 9 sifre"),
        ({"her_id": "12ab"}, "En HER-id er et tall på 1 til 9 sifre"),
        ({"her_id": ""}, "Oppgi teamets HER-id for å sende brev som elektroniske meldinger."),
        ({"receipt_wait_hours": "0"}, "1"),
        ({"transport": "pigeon"}, "Velg et gyldig valg"),
    ],
)
def test_bad_settings_are_refused_with_a_norwegian_message(personas, login, changes, message):
    http = login(personas.team_lead)

    response = http.post(URL, _form(personas, **changes))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not TeamMessaging.objects.exists()


def test_a_stale_save_is_refused(personas, login):
    TeamMessagingFactory(team=personas.team, her_id="8100001", version=3)
    http = login(personas.team_lead)

    response = http.post(URL, _form(personas, version="2"))

    assert "Noen andre endret disse innstillingene i mellomtiden." in response.content.decode()
    assert TeamMessaging.objects.get(team=personas.team).her_id == "8100001"


def test_the_letter_page_shows_a_rejected_messages_code_and_text_and_offers_the_post(
    personas, login
):
    personas.client.gp = reachable_gp()
    personas.client.save()
    letter = LetterFactory(
        client=personas.client,
        drafted_by=personas.therapist,
        status=LetterStatus.APPROVED,
        approved_by=personas.therapist,
        approved_at=timezone.now(),
    )
    LetterMessage.objects.create(
        letter=letter,
        msg_id="7d0c3a36-1f7e-4c1e-b8a5-0e2f9d5c4b10",
        receiver_her_id=personas.client.gp.her_id,
        status=MessageStatus.REJECTED,
        receipt_status="2",
        receipt_errors=[{"code": "E10", "text": "Ugyldig <pasient>"}],
    )
    http = login(personas.clerical)

    page = http.get(reverse("referrals:letter_detail", args=[letter.pk])).content.decode()

    assert "Avvist av mottakeren" in page
    assert "Kode E10: Ugyldig &lt;pasient&gt;" in page
    assert "Send per post i stedet" in page
