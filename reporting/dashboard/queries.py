"""The dashboard's facts from the database, in the same number of queries for any team size;
`reporting.figures` does the counting."""

from collections import defaultdict
from datetime import date, datetime

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from intake.models import Contact
from referrals.models import Letter, LetterKind, LetterStatus
from reporting.figures import board
from reporting.figures.base import Dashboard
from reporting.figures.capacity import capacity_window
from reporting.figures.facts import (
    ContactFact,
    Context,
    EpisodeFact,
    Facts,
    OfferFact,
    OutcomeFact,
    RunFact,
    SelfHelpFact,
    SessionFact,
)
from reporting.filters import Filters, team_therapists
from treatment.models import (
    TREATMENT_PURPOSES,
    Attendance,
    CourseMeeting,
    CourseRun,
    Episode,
    GuidedSelfHelp,
    MeetingAttendance,
    Offer,
    Session,
)
from treatment.outcomes import episode_outcome


def dashboard_for(filters: Filters, *, now: datetime) -> Dashboard:
    context = Context(
        period=filters.period,
        now=now,
        promise_hours=filters.team.response_promise_hours,
        therapists=_therapists(filters),
    )
    return board.dashboard(load_facts(filters), context)


def _window(filters: Filters) -> tuple[datetime, datetime]:
    """From the period's start (or the 12 capacity weeks', if earlier) to its end (or theirs)."""
    weeks = capacity_window(filters.period.last)
    period = filters.period
    return min(period.starts_at, weeks.starts_at), max(period.ends_before, weeks.ends_before)


def load_facts(filters: Filters) -> Facts:
    since, until = _window(filters)
    return Facts(
        contacts=_contacts(filters, since, until),
        episodes=_episodes(filters, since),
        outcomes=_outcomes(filters),
        sessions=_sessions(filters, since, until),
        offers=_offers(filters, since, until),
        runs=_runs(filters, since, until),
        self_help=_self_help(filters, since, until),
    )


def _therapists(filters: Filters) -> dict[int, str]:
    if filters.therapist is not None:
        return {filters.therapist.pk: str(filters.therapist)}
    return {user.pk: str(user) for user in team_therapists(filters.team)}


def _of_clients(queryset: QuerySet, filters: Filters, client: str, therapist: str) -> QuerySet:
    """The municipality filter is the client's home municipality; `therapist` names the
    field that ties a row to a therapist."""
    if filters.municipality is not None:
        queryset = queryset.filter(**{f"{client}home_municipality": filters.municipality})
    if filters.therapist is not None:
        queryset = queryset.filter(**{therapist: filters.therapist})
    return queryset


def _contacts(filters: Filters, since: datetime, until: datetime) -> list[ContactFact]:
    period = filters.period
    contacts = Contact.objects.filter(team=filters.team).filter(
        Q(registered_at__gte=since, registered_at__lt=until)
        | Q(status=Contact.Status.OPEN)
        | Q(assessment__held_at__gte=period.starts_at, assessment__held_at__lt=period.ends_before)
    )
    contacts = _of_clients(contacts, filters, "client__", "offer__therapist")
    rows = contacts.order_by("registered_at", "pk").values(
        "id",
        "client_id",
        "registered_at",
        "channel",
        "referrer",
        "status",
        "close_reason",
        "offered_at",
        "offer__therapist_id",
        "client__birth_date",
        "age_at_contact",
        "assessment__id",
        "assessment__held_at",
        "assessment__sex",
        "assessment__education",
        "assessment__immigrant_background",
    )
    return [
        ContactFact(
            id=row["id"],
            client_id=row["client_id"],
            registered_at=row["registered_at"],
            channel=row["channel"],
            referrer=row["referrer"],
            status=row["status"],
            close_reason=row["close_reason"],
            offered_at=row["offered_at"],
            therapist_id=row["offer__therapist_id"],
            birth_date=row["client__birth_date"],
            age_at_contact=row["age_at_contact"],
            assessed=row["assessment__id"] is not None,
            assessment_held_at=row["assessment__held_at"],
            sex=row["assessment__sex"] or "",
            education=row["assessment__education"] or "",
            immigrant_background=row["assessment__immigrant_background"] or "",
        )
        for row in rows
    ]


def _episodes(filters: Filters, since: datetime) -> list[EpisodeFact]:
    """Open episodes, and those that ended inside the window."""
    base = Episode.objects.filter(team=filters.team).filter(
        Q(ended_at__isnull=True) | Q(ended_at__gte=since)
    )
    base = _of_clients(base, filters, "client__", "primary_therapist")
    days = _treatment_days(base)
    episodes = (
        base.with_treatment_start()
        .annotate(contact_registered_at=F("assessment__contact__registered_at"))
        .only("id", "client", "primary_therapist", "started_at", "ended_at")
        .order_by("started_at", "pk")
    )
    return [
        EpisodeFact(
            id=episode.pk,
            client_id=episode.client_id,
            therapist_id=episode.primary_therapist_id,
            contact_registered_at=episode.contact_registered_at,  # type: ignore[attr-defined]
            started_at=episode.started_at,
            ended_at=episode.ended_at,
            treatment_start=episode.treatment_start,
            treatment_days=tuple(sorted(days.get(episode.pk, ()))),
        )
        for episode in episodes
    ]


