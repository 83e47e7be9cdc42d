"""A fixed team for the dashboard tests: 13 clients with known dates, sessions and scores.

The period is January and February 2026 and "now" is Monday 2 March 2026, 12:00 (Oslo).
The team promises 72 hours. Municipality A and B; therapists T1 (`personas.therapist`),
T2 (`personas.colleague`) and P (`personas.psychologist`). Every expected number in
tests/reporting/test_dashboard_figures.py is worked out by hand from the table below.

client  mun  contact          channel/referrer     offered (h)  assessed  episode (therapist)
C1 Anna  A   05.01 09:00      phone/self           06.01 (24)   12.01     E1 T1 step 3, ended 20.02
C2 Bjørn A   10.01 12:00      gp_referral/gp       13.01 (60)   20.01     E2 T2 step 2 course, open
C3 Cecilie B 15.01 08:00      web_form/self        15.01 (12)   22.01     E3 T1 step 1, ended 25.02
C4 David A   20.01 10:00      phone/nav            24.01 (96)   03.02     E4 T2 step 3, ended 27.02
C5 Eva   B   01.02 09:00      drop_in/self         open, past the promise
C6 Finn  A   01.03 18:00      phone/self           open, 18 hours old (outside the period)
C7 Gro   B   03.02 10:00      phone/self           closed: unreachable
C8 Hans  A   10.02 10:00      other_referral/helsestasjon  closed: duplicate
C9 Ida   A   01.10.2025       phone/self           02.10        08.10.25  E9 T1 step 3, ended 30.01
C10 Jon  B   20.11.2025       phone/self           21.11        25.11.25  E10 T1 step 3, open
C11 Kari A   01.12.2025       phone/self           02.12        05.12.25  E11 P step 3, ended 10.02
C12 Lars B   10.12.2025       phone/self           11.12        15.12.25  E12 P step 3, ended 20.01
C13 Mona B   20.12.2025       phone/self           21.12        02.01.26  E13 T2 step 3, ended 30.01
"""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from intake.assessments.choices import Education, ImmigrantBackground, Sex, Step
from intake.models import Assessment, AssessmentOffer, Channel, Client, Contact, Referrer
from intake.queue.closing import CloseReason
from questionnaires.models import Capture, Instrument
from questionnaires.responses import response_submit
from referrals.models import Letter, LetterKind, LetterStatus
from reporting.filters import Filters, Period
from tests.intake.factories import ClientFactory, ContactFactory
from tests.treatment.factories import (
    CourseMeetingFactory,
    CourseRunFactory,
    CourseTypeFactory,
    EnrolmentFactory,
    EpisodeFactory,
    GuidedSelfHelpFactory,
    MeetingAttendanceFactory,
    OfferFactory,
    SessionFactory,
)
from treatment.models import Attendance, Episode, SessionPurpose

OSLO = ZoneInfo("Europe/Oslo")
NOW = datetime.datetime(2026, 3, 2, 12, 0, tzinfo=OSLO)
PERIOD = Period(datetime.date(2026, 1, 1), datetime.date(2026, 2, 28))


def at(day: str, hour: int = 10, minute: int = 0) -> datetime.datetime:
    """'05.01.2026' at `hour` Oslo time."""
    parsed = datetime.datetime.strptime(day, "%d.%m.%Y")  # noqa: DTZ007 - made aware below
    return parsed.replace(hour=hour, minute=minute, tzinfo=OSLO)


@dataclass
class Fixture:
    personas: object
    municipality_a: object
    municipality_b: object
    clients: dict[str, Client]
    episodes: dict[str, Episode]

    def filters(self, **kw: object) -> Filters:
        return Filters(team=self.personas.team, period=kw.pop("period", PERIOD), **kw)  # type: ignore[arg-type]

    def names(self, client_ids: object) -> set[str]:
        by_id = {c.pk: name for name, c in self.clients.items()}
        return {by_id[pk] for pk in client_ids}  # type: ignore[attr-defined]

    def episode_names(self, episode_ids: object) -> set[str]:
        by_id = {e.pk: name for name, e in self.episodes.items()}
        return {by_id[pk] for pk in episode_ids}  # type: ignore[attr-defined]


def _items(total: int, count: int) -> list[int]:
    """`count` item answers (0-3) summing to `total`, highest first."""
    answers = []
    for _ in range(count):
        answers.append(min(3, total))
        total -= answers[-1]
    assert total == 0
    return answers


