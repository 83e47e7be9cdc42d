"""The dashboard costs the same number of queries for 10 clients as for 1,000."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from intake.models import Assessment, AssessmentOffer, Channel, Client, Contact, Referrer
from questionnaires.models import Capture, Instrument, Response
from referrals.models import Letter, LetterKind, LetterStatus
from reporting.dashboard.queries import dashboard_for
from reporting.filters import Filters
from tests.reporting.dashboard_fixture import NOW, OSLO, PERIOD
from tests.treatment.factories import CourseMeetingFactory, CourseRunFactory, CourseTypeFactory
from treatment.models import (
    Attendance,
    Enrolment,
    EnrolmentStatus,
    Episode,
    GuidedSelfHelp,
    MeetingAttendance,
    Offer,
    OfferStart,
    Programme,
    Session,
    SessionMode,
    SessionPurpose,
)

pytestmark = pytest.mark.django_db


def add_clients(personas, count: int, start: int = 0) -> None:
    """`count` clients, each with a contact, an assessment, an episode with sessions, a course
    meeting, guided self-help and scores; every other episode ended with an epikrise."""
    team, therapist = personas.team, personas.therapist
    municipality = team.municipalities.first()
    day = datetime.datetime(2026, 1, 5, 10, tzinfo=OSLO)
    clients = Client.objects.bulk_create(
        Client(
            team=team,
            first_name=f"Klient{i}",
            last_name="Masse",
            birth_date=datetime.date(1980 + i % 40, 1, 1),
            home_municipality=municipality,
        )
        for i in range(start, start + count)
    )
    contacts = Contact.objects.bulk_create(
        Contact(
            team=team,
            client=client,
            registered_at=day + datetime.timedelta(hours=i % 500),
            channel=Channel.PHONE,
            referrer=Referrer.SELF,
            deadline=day + datetime.timedelta(hours=i % 500 + 48),
            status=Contact.Status.OFFERED if i % 4 else Contact.Status.OPEN,
            offered_at=day + datetime.timedelta(hours=i % 500 + 20) if i % 4 else None,
        )
        for i, client in enumerate(clients)
    )
    offered = [c for c in contacts if c.offered_at]
    AssessmentOffer.objects.bulk_create(
        AssessmentOffer(
            contact=c,
            offered_at=c.offered_at,
            offered_by=therapist,
            scheduled_for=c.offered_at + datetime.timedelta(days=2),
            therapist=therapist,
            mode="phone",
        )
        for c in offered
    )
    assessments = Assessment.objects.bulk_create(
        Assessment(
            contact=c,
            therapist=therapist,
            held_at=c.offered_at + datetime.timedelta(days=2),
            mode="phone",
            sex="female",
            work_statuses=["in_work"],
        )
        for c in offered
    )
    episodes = Episode.objects.bulk_create(
        Episode(
            team=team,
            client_id=a.contact.client_id,
            assessment=a,
            primary_therapist=therapist,
            created_by=therapist,
            started_at=a.held_at,
            ended_at=a.held_at + datetime.timedelta(days=30) if i % 2 else None,
            end_reason="completed" if i % 2 else "",
        )
        for i, a in enumerate(assessments)
    )
    Offer.objects.bulk_create(
        Offer(
            episode=e,
            step=1 + i % 3,
            started_on=e.started_at.date(),
            start_reason=OfferStart.PLACEMENT,
            created_by=therapist,
        )
        for i, e in enumerate(episodes)
    )
    Session.objects.bulk_create(
        Session(
            team=team,
            episode=e,
            therapist=therapist,
            created_by=therapist,
            starts_at=e.started_at + datetime.timedelta(days=7 * week),
            purpose=SessionPurpose.TREATMENT if week < 3 else SessionPurpose.FOLLOW_UP,
            mode=SessionMode.PHONE,
            attendance=Attendance.ATTENDED if week != 2 else Attendance.DID_NOT_ATTEND,
        )
        for e in episodes
        for week in (1, 2, 3, 4)
    )
    GuidedSelfHelp.objects.bulk_create(
        GuidedSelfHelp(
            episode=e,
            programme=Programme.BOOK,
            material_given_on=e.started_at.date(),
            created_by=therapist,
        )
        for e in episodes[::3]
    )
    run = CourseRunFactory(
        course_type=CourseTypeFactory(team=team, name=f"KiD {start}"),
        created_by=therapist,
        capacity=12,
        leaders=[therapist],
    )
    meeting = CourseMeetingFactory(run=run, starts_at=day + datetime.timedelta(days=20))
    enrolments = Enrolment.objects.bulk_create(
        Enrolment(
            episode=e,
            course_type=run.course_type,
            run=run,
            status=EnrolmentStatus.ENROLLED,
            created_by=therapist,
        )
        for e in episodes[::5]
    )
    MeetingAttendance.objects.bulk_create(
        MeetingAttendance(
            meeting=meeting, episode=en.episode, enrolment=en, attended=True, recorded_by=therapist
        )
        for en in enrolments
    )
    instruments = {i.code: i for i in Instrument.objects.filter(team=None)}
    Response.objects.bulk_create(
        Response(
            team=team,
            client_id=e.client_id,
            instrument=instruments[code],
            instrument_code=code,
            instrument_version=instruments[code].version,
            answers=[],
            raw_sum=total,
            total=total,
            capture=Capture.PAPER,
            answered_at=when,
        )
        for e in episodes
        for when, totals in (
            (e.started_at, {"phq9": 15, "gad7": 12}),
            (e.started_at + datetime.timedelta(days=28), {"phq9": 6, "gad7": 5}),
        )
        for code, total in totals.items()
    )
    Letter.objects.bulk_create(
        Letter(
            team=team,
            client_id=e.client_id,
            episode=e,
            kind=LetterKind.EPIKRISE_END,
            status=LetterStatus.APPROVED,
            facts={"work_status_end": {"statuses": ["in_work"]}},
            drafted_by=therapist,
            approved_by=therapist,
            approved_at=e.ended_at,
        )
        for e in episodes
        if e.ended_at
    )


def _queries(run) -> int:
    with CaptureQueriesContext(connection) as captured:
        run()
    return len(captured.captured_queries)


def test_the_figures_take_the_same_queries_for_10_and_1000_clients(
    personas, django_assert_num_queries
):
    def figures():
        return dashboard_for(Filters(team=personas.team, period=PERIOD), now=NOW)

    add_clients(personas, 10)
    small = _queries(figures)
    board = figures()
    assert board.figure("intake.contacts").value == 10

    add_clients(personas, 990, start=10)
    with django_assert_num_queries(small):
        board = figures()

    assert board.figure("intake.contacts").value == 1000
    assert board.figure("outcomes.finished").value == Episode.objects.exclude(ended_at=None).count()


def test_the_pages_take_the_same_queries_for_10_and_1000_clients(
    personas, login, django_assert_num_queries
):
    http = login(personas.team_lead)
    query = "?fra=01.01.2026&til=28.02.2026"
    pages = [
        reverse("reporting:dashboard") + query,
        reverse("reporting:capacity") + query,
        reverse("reporting:drilldown", args=["reach.clients"]) + query,
        reverse("api-dashboard") + query,
    ]
    add_clients(personas, 10)
    for page in pages:  # warm the per-process caches (content types) first
        http.get(page)
    small = {page: _queries(lambda page=page: http.get(page)) for page in pages}

    add_clients(personas, 990, start=10)
    for page in pages:
        with django_assert_num_queries(small[page], info=page):
            response = http.get(page)
        assert response.status_code == 200