def _treatment_days(episodes: QuerySet[Episode]) -> dict[int, list[date]]:
    """Days of attended treatment sessions and course meetings, per episode (as
    Episode.objects.with_outcome_facts counts them)."""
    ids = episodes.values("pk")
    sessions = Session.objects.filter(
        episode__in=ids, attendance=Attendance.ATTENDED, purpose__in=TREATMENT_PURPOSES
    ).values_list("episode_id", "starts_at")
    meetings = MeetingAttendance.objects.filter(
        episode__in=ids, attended=True, meeting__cancelled=False
    ).values_list("episode_id", "meeting__starts_at")
    days: dict[int, list[date]] = defaultdict(list)
    for episode_id, starts_at in [*sessions, *meetings]:
        days[episode_id].append(timezone.localdate(starts_at))
    return days


def _outcomes(filters: Filters) -> list[OutcomeFact]:
    period = filters.period
    ended = Episode.objects.filter(
        team=filters.team, ended_at__gte=period.starts_at, ended_at__lt=period.ends_before
    )
    ended = _of_clients(ended, filters, "client__", "primary_therapist")
    work_end = _work_status_end(ended)
    return [
        OutcomeFact(
            id=episode.pk,
            client_id=episode.client_id,
            outcome=episode_outcome(episode),  # type: ignore[arg-type]
            work_start=tuple(episode.assessment.work_statuses) if episode.assessment else None,
            work_end=work_end.get(episode.pk),
        )
        for episode in ended.with_outcome_facts().order_by("ended_at", "pk")
    ]


def _work_status_end(episodes: QuerySet[Episode]) -> dict[int, tuple[str, ...]]:
    """`facts["work_status_end"]` of each episode's latest approved (or sent) end epikrise."""
    letters = (
        Letter.objects.filter(
            episode__in=episodes.values("pk"),
            kind=LetterKind.EPIKRISE_END,
            status__in=[LetterStatus.APPROVED, LetterStatus.SENT],
        )
        .order_by("approved_at", "pk")
        .values_list("episode_id", "facts")
    )
    found = {}
    for episode_id, facts in letters:
        statuses = _statuses(facts.get("work_status_end") if isinstance(facts, dict) else None)
        if statuses:
            found[episode_id] = statuses
    return found


def _statuses(value: object) -> tuple[str, ...] | None:
    """referrals.letters.drafting stores {"statuses": [WorkStatus values], ...}; empty is
    unknown."""
    statuses = value.get("statuses") if isinstance(value, dict) else None
    if isinstance(statuses, list) and statuses and all(isinstance(s, str) for s in statuses):
        return tuple(statuses)
    return None


def _sessions(filters: Filters, since: datetime, until: datetime) -> list[SessionFact]:
    sessions = Session.objects.filter(team=filters.team, starts_at__gte=since, starts_at__lt=until)
    sessions = _of_clients(sessions, filters, "episode__client__", "therapist")
    rows = sessions.order_by("starts_at", "pk").values_list(
        "id", "episode__client_id", "starts_at", "purpose", "attendance"
    )
    return [SessionFact(*row) for row in rows]


def _offers(filters: Filters, since: datetime, until: datetime) -> list[OfferFact]:
    offers = Offer.objects.filter(
        episode__team=filters.team,
        started_on__gte=timezone.localdate(since),
        started_on__lt=timezone.localdate(until),
    )
    offers = _of_clients(offers, filters, "episode__client__", "episode__primary_therapist")
    rows = offers.order_by("started_on", "pk").values_list(
        "id", "episode__client_id", "step", "started_on"
    )
    return [OfferFact(*row) for row in rows]


def _self_help(filters: Filters, since: datetime, until: datetime) -> list[SelfHelpFact]:
    given = GuidedSelfHelp.objects.filter(
        episode__team=filters.team,
        material_given_on__gte=timezone.localdate(since),
        material_given_on__lt=timezone.localdate(until),
    )
    given = _of_clients(given, filters, "episode__client__", "episode__primary_therapist")
    rows = given.order_by("material_given_on", "pk").values_list(
        "id", "episode__client_id", "material_given_on"
    )
    return [SelfHelpFact(*row) for row in rows]


def _runs(filters: Filters, since: datetime, until: datetime) -> list[RunFact]:
    """Course runs with a meeting in the window: for a municipality, its own runs and the
    intermunicipal ones; for a therapist, the runs they lead."""
    meetings = CourseMeeting.objects.filter(
        run__team=filters.team, cancelled=False, starts_at__gte=since, starts_at__lt=until
    )
    runs = CourseRun.objects.filter(pk__in=meetings.values("run_id"))
    if filters.municipality is not None:
        runs = runs.filter(Q(municipality=filters.municipality) | Q(municipality__isnull=True))
    if filters.therapist is not None:
        runs = runs.filter(leaders=filters.therapist)
    days: dict[int, list[date]] = defaultdict(list)
    for run_id, starts_at in meetings.filter(run__in=runs.values("pk")).values_list(
        "run_id", "starts_at"
    ):
        days[run_id].append(timezone.localdate(starts_at))
    rows = (
        runs.with_fill_rate()
        .order_by("pk")
        .values_list("id", "capacity", "enrolled", "course_type__drop_in")
    )
    return [
        RunFact(
            id=run_id,
            capacity=capacity,
            taken=taken,
            drop_in=drop_in,
            meeting_days=tuple(sorted(days.get(run_id, ()))),
        )
        for run_id, capacity, taken, drop_in in rows
    ]
