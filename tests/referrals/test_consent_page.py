"""The consent page and the client page's section: what the staff see and record."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from intake.consents.services import consent_record
from intake.models import Consent, Party
from referrals.collaboration.services import collaboration_record
from referrals.consents.section import consent_section
from referrals.models import WorkAction
from rph.accounts.access import Access, Basis
from rph.audit.services import break_glass_open


def _url(p) -> str:
    return reverse("referrals:consents", args=[p.client.pk])


def _record(p, party, given, recipient="", minutes_ago=0):
    return consent_record(
        client=p.client,
        by=p.therapist,
        party=party,
        given=given,
        recipient=recipient,
        recorded_at=timezone.now() - timedelta(minutes=minutes_ago),
    )


def test_the_care_team_records_a_consent_and_sees_it_in_force(personas, login):
    http = login(personas.therapist)

    response = http.post(
        _url(personas),
        {"party": Party.NAV, "recipient": "Kari Lund", "given": "yes", "note": "Muntlig"},
        follow=True,
    )

    page = response.content.decode()
    assert "Samtykkeregisteret er oppdatert." in page
    assert "Kari Lund" in page and "Gitt" in page
    consent = Consent.objects.get()
    assert (consent.recorded_by, consent.party, consent.given) == (personas.therapist, "nav", True)


def test_withdrawing_adds_a_line_and_the_history_shows_both(personas, login):
    _record(personas, Party.NAV, True, "Kari Lund", minutes_ago=5)
    http = login(personas.therapist)

    http.post(_url(personas), {"party": Party.NAV, "recipient": "Kari Lund", "given": "no"})
    response = http.get(_url(personas))

    assert Consent.objects.count() == 2
    history = response.context["history"]
    assert [line.given for line in history] == [False, True]
    assert "Trukket tilbake" in response.content.decode()


def test_a_bad_line_shows_the_reason_and_saves_nothing(personas, login):
    response = login(personas.therapist).post(
        _url(personas), {"party": Party.OTHER, "recipient": "", "given": "yes"}
    )

    assert response.status_code == 200
    assert "Skriv hvem opplysningene kan deles med." in response.content.decode()
    assert not Consent.objects.exists()


def test_the_objection_is_highlighted_on_the_page_and_on_the_client_page(personas, login):
    _record(personas, Party.GP, False)
    http = login(personas.therapist)

    register = http.get(_url(personas)).content.decode()
    client_page = http.get(reverse("intake:client_detail", args=[personas.client.pk]))

    assert 'data-testid="objection"' in register
    assert "Motsetter seg epikrise" in register
    section = client_page.content.decode()
    assert "Klienten motsetter seg at epikrisen sendes til fastlegen." in section


def test_clerical_staff_see_the_gp_line_only_and_no_form(personas, login):
    _record(personas, Party.GP, False)
    _record(personas, Party.NAV, True, "Kari Lund")

    response = login(personas.clerical).get(_url(personas))

    page = response.content.decode()
    assert "Motsetter seg epikrise" in page
    assert "Kari Lund" not in page
    assert 'data-testid="consent-form"' not in page


def test_the_team_lead_sees_the_whole_register_but_cannot_change_it(personas, login):
    _record(personas, Party.NAV, True, "Kari Lund")

    page = login(personas.team_lead).get(_url(personas)).content.decode()

    assert "Kari Lund" in page
    assert 'data-testid="consent-form"' not in page


def test_a_colleague_with_emergency_access_sees_it_all_with_the_banner(personas, login):
    _record(personas, Party.NAV, True, "Kari Lund")
    break_glass_open(
        user=personas.colleague, team=personas.team, subject=personas.client, reason="x" * 30
    )

    page = login(personas.colleague).get(_url(personas)).content.decode()

    assert "Kari Lund" in page
    assert "nødtilgang" in page


def test_the_client_page_section_shows_consents_meetings_and_acute_contacts(personas, login):
    _record(personas, Party.NAV, True)
    collaboration_record(
        client=personas.client,
        by=personas.therapist,
        party=Party.NAV,
        held_on=timezone.localdate(),
        participants="Klienten og NAV",
        agreed="Plan for tilbakeføring.",
        work_actions=[WorkAction.RETURN_TO_WORK_PLAN],
    )

    page = login(personas.therapist).get(reverse("intake:client_detail", args=[personas.client.pk]))

    section = page.content.decode()
    assert 'data-testid="consent-section"' in section
    assert "Plan for tilbakeføring til arbeid" in section
    assert reverse("referrals:acute_contact", args=[personas.client.pk]) in section


def test_clerical_staff_get_no_section_on_the_client_page(personas, login):
    _record(personas, Party.NAV, True)

    page = login(personas.clerical).get(reverse("intake:client_detail", args=[personas.client.pk]))

    assert 'data-testid="consent-section"' not in page.content.decode()


def _history(p, n):
    for i in range(n):
        _record(p, Party.NAV, i % 2 == 0, f"Veileder {i}", minutes_ago=n - i)
        collaboration_record(
            client=p.client,
            by=p.therapist,
            party=Party.NAV,
            held_on=timezone.localdate(),
            participants="Klienten",
            agreed="Avtale",
            anonymous=True,
        )


def test_the_section_takes_the_same_queries_however_much_is_recorded(personas, rf):
    access = Access(basis=Basis.CARE_TEAM, clinical=True, can_break_glass=False)
    request = rf.get("/")
    request.user = personas.therapist
    _history(personas, 1)
    consent_section(request, personas.client, access)  # the menu's per-request caches filled
    with CaptureQueriesContext(connection) as few:
        consent_section(request, personas.client, access)
    _history(personas, 12)
    with CaptureQueriesContext(connection) as many:
        consent_section(request, personas.client, access)

    assert len(many) == len(few) <= 6
