"""The yearly grant report to Helsedirektoratet (tilskudd; domain.md §5).

The report is a versioned mapping: `GRANT_SCHEMES` holds one `GrantScheme` per version of
the Directorate's form, each a list of numbered lines with the function that computes the
line's figure. A new year's form is a new entry; the report names the version it used.

Figures are pure functions of `GrantFacts`, which `grant_facts()` reads from the record for
one team, year and municipality (the client's home municipality), or for all the team serves:

- Contacts: henvendelser registered in the year.
- Assessed inside / outside the target group: completed assessments held in the year, by
  their decision.
- With substance problems (decision): people with a contact in the year about substance use
  (concern "substance") or whose assessment of that contact found severe substance problems
  (the TSB question or the exclusion factor); counted once per person. Free-text notes on
  alcohol habits are not read.
- Treatments started: episodes whose treatment start (the first attended treatment session
  or course meeting, or guided self-help material given) is in the year.
- Treatments completed: episodes ended in the year that count as finished by the outcome
  rules (treatment.outcomes.episode_outcome).
- Low-intensity help: episodes with a step 1 (guided self-help) or step 2 (course) offer
  started in the year.
- Waiting time: days from the contact that led to the assessment to the treatment start,
  for the treatments started in the year (episodes without an assessment are left out).
- In work at start: treatments started in the year whose assessment records "in work".
  In work at the end: episodes ended in the year whose approved (or sent) end epikrise
  records "in work" in `facts["work_status_end"]`; without one, or when it records no
  status, the status at the end is unknown.
- Staffing: the team lead's figures for the year (`Staffing`), for the municipality if it
  has its own row, else the team's.
"""

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from intake.assessments.choices import AssessmentStatus, Decision, ExclusionFactor, Step, WorkStatus
from intake.models import Assessment, Concern, Contact
from referrals.models import Letter, LetterKind, LetterStatus
from reporting.figures.base import median
from reporting.models import Staffing
from rph.accounts.models import Municipality, Team
from treatment.models import Episode, Offer
from treatment.outcomes import episode_outcome

Value = int | Decimal | None  # None: not known


@dataclass(frozen=True)
class ContactFact:
    client_id: int
    substance: bool


@dataclass(frozen=True)
class EpisodeFact:
    treatment_start: datetime.date | None
    first_contact_on: datetime.date | None
    ended_on: datetime.date | None
    finished: bool
    in_work_at_start: bool | None  # None: no work status at the assessment
    in_work_at_end: bool | None  # None: no work status in an approved end epikrise
    steps_started: frozenset[int]  # steps of offers started in the year


@dataclass(frozen=True)
class StaffingFact:
    full_time_equivalents: Decimal
    staff_in_cbt_training: int
    staff_total: int


@dataclass(frozen=True)
class GrantFacts:
    year: int
    contacts: tuple[ContactFact, ...] = ()
    decisions: tuple[str, ...] = ()  # of completed assessments held in the year
    episodes: tuple[EpisodeFact, ...] = ()
    staffing: StaffingFact | None = None


def has_substance_problem(
    concerns: Iterable[str], substance_severe: bool | None, exclusion_factors: Iterable[str]
) -> bool:
    return (
        Concern.SUBSTANCE in concerns
        or substance_severe is True
        or ExclusionFactor.SEVERE_SUBSTANCE in exclusion_factors
    )


def in_work(statuses: Sequence[str] | None) -> bool | None:
    """In work (also when on sick leave from it); None when no status was recorded."""
    return WorkStatus.IN_WORK in statuses if statuses else None


@dataclass(frozen=True)
class WorkEnd:
    statuses: tuple[str, ...]
    sick_leave_percentage: int | None


def work_status_end(facts: object) -> WorkEnd | None:
    """The work status an end epikrise recorded: `facts["work_status_end"]` is
    {"statuses": [WorkStatus values], "sick_leave_percentage": int or None}
    (referrals.letters.drafting); None when the therapist chose no status."""
    value = facts.get("work_status_end") if isinstance(facts, dict) else None
    statuses = value.get("statuses") if isinstance(value, dict) else None
    if not statuses or not isinstance(statuses, list):
        return None
    percentage = value.get("sick_leave_percentage")
    return WorkEnd(
        statuses=tuple(str(status) for status in statuses),
        sick_leave_percentage=percentage if isinstance(percentage, int) else None,
    )


