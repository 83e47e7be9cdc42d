"""The letter pages as people use them: write, edit in two tabs, approve, print, post, and
send despite an objection only with a reason the team lead sees."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from referrals.models import AcuteContact, Letter, LetterKind, LetterStatus
from tests.referrals.factories import AcuteContactFactory, GeneralPractitionerFactory, LetterFactory
from tests.referrals.letter_data import client_objects, known_episode

pytestmark = pytest.mark.django_db

REASON = "Klienten har konkrete selvmordsplaner; fastlegen må følge opp medisineringen i dag."


def _with_gp(p):
    p.client.gp = GeneralPractitionerFactory(name="Dr. Per Lege")
    p.client.save()
    return p.client


def _approved(p, **fields) -> Letter:
    _with_gp(p)
    return LetterFactory(
        client=p.client,
        drafted_by=p.therapist,
        status=LetterStatus.APPROVED,
        approved_by=p.therapist,
        approved_at=timezone.now(),
        pdf=b"%PDF-1.7",
        **fields,
    )


def _today() -> str:
    return timezone.localdate().strftime("%d.%m.%Y")


def test_the_epikrise_is_written_from_the_episode_page(personas, login):
    record = known_episode(personas)
    http = login(personas.therapist)

    episode_page = http.get(reverse("treatment:episode_detail", args=[record.episode.pk]))
    link = re.search(r'href="([^"]+)"[^>]*data-testid="write-epikrise"', episode_page.text)
    form = http.get(link.group(1).replace("&amp;", "&"))
    created = http.post(
        link.group(1).replace("&amp;", "&"),
        {"kind": LetterKind.EPIKRISE_END, "episode": record.episode.pk},
    )

    assert form.status_code == 200
    letter = Letter.objects.get()
    assert created["Location"] == reverse("referrals:letter_edit", args=[letter.pk])
    assert letter.kind == LetterKind.EPIKRISE_END and letter.episode == record.episode
    detail = http.get(reverse("referrals:letter_detail", args=[letter.pk])).text
    assert "PHQ-9 gikk fra 16 til 6, GAD-7 fra 12 til 4." in detail
    assert 'data-testid="letter-chart"' in detail
    client_page = http.get(reverse("intake:client_detail", args=[personas.client.pk])).text
    assert reverse("referrals:letter_detail", args=[letter.pk]) in client_page


def test_the_end_work_status_is_filled_in_on_the_edit_page(personas, login):
    record = known_episode(personas)
    http = login(personas.therapist)
    http.post(
        reverse("referrals:letter_create", args=[personas.client.pk]),
        {"kind": LetterKind.EPIKRISE_END, "episode": record.episode.pk},
    )
    letter = Letter.objects.get()
    form = http.get(reverse("referrals:letter_edit", args=[letter.pk])).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}

    http.post(
        reverse("referrals:letter_edit", args=[letter.pk]),
        data | {"work_statuses_end": ["in_work"], "sick_leave_percentage_end": "20"},
    )

    letter.refresh_from_db()
    assert letter.facts["work_status_end"] == {"statuses": ["in_work"], "sick_leave_percentage": 20}
    assert "I jobb; 20 % sykmeldt" in http.get(
        reverse("referrals:letter_detail", args=[letter.pk])
    ).text.replace("\n", " ")


def test_the_second_tab_gets_a_conflict_and_keeps_its_text(personas, login):
    _with_gp(personas)
    letter = LetterFactory(client=personas.client, drafted_by=personas.therapist, advice="Start.")
    url = reverse("referrals:letter_edit", args=[letter.pk])
    first, second = login(personas.therapist), login(personas.therapist)
    base = {"version": 0, "treatment_summary": "Fire timer."}

    saved = first.post(url, base | {"advice": "Tekst fra første fane."})
    conflict = second.post(url, base | {"advice": "Tekst fra andre fane."})

    assert saved.status_code == 302
    assert conflict.status_code == 200
    page = conflict.text
    assert "Noen andre lagret dette brevet mens du arbeidet med det." in page
    assert "Tekst fra andre fane." in page  # the second tab's text is kept in the form
    assert "Tekst fra første fane." in page  # and the saved version is shown beside it
    assert Letter.objects.get(pk=letter.pk).advice == "Tekst fra første fane."
    assert conflict.context["form"]["version"].value() == "1"  # saving again is deliberate


def test_approving_from_the_letter_page(personas, login):
    _with_gp(personas)
    letter = LetterFactory(client=personas.client, drafted_by=personas.therapist)

    response = login(personas.therapist).post(
        reverse("referrals:letter_approve", args=[letter.pk]), {"version": 0}, follow=True
    )

    assert "Brevet er godkjent og klart til å sendes." in response.text
    letter.refresh_from_db()
    assert letter.status == LetterStatus.APPROVED and bytes(letter.pdf).startswith(b"%PDF")


def test_clerical_staff_see_approved_letters_to_print_and_no_drafts(personas, login):
    approved = _approved(personas)
    draft = LetterFactory(client=personas.client, drafted_by=personas.therapist)

    clerical = login(personas.clerical).get(reverse("referrals:letter_list"))
    therapist = login(personas.therapist).get(reverse("referrals:letter_list"))

    assert reverse("referrals:letter_pdf", args=[approved.pk]) in clerical.text
    assert reverse("referrals:letter_send", args=[approved.pk]) in clerical.text
    assert "Dr. Per Lege" in clerical.text
    assert reverse("referrals:letter_detail", args=[draft.pk]) not in clerical.text
    assert 'data-testid="letters-drafts"' not in clerical.text
    assert reverse("referrals:letter_detail", args=[draft.pk]) in therapist.text
    assert "Brev" in [str(item.label) for item in clerical.context["nav_items"]]


def test_clerical_staff_record_a_letter_as_posted(personas, login):
    letter = _approved(personas)

    response = login(personas.clerical).post(
        reverse("referrals:letter_send", args=[letter.pk]),
        {"sent_via": "post", "sent_on": _today()},
        follow=True,
    )

    assert "Brevet er registrert som sendt." in response.text
    letter.refresh_from_db()
    assert (letter.status, letter.sent_by) == (LetterStatus.SENT, personas.clerical)


def test_clerical_staff_cannot_send_a_letter_the_client_objects_to(personas, login):
    letter = _approved(personas)
    client_objects(personas)
    http = login(personas.clerical)

    page = http.get(reverse("referrals:letter_send", args=[letter.pk]))
    posted = http.post(
        reverse("referrals:letter_send", args=[letter.pk]),
        {"sent_via": "post", "sent_on": _today(), "override_reason": REASON},
    )

    assert "Ikke send den." in page.text
    assert "<form" not in page.text.split('data-testid="objection-warning"')[1].split("</main>")[0]
    assert posted.status_code == 200
    assert "Bare en behandler i behandlerteamet kan sende den" in posted.text
    assert Letter.objects.get(pk=letter.pk).status == LetterStatus.APPROVED


def test_sending_despite_the_objection_needs_a_reason_and_the_lead_sees_it(personas, login):
    letter = _approved(personas)
    client_objects(personas)
    http = login(personas.therapist)
    url = reverse("referrals:letter_send", args=[letter.pk])

    without = http.post(url, {"sent_via": "post", "sent_on": _today()})
    sent = http.post(url, {"sent_via": "post", "sent_on": _today(), "override_reason": REASON})

    assert without.status_code == 200
    assert "tungtveiende grunner" in without.text
    assert sent.status_code == 302
    lead = login(personas.team_lead)
    notices = lead.get(reverse("notifications:list")).text
    assert "Et brev ble sendt tross klientens reservasjon mot epikrise" in notices
    listed = lead.get(reverse("referrals:letter_list") + "?filter=despite_objection").text
    assert REASON in listed
    assert personas.therapist.get_full_name() in listed
    assert (
        REASON
        not in login(personas.clerical)
        .get(reverse("referrals:letter_list") + "?filter=despite_objection")
        .text
    )  # only the lead gets the filtered list; others see the ordinary one


def test_an_acute_referral_without_an_acute_contact_points_to_recording_one(personas, login):
    _with_gp(personas)
    AcuteContactFactory(
        client=personas.client,
        contacted_by=personas.therapist,
        contacted_at=timezone.now() - datetime.timedelta(days=1),
    )
    http = login(personas.therapist)
    url = reverse("referrals:letter_create", args=[personas.client.pk])

    refused = http.post(url, {"kind": LetterKind.REFERRAL_REQUEST, "referral_to": "acute"})

    assert refused.status_code == 200
    assert "Akutte behov kommer først" in refused.text
    assert reverse("referrals:acute_contact", args=[personas.client.pk]) in refused.text
    assert not Letter.objects.exists()
    AcuteContact.objects.update(contacted_at=timezone.now())
    accepted = http.post(url, {"kind": LetterKind.REFERRAL_REQUEST, "referral_to": "acute"})
    assert accepted.status_code == 302


def test_the_pdf_download_of_a_draft_is_made_now_and_marked(personas, login):
    known_episode(personas)
    letter = LetterFactory(client=personas.client, drafted_by=personas.therapist)

    response = login(personas.therapist).get(reverse("referrals:letter_pdf", args=[letter.pk]))

    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response["Cache-Control"] == "no-store"
    assert f"{letter.kind}-{letter.pk}.pdf" in response["Content-Disposition"]


def test_the_letter_list_query_count_does_not_grow(personas, login, django_assert_num_queries):
    http = login(personas.therapist)
    _approved(personas)
    LetterFactory(client=personas.client, drafted_by=personas.therapist)
    http.get(reverse("referrals:letter_list"))  # warm the session and the caches

    with CaptureQueriesContext(connection) as queries:
        http.get(reverse("referrals:letter_list"))
    few = len(queries)
    for _ in range(5):
        _approved(personas)
        LetterFactory(client=personas.client, drafted_by=personas.therapist)

    with django_assert_num_queries(few):
        http.get(reverse("referrals:letter_list"))


def test_the_gp_added_to_the_client_later_is_offered_on_the_draft(personas, login):
    letter = LetterFactory(client=personas.client, drafted_by=personas.therapist, advice="Behold.")
    gp = _with_gp(personas).gp
    http = login(personas.therapist)

    detail = http.get(reverse("referrals:letter_detail", args=[letter.pk])).text
    form = http.get(reverse("referrals:letter_edit", args=[letter.pk]))
    saved = http.post(
        reverse("referrals:letter_edit", args=[letter.pk]),
        {"version": 0, "gp": gp.pk, "advice": "Behold."},
    )

    assert "klientens fastlege er nå Dr. Per Lege" in detail
    assert form.context["form"]["gp"].value() == gp.pk
    assert saved.status_code == 302
    assert Letter.objects.get(pk=letter.pk).gp == gp


def test_a_draft_is_discarded_from_the_letter_page(personas, login):
    letter = LetterFactory(client=personas.client, drafted_by=personas.therapist)

    response = login(personas.therapist).post(
        reverse("referrals:letter_discard", args=[letter.pk]), {"version": 0}, follow=True
    )

    assert "Utkastet er forkastet." in response.text
    assert response.redirect_chain[-1][0] == personas.client.get_absolute_url()
    assert not Letter.objects.filter(pk=letter.pk).exists()
