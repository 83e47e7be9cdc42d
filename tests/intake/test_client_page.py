"""The client page: every contact for the staff, the assessments only for clinical eyes."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from intake.assessments.choices import Decision, ExclusionFactor, RiskLevel, Route, Step
from intake.models import Channel, Contact
from rph.audit.models import AccessEvent
from rph.audit.services import break_glass_open
from tests.intake.assessment_data import AssessmentFactory, AssessmentOfferFactory, completed
from tests.intake.factories import ContactAttemptFactory, ContactFactory

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
REASON = "Klienten ringte i krise, behandleren er syk."


def _url(personas) -> str:
    return reverse("intake:client_detail", args=[personas.client.pk])


@pytest.fixture
def history(personas):
    """An old contact, assessed and placed on step 2; a new one, open, with two tries."""
    old = ContactFactory(
        team=personas.team,
        client=personas.client,
        registered_at=NOW - timedelta(days=30),
        channel=Channel.GP_REFERRAL,
        offered_at=NOW - timedelta(days=29),
        status=Contact.Status.OFFERED,
    )
    AssessmentOfferFactory(contact=old, therapist=personas.therapist)
    completed(
        contact=old,
        therapist=personas.therapist,
        decision=Decision.IN_TARGET_GROUP,
        step=Step.COURSE,
        suicidal_thoughts=True,
        risk_level=RiskLevel.LOW,
        risk_actions="Kriseplan.",
        has_minor_children=True,
        exclusion_factors=[ExclusionFactor.SEVERE_SUBSTANCE],
    )
    new = ContactFactory(
        team=personas.team,
        client=personas.client,
        registered_at=NOW - timedelta(hours=40),
        channel=Channel.WEB_FORM,
    )
    ContactAttemptFactory.create_batch(2, contact=new, by=personas.clerical)
    return old, new


@time_machine.travel(NOW, tick=False)
def test_the_care_team_sees_contacts_and_assessments_newest_first(personas, login, history):
    old, new = history

    response = login(personas.therapist).get(_url(personas))

    page = response.content.decode()
    rows = [row.contact for row in response.context["contacts"]]
    assert rows == [new, old]
    assert page.index("Nettskjema") < page.index("Henvisning fra fastlege")
    assert "Forfaller snart" in page  # 8 hours left of 48
    assert "Tilbudt innen fristen" in page
    assert [row.contact.attempt_count for row in response.context["contacts"]] == [2, 0]
    assert page.count('data-testid="assessment-summary"') == 1
    assert "I målgruppen · Trinn 2: kurs eller gruppe" in page
    assert "Lav · positiv kartlegging" in page
    assert "Alvorlige rusproblemer" in page
    assert "Barn under 18 år" in page
    assert reverse("intake:assessment_detail", args=[old.pk]) in page
    assert reverse("intake:assessment_edit", args=[new.pk]) in page


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("persona", ["clerical", "colleague", "psychologist", "team_lead"])
def test_staff_without_clinical_access_see_the_contacts_but_no_assessment(
    personas, login, history, persona
):
    response = login(getattr(personas, persona)).get(_url(personas))

    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('data-testid="contact-row"') == 2
    assert "Nettskjema" in page
    assert 'data-testid="assessment-summary"' not in page
    assert "Trinn 2" not in page
    assert "Alvorlige rusproblemer" not in page
    assert "/kartlegging/" not in page
    assert all(row.assessment is None for row in response.context["contacts"])


@time_machine.travel(NOW, tick=False)
def test_after_breaking_the_glass_a_colleague_sees_the_assessment_but_cannot_start_one(
    personas, login, history
):
    old, new = history
    break_glass_open(user=personas.colleague, team=personas.team, subject=personas.client,
                     reason=REASON)  # fmt: skip

    page = login(personas.colleague).get(_url(personas)).content.decode()

    assert "Trinn 2: kurs eller gruppe" in page
    assert reverse("intake:assessment_detail", args=[old.pk]) in page
    assert reverse("intake:assessment_edit", args=[new.pk]) not in page


@time_machine.travel(NOW, tick=False)
def test_an_urgent_assessment_is_flagged_on_the_client_page(personas, login):
    contact = ContactFactory(team=personas.team, client=personas.client)
    AssessmentFactory(contact=contact, therapist=personas.therapist, risk_level=RiskLevel.HIGH)

    page = login(personas.therapist).get(_url(personas)).content.decode()

    assert "Høy risiko eller akutte behov: Ingen akutte tiltak er registrert ennå." in page


@time_machine.travel(NOW, tick=False)
def test_a_contact_closed_before_an_offer_shows_as_closed(personas, login):
    ContactFactory(
        team=personas.team,
        client=personas.client,
        registered_at=NOW - timedelta(days=10),
        status=Contact.Status.CLOSED,
        closed_at=NOW - timedelta(days=5),
    )

    response = login(personas.therapist).get(_url(personas))

    assert response.context["contacts"][0].clock is None
    assert "Avsluttet" in response.content.decode()


def test_a_client_without_contacts_says_so(personas, login):
    page = login(personas.clerical).get(_url(personas)).content.decode()

    assert "Ingen registrerte henvendelser." in page


def _queries(http, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert http.get(url).status_code == 200
    return len(queries)


def _assessed_contact(personas, *, route: bool) -> None:
    contact = ContactFactory(team=personas.team, client=personas.client)
    ContactAttemptFactory(contact=contact, by=personas.clerical)
    AssessmentOfferFactory(contact=contact, therapist=personas.therapist)
    decision = {"decision": Decision.OUTSIDE, "route": Route.NAV} if route else {}
    AssessmentFactory(contact=contact, therapist=personas.therapist, **decision)


@pytest.mark.parametrize("persona", ["therapist", "clerical"])
def test_the_page_takes_the_same_number_of_queries_however_many_contacts(personas, login, persona):
    http = login(getattr(personas, persona))
    url = _url(personas)
    _assessed_contact(personas, route=False)
    http.get(url)  # warm the session and the content-type cache
    one = _queries(http, url)

    for route in (True, False, True):
        _assessed_contact(personas, route=route)
    four = _queries(http, url)

    assert one == four


def test_each_view_of_the_page_writes_one_access_log_row(personas, login, history):
    http = login(personas.therapist)

    http.get(_url(personas))
    http.get(_url(personas))

    events = AccessEvent.objects.filter(user=personas.therapist, subject_id=personas.client.pk)
    assert events.count() == 2