def _one_decimal(value: float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def median_days(days: Sequence[int]) -> Decimal | None:
    middle = median(days)
    return None if middle is None else _one_decimal(middle)


def mean_days(days: Sequence[int]) -> Decimal | None:
    return _one_decimal(sum(days) / len(days)) if days else None


# The figures. Each takes the facts of one team, year and municipality.


def _started(facts: GrantFacts) -> list[EpisodeFact]:
    return [e for e in facts.episodes if e.treatment_start and e.treatment_start.year == facts.year]


def _ended(facts: GrantFacts) -> list[EpisodeFact]:
    return [e for e in facts.episodes if e.ended_on and e.ended_on.year == facts.year]


def _waits(facts: GrantFacts) -> list[int]:
    return [
        (e.treatment_start - e.first_contact_on).days
        for e in _started(facts)
        if e.treatment_start and e.first_contact_on
    ]


def contacts(facts: GrantFacts) -> int:
    return len(facts.contacts)


def assessed_in_target_group(facts: GrantFacts) -> int:
    return facts.decisions.count(Decision.IN_TARGET_GROUP)


def assessed_outside_target_group(facts: GrantFacts) -> int:
    return facts.decisions.count(Decision.OUTSIDE)


def with_substance_problems(facts: GrantFacts) -> int:
    return len({c.client_id for c in facts.contacts if c.substance})


def treatments_started(facts: GrantFacts) -> int:
    return len(_started(facts))


def treatments_completed(facts: GrantFacts) -> int:
    return sum(e.finished for e in _ended(facts))


def _with_steps(facts: GrantFacts, steps: set[int]) -> int:
    return sum(bool(e.steps_started & steps) for e in facts.episodes)


def low_intensity_help(facts: GrantFacts) -> int:
    return _with_steps(facts, {Step.GUIDED_SELF_HELP, Step.COURSE})


def guided_self_help(facts: GrantFacts) -> int:
    return _with_steps(facts, {Step.GUIDED_SELF_HELP})


def course_or_group(facts: GrantFacts) -> int:
    return _with_steps(facts, {Step.COURSE})


def waiting_days_median(facts: GrantFacts) -> Decimal | None:
    return median_days(_waits(facts))


def waiting_days_mean(facts: GrantFacts) -> Decimal | None:
    return mean_days(_waits(facts))


def in_work_at_start(facts: GrantFacts) -> int:
    return sum(e.in_work_at_start is True for e in _started(facts))


def in_work_at_end(facts: GrantFacts) -> int:
    return sum(e.in_work_at_end is True for e in _ended(facts))


def work_status_at_end_unknown(facts: GrantFacts) -> int:
    return sum(e.in_work_at_end is None for e in _ended(facts))


def full_time_equivalents(facts: GrantFacts) -> Decimal | None:
    return facts.staffing.full_time_equivalents if facts.staffing else None


def staff_in_cbt_training(facts: GrantFacts) -> int | None:
    return facts.staffing.staff_in_cbt_training if facts.staffing else None


def staff_total(facts: GrantFacts) -> int | None:
    return facts.staffing.staff_total if facts.staffing else None


@dataclass(frozen=True)
class Line:
    code: str
    label: str | Promise
    figure: Callable[[GrantFacts], Value]


@dataclass(frozen=True)
class GrantScheme:
    version: str
    applies_from: int  # the first report year the Directorate's form was used for
    lines: tuple[Line, ...]


GRANT_SCHEMES: dict[str, GrantScheme] = {
    "2026": GrantScheme(
        version="2026",
        applies_from=2012,
        lines=(
            Line("1", _("Contacts (henvendelser)"), contacts),
            Line("2a", _("Assessed: in the target group"), assessed_in_target_group),
            Line("2b", _("Assessed: outside the target group"), assessed_outside_target_group),
            Line("3", _("People with substance problems"), with_substance_problems),
            Line("4", _("Treatments started"), treatments_started),
            Line("5", _("Treatments completed"), treatments_completed),
            Line("6", _("Given guided self-help or other low-intensity help"), low_intensity_help),
            Line("6a", _("of whom guided self-help (step 1)"), guided_self_help),
            Line("6b", _("of whom a course or group (step 2)"), course_or_group),
            Line(
                "7a",
                _("Waiting time from first contact to treatment start, median (days)"),
                waiting_days_median,
            ),
            Line(
                "7b",
                _("Waiting time from first contact to treatment start, mean (days)"),
                waiting_days_mean,
            ),
            Line("8a", _("In work at the start of treatment"), in_work_at_start),
            Line("8b", _("In work at the end of treatment"), in_work_at_end),
            Line("8c", _("Work status at the end unknown"), work_status_at_end_unknown),
            Line("9a", _("Full-time equivalents (årsverk)"), full_time_equivalents),
            Line("9b", _("Staff in cognitive therapy training"), staff_in_cbt_training),
            Line("9c", _("Staff in all"), staff_total),
        ),
    ),
}


def scheme_for_year(year: int, schemes: dict[str, GrantScheme] | None = None) -> GrantScheme:
    """The newest scheme in use for the year; the oldest one for years before them all."""
    available = sorted((schemes or GRANT_SCHEMES).values(), key=lambda s: s.applies_from)
    in_use = [s for s in available if s.applies_from <= year]
    return in_use[-1] if in_use else available[0]


@dataclass(frozen=True)
class GrantRow:
    code: str
    label: str | Promise
    value: Value


@dataclass(frozen=True)
class GrantReport:
    team: Team
    year: int
    municipality: Municipality | None
    scheme_version: str
    rows: tuple[GrantRow, ...]


def grant_rows(scheme: GrantScheme, facts: GrantFacts) -> tuple[GrantRow, ...]:
    return tuple(GrantRow(line.code, line.label, line.figure(facts)) for line in scheme.lines)


def grant_report(*, team: Team, year: int, municipality: Municipality | None) -> GrantReport:
    scheme = scheme_for_year(year)
    facts = grant_facts(team=team, year=year, municipality=municipality)
    return GrantReport(
        team=team,
        year=year,
        municipality=municipality,
        scheme_version=scheme.version,
        rows=grant_rows(scheme, facts),
    )


# Reading the facts from the record.


def year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    """The year in Oslo time, as aware datetimes [start, end)."""
    start = timezone.make_aware(datetime.datetime(year, 1, 1))  # noqa: DTZ001
    end = timezone.make_aware(datetime.datetime(year + 1, 1, 1))  # noqa: DTZ001
    return start, end


def _in_area(municipality: Municipality | None, path: str) -> Q:
    return Q(**{f"{path}home_municipality": municipality}) if municipality else Q()


def grant_facts(*, team: Team, year: int, municipality: Municipality | None) -> GrantFacts:
    start, end = year_bounds(year)
    contact_rows = (
        Contact.objects.filter(team=team, registered_at__gte=start, registered_at__lt=end)
        .filter(_in_area(municipality, "client__"))
        .values_list(
            "client_id", "concerns", "assessment__substance_severe", "assessment__exclusion_factors"
        )
    )
    decisions = (
        Assessment.objects.filter(
            contact__team=team,
            status=AssessmentStatus.COMPLETE,
            held_at__gte=start,
            held_at__lt=end,
        )
        .filter(_in_area(municipality, "contact__client__"))
        .values_list("decision", flat=True)
    )
    staffing = Staffing.objects.for_report(team, year, municipality)
    return GrantFacts(
        year=year,
        contacts=tuple(
            ContactFact(client_id, has_substance_problem(concerns or [], severe, factors or []))
            for client_id, concerns, severe, factors in contact_rows
        ),
        decisions=tuple(decisions),
        episodes=tuple(_episode_facts(team, year, municipality)),
        staffing=StaffingFact(
            staffing.full_time_equivalents, staffing.staff_in_cbt_training, staffing.staff_total
        )
        if staffing
        else None,
    )


def end_epikrise_facts() -> models.Subquery:
    """The facts of the episode's latest approved (or sent) end epikrise."""
    letters = Letter.objects.filter(
        episode=models.OuterRef("pk"),
        kind=LetterKind.EPIKRISE_END,
        status__in=[LetterStatus.APPROVED, LetterStatus.SENT],
    ).order_by("-approved_at", "-pk")
    return models.Subquery(letters.values("facts")[:1], output_field=models.JSONField())


def _step_started(step: int, year: int) -> models.Exists:
    return models.Exists(
        Offer.objects.filter(episode=models.OuterRef("pk"), step=step, started_on__year=year)
    )


def _episode_facts(
    team: Team, year: int, municipality: Municipality | None
) -> Iterable[EpisodeFact]:
    start, end = year_bounds(year)
    episodes = (
        Episode.objects.filter(team=team, started_at__lt=end)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gte=start))
        .filter(_in_area(municipality, "client__"))
        .with_treatment_start()
        .with_outcome_facts()
        .annotate(
            end_facts=end_epikrise_facts(),
            step1=_step_started(Step.GUIDED_SELF_HELP, year),
            step2=_step_started(Step.COURSE, year),
        )
    )
    for episode in episodes:
        assessment = episode.assessment
        steps = {Step.GUIDED_SELF_HELP: episode.step1, Step.COURSE: episode.step2}
        work_end = work_status_end(episode.end_facts)
        yield EpisodeFact(
            treatment_start=episode.treatment_start,
            first_contact_on=timezone.localdate(assessment.contact.registered_at)
            if assessment
            else None,
            ended_on=timezone.localdate(episode.ended_at) if episode.ended_at else None,
            finished=episode_outcome(episode).finished,
            in_work_at_start=in_work(assessment.work_statuses) if assessment else None,
            in_work_at_end=in_work(work_end.statuses) if work_end else None,
            steps_started=frozenset(step for step, started in steps.items() if started),
        )