def scores(client: Client, when: datetime.datetime, phq9: int, gad7: int, by: object) -> None:
    """PHQ-9 (item 9 always 0: no risk flag) and GAD-7 answered on paper at `when`."""
    for code, answers in (
        ("phq9", [*_items(phq9, 8), 0, 0]),
        ("gad7", _items(gad7, 7)),
    ):
        response_submit(
            client=client,
            instrument=Instrument.objects.get(code=code, team=None),
            answers=answers,
            capture=Capture.PAPER,
            entered_by=by,
            answered_at=when,
        )


def build(personas: object) -> Fixture:
    team = personas.team  # type: ignore[attr-defined]
    team.response_promise_hours = 72
    team.save()
    mun_a, mun_b = list(team.municipalities.order_by("pk"))
    t1, t2, psy = personas.therapist, personas.colleague, personas.psychologist  # type: ignore[attr-defined]
    clients: dict[str, Client] = {}
    episodes: dict[str, Episode] = {}

    def person(name: str, mun: object, born: str | None, **kw: object) -> Client:
        clients[name] = ClientFactory(
            team=team,
            first_name=name,
            last_name="Testesen",
            home_municipality=mun,
            birth_date=datetime.datetime.strptime(born, "%d.%m.%Y").date() if born else None,  # noqa: DTZ007
            **kw,
        )
        return clients[name]

    def contact(client: Client, registered: datetime.datetime, **kw: object) -> Contact:
        return ContactFactory(team=team, client=client, registered_at=registered, **kw)

    def offered(contact_: Contact, when: datetime.datetime, therapist: object) -> None:
        Contact.objects.filter(pk=contact_.pk).update(
            status=Contact.Status.OFFERED, offered_at=when
        )
        AssessmentOffer.objects.create(
            contact=contact_,
            offered_at=when,
            offered_by=therapist,
            scheduled_for=when + datetime.timedelta(days=3),
            therapist=therapist,
            mode="phone",
        )

    def assessed(contact_: Contact, when: datetime.datetime, therapist: object, **kw) -> Assessment:
        return Assessment.objects.create(
            contact=contact_, therapist=therapist, held_at=when, mode="phone", **kw
        )

    def episode(
        name: str,
        assessment: Assessment,
        therapist: object,
        step: int,
        ended: datetime.datetime | None = None,
        reason: str = "completed",
    ) -> Episode:
        ep = EpisodeFactory(
            team=team,
            client=assessment.contact.client,
            primary_therapist=therapist,
            assessment=assessment,
            started_at=assessment.held_at,
            ended_at=ended,
            end_reason=reason if ended else "",
        )
        OfferFactory(episode=ep, step=step, started_on=assessment.held_at.date())
        episodes[name] = ep
        return ep

    def session(ep: Episode, day: str, attendance: str = Attendance.ATTENDED, **kw) -> None:
        SessionFactory(episode=ep, starts_at=at(day, 13), attendance=attendance, **kw)

    def epikrise(ep: Episode, status: str, statuses: list[str]) -> None:
        approved = status != LetterStatus.DRAFT
        sent = status == LetterStatus.SENT
        Letter.objects.create(
            team=team,
            client=ep.client,
            episode=ep,
            kind=LetterKind.EPIKRISE_END,
            status=status,
            facts={"work_status_end": {"statuses": statuses, "sick_leave_percentage": None}},
            drafted_by=ep.primary_therapist,
            approved_by=ep.primary_therapist if approved else None,
            approved_at=ep.ended_at if approved else None,
            sent_by=ep.primary_therapist if sent else None,
            sent_at=ep.ended_at if sent else None,
            sent_via="post" if sent else "",
        )

    # C1 Anna: reached in 24 h; reliable recovery; sick leave -> in work.
    anna = person("Anna", mun_a, "01.06.1990")
    c1 = contact(anna, at("05.01.2026", 9), channel=Channel.PHONE, referrer=Referrer.SELF)
    offered(c1, at("06.01.2026", 9), t1)
    a1 = assessed(
        c1,
        at("12.01.2026"),
        t1,
        sex=Sex.FEMALE,
        education=Education.HIGHER_LONG,
        immigrant_background=ImmigrantBackground.NO,
        work_statuses=["in_work", "sick_leave"],
    )
    e1 = episode("E1", a1, t1, Step.INDIVIDUAL, ended=at("20.02.2026", 15))
    for day in ("19.01.2026", "26.01.2026", "02.02.2026"):
        session(e1, day)
    session(e1, "09.02.2026", Attendance.DID_NOT_ATTEND)
    scores(anna, at("12.01.2026"), 15, 12, t1)
    scores(anna, at("20.02.2026", 9), 5, 4, t1)
    epikrise(e1, LetterStatus.APPROVED, ["in_work"])

    # C2 Bjørn: GP referral, reached in 60 h; on a course (step 2), still open.
    bjorn = person("Bjørn", mun_a, "10.03.1955")
    c2 = contact(bjorn, at("10.01.2026", 12), channel=Channel.GP_REFERRAL, referrer=Referrer.GP)
    offered(c2, at("13.01.2026", 0), t2)
    a2 = assessed(
        c2,
        at("20.01.2026"),
        t2,
        sex=Sex.MALE,
        education=Education.PRIMARY,
        immigrant_background=ImmigrantBackground.IMMIGRANT,
        work_statuses=["job_seeker"],
    )
    e2 = episode("E2", a2, t2, Step.COURSE)
    course_type = CourseTypeFactory(team=team)
    run = CourseRunFactory(course_type=course_type, created_by=t2, capacity=10, leaders=[t2, psy])
    meetings = [
        CourseMeetingFactory(run=run, starts_at=at(day, 18))
        for day in ("27.01.2026", "03.02.2026", "10.02.2026")
    ]
    CourseMeetingFactory(run=run, starts_at=at("24.02.2026", 18), cancelled=True)
    enrolment = EnrolmentFactory(run=run, episode=e2, enrolled_at=at("21.01.2026"))
    for meeting in meetings[:2]:
        MeetingAttendanceFactory(meeting=meeting, episode=e2, enrolment=enrolment)
    MeetingAttendanceFactory(meeting=meetings[2], episode=e2, enrolment=enrolment, attended=False)
    drop_in = CourseTypeFactory(team=team, drop_in=True, name="Panikk drop-in")
    drop_in_run = CourseRunFactory(course_type=drop_in, created_by=t2, capacity=20, leaders=[t2])
    CourseMeetingFactory(run=drop_in_run, starts_at=at("17.02.2026", 18))

    # C3 Cecilie: web form, reached in 12 h; guided self-help with two follow-ups; not a case.
    cecilie = person("Cecilie", mun_b, "01.08.2009")
    c3 = contact(cecilie, at("15.01.2026", 8), channel=Channel.WEB_FORM, referrer=Referrer.SELF)
    offered(c3, at("15.01.2026", 20), t1)
    a3 = assessed(
        c3,
        at("22.01.2026"),
        t1,
        sex=Sex.FEMALE,
        education=Education.UPPER_SECONDARY,
        immigrant_background=ImmigrantBackground.NO,
        work_statuses=["student"],
    )
    e3 = episode("E3", a3, t1, Step.GUIDED_SELF_HELP, ended=at("25.02.2026"))
    GuidedSelfHelpFactory(episode=e3, material_given_on=datetime.date(2026, 1, 22))
    for day in ("05.02.2026", "19.02.2026"):
        session(e3, day, purpose=SessionPurpose.FOLLOW_UP)
    scores(cecilie, at("22.01.2026"), 8, 6, t1)
    scores(cecilie, at("19.02.2026", 14), 4, 4, t1)
    epikrise(e3, LetterStatus.DRAFT, ["in_work"])  # a draft does not count

    # C4 David: NAV, reached in 96 h (late); reliable deterioration; in work -> sick leave.
    david = person("David", mun_a, "20.01.1980")
    c4 = contact(david, at("20.01.2026"), channel=Channel.PHONE, referrer=Referrer.NAV)
    offered(c4, at("24.01.2026"), t2)
    a4 = assessed(
        c4,
        at("03.02.2026"),
        t2,
        sex=Sex.MALE,
        education=Education.VOCATIONAL,
        immigrant_background=ImmigrantBackground.NORWEGIAN_BORN,
        work_statuses=["in_work"],
    )
    e4 = episode("E4", a4, t2, Step.INDIVIDUAL, ended=at("27.02.2026"), reason="dropped_out")
    session(e4, "10.02.2026")
    session(e4, "17.02.2026")
    session(e4, "24.02.2026", Attendance.CANCELLED_BY_SERVICE)
    scores(david, at("03.02.2026"), 12, 9, t2)
    scores(david, at("17.02.2026", 14), 20, 9, t2)
    epikrise(e4, LetterStatus.APPROVED, ["sick_leave"])

    # C5 Eva: drop-in, open past the promise; only an age given.
    eva = person("Eva", mun_b, None)
    contact(
        eva, at("01.02.2026", 9), channel=Channel.DROP_IN, referrer=Referrer.SELF, age_at_contact=25
    )

    # C6 Finn: open for 18 hours, registered after the period.
    finn = person("Finn", mun_a, "05.05.1999")
    contact(finn, at("01.03.2026", 18), channel=Channel.PHONE, referrer=Referrer.SELF)

    # C7 Gro: closed as unreachable. C8 Hans: closed as a duplicate.
    gro = person("Gro", mun_b, "01.02.1960")
    c7 = contact(gro, at("03.02.2026"), channel=Channel.PHONE, referrer=Referrer.SELF)
    Contact.objects.filter(pk=c7.pk).update(
        status=Contact.Status.CLOSED,
        close_reason=CloseReason.UNREACHABLE,
        closed_at=at("07.02.2026"),
    )
    hans = person("Hans", mun_a, "01.01.1985")
    c8 = contact(
        hans, at("10.02.2026"), channel=Channel.OTHER_REFERRAL, referrer=Referrer.HELSESTASJON
    )
    Contact.objects.filter(pk=c8.pk).update(
        status=Contact.Status.CLOSED,
        close_reason=CloseReason.DUPLICATE,
        closed_at=at("10.02.2026", 11),
    )

    def earlier(
        name: str, mun: object, registered: str, held: str, therapist: object
    ) -> Assessment:
        client = person(name, mun, "01.01.1970")
        c = contact(client, at(registered), channel=Channel.PHONE, referrer=Referrer.SELF)
        offered(c, at(registered) + datetime.timedelta(days=1), therapist)
        work = {"Ida": ["in_work"], "Kari": ["aap"], "Mona": ["disability"]}.get(name, [])
        return assessed(c, at(held), therapist, work_statuses=work)

    # C9 Ida: first to second session 45 days; no reliable change; in work at both ends.
    a9 = earlier("Ida", mun_a, "01.10.2025", "08.10.2025", t1)
    e9 = episode("E9", a9, t1, Step.INDIVIDUAL, ended=at("30.01.2026"))
    session(e9, "01.12.2025")
    session(e9, "15.01.2026")
    scores(e9.client, at("08.10.2025"), 14, 10, t1)
    scores(e9.client, at("15.01.2026", 14), 11, 7, t1)
    epikrise(e9, LetterStatus.SENT, ["in_work"])

    # C10 Jon: first to second session 92 days, still open.
    a10 = earlier("Jon", mun_b, "20.11.2025", "25.11.2025", t1)
    e10 = episode("E10", a10, t1, Step.INDIVIDUAL)
    session(e10, "27.11.2025")
    session(e10, "27.02.2026")

    # C11 Kari: ended after one session: not finished.
    a11 = earlier("Kari", mun_a, "01.12.2025", "05.12.2025", psy)
    e11 = episode("E11", a11, psy, Step.INDIVIDUAL, ended=at("10.02.2026"), reason="declined")
    session(e11, "12.12.2025")
    scores(e11.client, at("05.12.2025"), 16, 10, psy)

    # C12 Lars: finished, but scores on one occasion only.
    a12 = earlier("Lars", mun_b, "10.12.2025", "15.12.2025", psy)
    e12 = episode("E12", a12, psy, Step.INDIVIDUAL, ended=at("20.01.2026"))
    session(e12, "05.01.2026")
    session(e12, "12.01.2026")
    scores(e12.client, at("15.12.2025"), 13, 9, psy)

    # C13 Mona: assessed in the period; recovered, not reliably.
    a13 = earlier("Mona", mun_b, "20.12.2025", "02.01.2026", t2)
    e13 = episode("E13", a13, t2, Step.INDIVIDUAL, ended=at("30.01.2026"))
    for day in ("09.01.2026", "16.01.2026", "23.01.2026"):
        session(e13, day)
    scores(e13.client, at("02.01.2026"), 11, 7, t2)
    scores(e13.client, at("23.01.2026", 14), 8, 6, t2)

    return Fixture(personas, mun_a, mun_b, clients, episodes)
