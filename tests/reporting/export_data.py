"""One team's year 2025, small enough to count by hand, for the grant report and FHI export.

Municipality M1 (the team's first) and M2 (its second). Dates are noon, Oslo time.

A (M1): contacts 10.01 (anxiety, substance) and 01.08 (substance); assessed 15.01, in the
   target group, step 3, in work; sessions 01.02 and 15.02; ended 01.06 completed; approved
   end epikrise: in work.
B (M1): contact 01.03 (depression); assessed 05.03, step 1, in work and on sick leave;
   self-help material 10.03, one follow-up call 01.04; ended 01.09 dropped out; only a draft
   end epikrise.
C (M2): contact 01.04 (anxiety); assessed 03.04, step 2, student; attended a course meeting
   05.05; still open.
D (M2): contact 01.05 (stress); assessed 02.05, outside the target group, severe substance
   problems; no episode.
E (M1): contact 20.12.2024 (depression); assessed 22.12.2024, step 3, in work and on sick
   leave; sessions 05.01 and 20.01; ended 01.03 completed; approved end epikrise: sick leave.
F (M1): contact 15.11 (substance, sleep); not assessed yet.

Waiting days (first contact -> treatment start): A 22, B 9, C 34, E 16.
Staffing 2025: the team 4.50 FTE, 3 of 6 in training; M1 on its own 2.00 FTE, 1 of 3.
Research consent: A, C, E and F given; B given, then withdrawn; D never asked.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from intake.assessments.choices import Decision, Step
from intake.models import Assessment, Client, Concern, Consent, Contact, Party
from questionnaires.models import Capture, Instrument
from questionnaires.responses import response_submit
from referrals.models import Letter, LetterKind, LetterStatus
from reporting.models import Staffing
from tests.intake.assessment_data import AssessmentFactory
from tests.intake.factories import ClientFactory, ContactFactory
from tests.treatment.factories import (
    CourseMeetingFactory,
    CourseRunFactory,
    CourseTypeFactory,
    GuidedSelfHelpFactory,
    MeetingAttendanceFactory,
    SessionFactory,
)
from treatment.models import Attendance, Episode, SessionPurpose

YEAR = 2025


def at(day: str) -> datetime.datetime:
    """'dd.mm.yyyy' at noon, Oslo time."""
    date = datetime.datetime.strptime(day, "%d.%m.%Y")  # noqa: DTZ007
    return timezone.make_aware(date.replace(hour=12))


@dataclass
class Year:
    clients: dict[str, Client] = field(default_factory=dict)
    episodes: dict[str, Episode] = field(default_factory=dict)
    # Every piece of text that identifies a client or is free text: none may be exported.
    secrets: list[str] = field(default_factory=list)


def _client(year: Year, personas, name: str, municipality, fnr: str) -> Client:
    client = ClientFactory(
        team=personas.team,
        home_municipality=municipality,
        first_name=f"Fornavn{name}",
        last_name=f"Etternavn{name}-Ødegård",
        fodselsnummer=fnr,
        birth_date=datetime.date(1990, 6, 15),
        phone=f"+47412000{ord(name):02d}",
        email=f"klient{name.lower()}@example.no",
    )
    year.clients[name] = client
    year.secrets += [client.first_name, client.last_name, fnr, str(client.phone)[3:], client.email]
    return client


def _contact(year: Year, personas, client: Client, day: str, concerns: list[str]) -> Contact:
    text = f"Fritekst om {client.first_name}: sover dårlig"
    year.secrets.append(text)
    return ContactFactory(
        team=personas.team,
        client=client,
        registered_at=at(day),
        concerns=concerns,
        free_text=text,
        referrer_name=f"Henviser til {client.first_name}",
    )


def _assessment(year: Year, personas, contact: Contact, day: str, **fields) -> Assessment:
    note = f"Vurdering av {contact.client.first_name}: fortalte om rus"
    year.secrets.append(note)
    return AssessmentFactory(
        contact=contact,
        therapist=personas.therapist,
        held_at=at(day),
        status="complete",
        completed_at=at(day),
        decision_reason=note,
        substance_notes=note,
        work_kind="Hjelpepleier ved Fosen helsehus",
        **fields,
    )


def _session(year: Year, episode: Episode, day: str, purpose=SessionPurpose.TREATMENT) -> None:
    note = f'Timenotat {episode.client.first_name}: =HYPERLINK("http://x")'
    year.secrets.append(note)
    SessionFactory(
        episode=episode,
        starts_at=at(day),
        purpose=purpose,
        attendance=Attendance.ATTENDED,
        note=note,
        homework="Pusteøvelser hver kveld",
    )


def _end(episode: Episode, day: str, reason: str) -> None:
    Episode.objects.filter(pk=episode.pk).update(ended_at=at(day), end_reason=reason)
    episode.refresh_from_db()


def _letter(personas, episode: Episode, statuses: list[str], status=LetterStatus.APPROVED):
    approved = status != LetterStatus.DRAFT
    Letter.objects.create(
        team=personas.team,
        client=episode.client,
        episode=episode,
        kind=LetterKind.EPIKRISE_END,
        status=status,
        facts={"work_status_end": {"statuses": statuses, "sick_leave_percentage": None}},
        treatment_summary=f"Behandlingen av {episode.client.first_name} gikk bra",
        drafted_by=personas.therapist,
        approved_by=personas.team_lead if approved else None,
        approved_at=episode.ended_at if approved else None,
    )


def _scores(client: Client, day: str, phq9: list[int], gad7: list[int], by) -> None:
    for code, items in (("phq9", [*phq9, 1]), ("gad7", gad7)):
        response_submit(
            client=client,
            instrument=Instrument.objects.get(code=code, team=None),
            answers=items,
            capture=Capture.PAPER,
            entered_by=by,
            answered_at=at(day),
        )


def _consent(personas, client: Client, day: str, given: bool) -> None:
    Consent.objects.create(
        team=personas.team,
        client=client,
        party=Party.RESEARCH,
        given=given,
        note=f"Samtykke fra {client.first_name}",
        recorded_at=at(day),
        recorded_by=personas.team_lead,
    )


def build_year(personas) -> Year:
    m1, m2 = personas.team.municipalities.order_by("pk")
    year = Year()
    team = personas.team
    a = _client(year, personas, "A", m1, "01019912345")
    b = _client(year, personas, "B", m1, "02019912345")
    c = _client(year, personas, "C", m2, "03019912345")
    d = _client(year, personas, "D", m2, "04019912345")
    e = _client(year, personas, "E", m1, "05019912345")
    f = _client(year, personas, "F", m1, "06019912345")

    contact = _contact(year, personas, a, "10.01.2025", [Concern.ANXIETY, Concern.SUBSTANCE])
    _contact(year, personas, a, "01.08.2025", [Concern.SUBSTANCE])
    assessment = _assessment(
        year,
        personas,
        contact,
        "15.01.2025",
        decision=Decision.IN_TARGET_GROUP,
        step=Step.INDIVIDUAL,
        work_statuses=["in_work"],
        work_percentage=80,
        sex="female",
        education="higher_short",
        immigrant_background="no",
    )
    episode = year.episodes["A"] = Episode.objects.get(assessment=assessment)
    _scores(a, "15.01.2025", [2] * 9, [2] * 6 + [0], personas.therapist)
    _session(year, episode, "01.02.2025")
    _session(year, episode, "15.02.2025")
    _scores(a, "30.05.2025", [1] * 6 + [0] * 3, [1] * 5 + [0] * 2, personas.therapist)
    _end(episode, "01.06.2025", "completed")
    _letter(personas, episode, ["in_work"])

    contact = _contact(year, personas, b, "01.03.2025", [Concern.DEPRESSION])
    assessment = _assessment(
        year,
        personas,
        contact,
        "05.03.2025",
        decision=Decision.IN_TARGET_GROUP,
        step=Step.GUIDED_SELF_HELP,
        work_statuses=["in_work", "sick_leave"],
        sick_leave_percentage=50,
    )
    episode = year.episodes["B"] = Episode.objects.get(assessment=assessment)
    _scores(b, "05.03.2025", [1] * 9, [1] * 7, personas.therapist)
    GuidedSelfHelpFactory(episode=episode, material_given_on=datetime.date(2025, 3, 10))
    _session(year, episode, "01.04.2025", SessionPurpose.FOLLOW_UP)
    _end(episode, "01.09.2025", "dropped_out")
    _letter(personas, episode, ["in_work"], status=LetterStatus.DRAFT)

    contact = _contact(year, personas, c, "01.04.2025", [Concern.ANXIETY])
    assessment = _assessment(
        year,
        personas,
        contact,
        "03.04.2025",
        decision=Decision.IN_TARGET_GROUP,
        step=Step.COURSE,
        work_statuses=["student"],
    )
    episode = year.episodes["C"] = Episode.objects.get(assessment=assessment)
    course_type = CourseTypeFactory(team=team)
    run = CourseRunFactory(course_type=course_type, created_by=personas.therapist)
    meeting = CourseMeetingFactory(run=run, starts_at=at("05.05.2025"))
    MeetingAttendanceFactory(meeting=meeting, episode=episode)

    contact = _contact(year, personas, d, "01.05.2025", [Concern.STRESS])
    _assessment(
        year,
        personas,
        contact,
        "02.05.2025",
        decision=Decision.OUTSIDE,
        route="gp_tsb",
        substance_severe=True,
    )

    contact = _contact(year, personas, e, "20.12.2024", [Concern.DEPRESSION])
    assessment = _assessment(
        year,
        personas,
        contact,
        "22.12.2024",
        decision=Decision.IN_TARGET_GROUP,
        step=Step.INDIVIDUAL,
        work_statuses=["in_work", "sick_leave"],
    )
    episode = year.episodes["E"] = Episode.objects.get(assessment=assessment)
    _session(year, episode, "05.01.2025")
    _session(year, episode, "20.01.2025")
    _end(episode, "01.03.2025", "completed")
    _letter(personas, episode, ["sick_leave"])

    _contact(year, personas, f, "15.11.2025", [Concern.SUBSTANCE, Concern.SLEEP])

    for name in ("A", "C", "E", "F"):
        _consent(personas, year.clients[name], "01.01.2025", True)
    _consent(personas, b, "01.01.2025", True)
    _consent(personas, b, "01.02.2025", False)

    Staffing.objects.create(
        team=team,
        year=YEAR,
        full_time_equivalents=Decimal("4.50"),
        staff_in_cbt_training=3,
        staff_total=6,
        updated_by=personas.team_lead,
    )
    Staffing.objects.create(
        team=team,
        year=YEAR,
        municipality=m1,
        full_time_equivalents=Decimal("2.00"),
        staff_in_cbt_training=1,
        staff_total=3,
        updated_by=personas.team_lead,
    )
    return year
