"""Treatment: the episode (behandlingsforløp) with its offers per step, individual sessions,
courses and guided self-help (domain.md §2 steps 4-6)."""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Cast, Coalesce, NullIf
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from intake.assessments.choices import Step
from questionnaires.models import Response
from rph.accounts.models import Municipality, Team
from treatment.outcomes import Score, ScorePoint, score_points

OUTCOME_CODES = ("phq9", "gad7")
# A final questionnaire answered shortly after the episode ended still belongs to it.
FINAL_SCORE_GRACE = timedelta(days=14)


class EndReason(models.TextChoices):
    COMPLETED = "completed", _("Completed")
    DROPPED_OUT = "dropped_out", _("Dropped out")
    REFERRED_ON = "referred_on", _("Referred on")
    MOVED = "moved", _("Moved")
    DECLINED = "declined", _("Declined further help")
    NOT_REACHED = "not_reached", _("Not reached")


class EpisodeQuerySet(models.QuerySet["Episode"]):
    def open(self) -> "EpisodeQuerySet":
        return self.filter(ended_at__isnull=True)

    def for_episode_list(self, team: Team, therapist: object = None) -> "EpisodeQuerySet":
        """The team's open episodes (a therapist's: primary or co-therapist), oldest first,
        with the client, the primary therapist and the open offers (`open_offers`)."""
        episodes = self.open().filter(team=team)
        if therapist is not None:
            mine = Q(primary_therapist=therapist) | Q(co_therapists=therapist)
            episodes = episodes.filter(pk__in=Episode.objects.filter(mine).values("pk"))
        open_offers = Offer.objects.filter(ended_on__isnull=True)
        return (
            episodes.select_related("client", "primary_therapist")
            .prefetch_related(models.Prefetch("offers", open_offers, to_attr="open_offers"))
            .order_by("started_at", "pk")
        )

    def with_outcome_facts(self) -> "EpisodeQuerySet":
        """What treatment.outcomes.episode_outcome reads, in a fixed number of queries:
        `attended_treatment_sessions` (sessions other than the assessment, plus course
        meetings attended) and the client's PHQ-9/GAD-7 totals for `score_points`."""
        sessions = (
            Session.objects.filter(
                episode=models.OuterRef("pk"),
                attendance=Attendance.ATTENDED,
                purpose__in=TREATMENT_PURPOSES,
            )
            .order_by()
            .values("episode")
            .annotate(n=models.Count("pk"))
            .values("n")
        )
        meetings = (
            MeetingAttendance.objects.filter(
                episode=models.OuterRef("pk"), attended=True, meeting__cancelled=False
            )
            .order_by()
            .values("episode")
            .annotate(n=models.Count("pk"))
            .values("n")
        )
        responses = (
            Response.objects.current()
            .filter(instrument_code__in=OUTCOME_CODES, total__isnull=False)
            .order_by("answered_at", "pk")
        )
        zero = models.Value(0)
        return (
            self.annotate(
                attended_treatment_sessions=Coalesce(models.Subquery(sessions), zero)
                + Coalesce(models.Subquery(meetings), zero)
            )
            .prefetch_related(
                models.Prefetch(
                    "client__responses", queryset=responses, to_attr="outcome_responses"
                ),
            )
            .select_related("client", "assessment__contact")
        )

    def with_treatment_start(self) -> "EpisodeQuerySet":
        """Annotations for `Episode.treatment_start`: the first attended treatment session,
        the first course meeting attended, and the day guided self-help material was given."""
        attended = Session.objects.filter(
            episode=models.OuterRef("pk"),
            attendance=Attendance.ATTENDED,
            purpose__in=TREATMENT_PURPOSES,
        ).order_by("starts_at")
        meetings = MeetingAttendance.objects.filter(
            episode=models.OuterRef("pk"), attended=True, meeting__cancelled=False
        ).order_by("meeting__starts_at")
        material = GuidedSelfHelp.objects.filter(episode=models.OuterRef("pk")).order_by(
            "material_given_on"
        )
        return self.annotate(
            first_session_at=models.Subquery(attended.values("starts_at")[:1]),
            first_meeting_at=models.Subquery(meetings.values("meeting__starts_at")[:1]),
            first_self_help_on=models.Subquery(material.values("material_given_on")[:1]),
        )


class Episode(models.Model):
    """One continuous course of help for one client, from placement to end."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(
        "intake.Client", on_delete=models.PROTECT, related_name="episodes", verbose_name=_("client")
    )
    assessment = models.OneToOneField(
        "intake.Assessment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="episode",
        verbose_name=_("assessment"),
    )
    primary_therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="primary_episodes",
        verbose_name=_("primary therapist"),
    )
    co_therapists = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="co_episodes",
        verbose_name=_("co-therapists"),
    )
    started_at = models.DateTimeField(_("placed"), default=timezone.now)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    end_reason = models.CharField(
        _("end reason"), max_length=20, choices=EndReason.choices, blank=True
    )
    end_note = models.CharField(_("about the end"), max_length=1000, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    follow_up_consent = models.BooleanField(
        _("agreed to a follow-up questionnaire after the end"), default=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = EpisodeQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True, end_reason="")
                | Q(ended_at__isnull=False) & ~Q(end_reason=""),
                name="episode_end_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["team", "ended_at"])]
        verbose_name = _("episode")
        verbose_name_plural = _("episodes")

    def __str__(self) -> str:
        return f"{self.client} {self.started_at:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.ended_at is None

    @property
    def treatment_start(self) -> date | None:
        """The day treatment began (needs Episode.objects.with_treatment_start()): the first
        attended treatment session or course meeting, or guided self-help material given."""
        days = [
            timezone.localdate(self.first_session_at) if self.first_session_at else None,
            timezone.localdate(self.first_meeting_at) if self.first_meeting_at else None,
            self.first_self_help_on,
        ]
        return min((day for day in days if day is not None), default=None)

    @property
    def scores_from(self) -> datetime:
        """Scores count from the contact that led here (the pre-assessment link included),
        or from the assessment if it was held before the contact was typed in."""
        if self.assessment is not None:
            return min(self.assessment.contact.registered_at, self.assessment.held_at)
        return self.started_at

    @property
    def score_points(self) -> list[ScorePoint]:
        """PHQ-9/GAD-7 by occasion, oldest first (prefetched by with_outcome_facts)."""
        responses = getattr(self.client, "outcome_responses", None)
        if responses is None:
            responses = Response.objects.current().filter(
                client_id=self.client_id, instrument_code__in=OUTCOME_CODES, total__isnull=False
            )
        until = self.ended_at + FINAL_SCORE_GRACE if self.ended_at else None
        return score_points(
            Score(
                occasion=_occasion_key(r), at=r.answered_at, code=r.instrument_code, total=r.total
            )
            for r in responses
            if r.total is not None
            and r.answered_at >= self.scores_from
            and (until is None or r.answered_at <= until)
        )


def _occasion_key(response: Response) -> tuple[object, ...]:
    """PHQ-9 and GAD-7 pair up when answered for one occasion (or link, or day)."""
    if response.occasion_id is not None:
        return ("occasion", response.occasion_type_id, response.occasion_id)
    if response.invitation_id is not None:
        return ("invitation", response.invitation_id)
    return ("day", timezone.localdate(response.answered_at))


class TherapistChange(models.Model):
    """History of the primary therapist: one row per period, the open one is current."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="therapist_history")
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["started_at", "pk"]

    def __str__(self) -> str:
        return f"{self.therapist} {self.started_at:%Y-%m-%d}"


class OfferStart(models.TextChoices):
    PLACEMENT = "placement", _("Placed at assessment")
    STEP_UP = "step_up", _("Stepped up")
    STEP_DOWN = "step_down", _("Stepped down")
    PARALLEL = "parallel", _("Added alongside")


class OfferEnd(models.TextChoices):
    COMPLETED = "completed", _("Completed")
    STEPPED = "stepped", _("Replaced by another step")
    DROPPED_OUT = "dropped_out", _("Dropped out")
    EPISODE_ENDED = "episode_ended", _("Episode ended")


class Offer(models.Model):
    """Help on one step within an episode; offers may overlap (course plus sessions)."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="offers")
    step = models.PositiveSmallIntegerField(_("step"), choices=Step.choices)
    started_on = models.DateField(_("started"), default=timezone.localdate)
    start_reason = models.CharField(_("why it started"), max_length=12, choices=OfferStart.choices)
    ended_on = models.DateField(_("ended"), null=True, blank=True)
    end_reason = models.CharField(
        _("why it ended"), max_length=16, choices=OfferEnd.choices, blank=True
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="offer_ends_after_start",
            ),
        ]
        ordering = ["started_on", "pk"]
        verbose_name = _("offer")
        verbose_name_plural = _("offers")

    def __str__(self) -> str:
        return f"{self.get_step_display()} {self.started_on}"


class SessionPurpose(models.TextChoices):
    ASSESSMENT = "assessment", _("Assessment")
    TREATMENT = "treatment", _("Treatment")
    FOLLOW_UP = "follow_up", _("Guided self-help follow-up call")
    REVIEW = "review", _("Review")
    BOOSTER = "booster", _("Booster session after the end")
    AFTER_END_CALL = "after_call", _("Follow-up call after the end")


class SessionMode(models.TextChoices):
    FACE_TO_FACE = "face_to_face", _("Face to face")
    PHONE = "phone", _("Phone")
    VIDEO = "video", _("Video")
    HOME_VISIT = "home_visit", _("Home visit")


class Attendance(models.TextChoices):
    BOOKED = "booked", _("Booked")
    ATTENDED = "attended", _("Attended")
    DID_NOT_ATTEND = "did_not_attend", _("Did not attend")
    CANCELLED_BY_CLIENT = "cancelled_client", _("Cancelled by the client")
    CANCELLED_BY_SERVICE = "cancelled_service", _("Cancelled by the service")


# Purposes that count as treatment for "finished" (domain.md §4): not the assessment.
TREATMENT_PURPOSES = (SessionPurpose.TREATMENT, SessionPurpose.FOLLOW_UP, SessionPurpose.REVIEW)
# What can be booked on an ended episode without reopening it; not treatment sessions, so the
# episode's outcome (finished, paired scores) stays as it was at the end.
AFTER_END_PURPOSES = (SessionPurpose.BOOSTER, SessionPurpose.AFTER_END_CALL)


class Session(models.Model):
    """An individual appointment (time). Course meetings are CourseMeeting, not sessions."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="sessions")
    offer = models.ForeignKey(
        Offer, on_delete=models.PROTECT, null=True, blank=True, related_name="sessions"
    )
    guided_self_help = models.ForeignKey(
        "GuidedSelfHelp",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
    )
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="treatment_sessions",
        verbose_name=_("therapist"),
    )
    starts_at = models.DateTimeField(_("time"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"),
        default=45,
        validators=[MinValueValidator(5), MaxValueValidator(480)],
    )
    purpose = models.CharField(_("purpose"), max_length=12, choices=SessionPurpose.choices)
    mode = models.CharField(_("mode"), max_length=14, choices=SessionMode.choices)
    location = models.CharField(_("place"), max_length=200, blank=True)
    attendance = models.CharField(
        _("attendance"), max_length=20, choices=Attendance.choices, default=Attendance.BOOKED
    )
    attendance_recorded_at = models.DateTimeField(null=True, blank=True)
    attendance_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=500, blank=True)
    # Clinical content: therapists only. `note_version` is the optimistic lock.
    note = models.TextField(_("note"), max_length=5000, blank=True)
    homework = models.TextField(_("homework"), max_length=2000, blank=True)
    note_version = models.PositiveIntegerField(default=0, editable=False)
    note_updated_at = models.DateTimeField(null=True, blank=True)
    note_updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Guided self-help follow-up calls: progress and what comes next.
    modules_done = models.PositiveSmallIntegerField(_("modules done"), null=True, blank=True)
    next_step = models.CharField(_("next step"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["team", "therapist", "starts_at"]),
            models.Index(fields=["episode", "starts_at"]),
        ]
        ordering = ["starts_at", "pk"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} {self.starts_at:%Y-%m-%d %H:%M}"


class NoteTemplate(models.Model):
    """Starting text for a session note, per purpose; a team may add its own."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    purpose = models.CharField(_("purpose"), max_length=12, choices=SessionPurpose.choices)
    name = models.CharField(_("name"), max_length=100)
    text = models.TextField(_("text"), max_length=5000)

    class Meta:
        ordering = ["purpose", "name"]
        verbose_name = _("note template")
        verbose_name_plural = _("note templates")

    def __str__(self) -> str:
        return self.name


class CourseKind(models.TextChoices):
    KID = "kid", _("KiD – coping with depression")
    KIB = "kib", _("KiB – coping with stress")
    INTRODUCTION = "introduction", _("Introduction course")
    SLEEP = "sleep", _("Sleep course")
    DROP_IN_PANIC = "drop_in_panic", _("Drop-in panic course")
    OTHER = "other", _("The team's own course")


class CourseType(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=CourseKind.choices)
    name = models.CharField(_("name"), max_length=100)
    drop_in = models.BooleanField(
        _("drop-in"), default=False, help_text=_("People come without signing up.")
    )
    meetings = models.PositiveSmallIntegerField(
        _("meetings"), default=4, validators=[MinValueValidator(1), MaxValueValidator(52)]
    )
    description = models.TextField(_("description"), max_length=2000, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "name"], name="course_type_name_unique")
        ]
        ordering = ["name"]
        verbose_name = _("course type")
        verbose_name_plural = _("course types")

    def __str__(self) -> str:
        return self.name


class TimeOfDay(models.TextChoices):
    DAY = "day", _("Daytime")
    EVENING = "evening", _("Evening")


class CourseRunQuerySet(models.QuerySet["CourseRun"]):
    def with_schedule(self) -> "CourseRunQuerySet":
        """`first_meeting_at` and `last_meeting_at`: the run's meetings not cancelled."""
        meetings = CourseMeeting.objects.filter(run=models.OuterRef("pk"), cancelled=False)
        return self.annotate(
            first_meeting_at=models.Subquery(
                meetings.order_by("starts_at").values("starts_at")[:1]
            ),
            last_meeting_at=models.Subquery(
                meetings.order_by("-starts_at").values("starts_at")[:1]
            ),
        )

    def with_fill_rate(self) -> "CourseRunQuerySet":
        """Per run, in one query: `enrolled` (clients holding a place: enrolled or completed),
        `meetings_held` (begun, not cancelled), `attended_total` (named attendees plus those
        not registered by name at the meetings held), `relatives_total`,
        `average_attendance` per meeting held, `fill_rate` (per cent of the places: enrolled,
        or for a drop-in course the average attendance) and `average_evaluation` (1-6).
        The averages and the rate are None when there is nothing to divide by."""
        now = timezone.now()
        held = CourseMeeting.objects.filter(
            run=models.OuterRef("pk"), cancelled=False, starts_at__lte=now
        ).order_by()
        named = MeetingAttendance.objects.filter(
            meeting__run=models.OuterRef("pk"),
            attended=True,
            meeting__cancelled=False,
            meeting__starts_at__lte=now,
        ).order_by()
        placed = Enrolment.objects.filter(
            run=models.OuterRef("pk"), status__in=HOLDING_PLACE
        ).order_by()
        rated = Enrolment.objects.filter(
            run=models.OuterRef("pk"), evaluation__isnull=False
        ).order_by()

        def per_run(
            rows: models.QuerySet, run: str, aggregate: models.Aggregate
        ) -> models.Subquery:
            return models.Subquery(rows.values(run).annotate(value=aggregate).values("value"))

        zero = models.Value(0)
        real = models.FloatField()
        runs = self.annotate(
            enrolled=Coalesce(per_run(placed, "run", models.Count("pk")), zero),
            meetings_held=Coalesce(per_run(held, "run", models.Count("pk")), zero),
            attended_total=Coalesce(per_run(named, "meeting__run", models.Count("pk")), zero)
            + Coalesce(per_run(held, "run", models.Sum("unregistered_attendees")), zero),
            relatives_total=Coalesce(per_run(held, "run", models.Sum("relatives")), zero),
            average_evaluation=per_run(rated, "run", models.Avg("evaluation", output_field=real)),
        )
        runs = runs.annotate(
            average_attendance=Cast("attended_total", real)
            / NullIf(Cast("meetings_held", real), models.Value(0.0)),
        )
        return runs.annotate(
            fill_rate=models.Case(
                models.When(
                    course_type__drop_in=True,
                    then=models.F("average_attendance") * 100.0 / Cast("capacity", real),
                ),
                default=Cast("enrolled", real) * 100.0 / Cast("capacity", real),
                output_field=real,
            )
        )


class CourseRun(models.Model):
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    course_type = models.ForeignKey(
        CourseType, on_delete=models.PROTECT, related_name="runs", verbose_name=_("course type")
    )
    title = models.CharField(_("title"), max_length=150)
    location = models.CharField(_("place"), max_length=200)
    time_of_day = models.CharField(_("time of day"), max_length=8, choices=TimeOfDay.choices)
    leaders = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="led_course_runs", verbose_name=_("leaders")
    )
    capacity = models.PositiveSmallIntegerField(
        _("places"), validators=[MinValueValidator(1), MaxValueValidator(200)]
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
        help_text=_("Empty: open to all the team's municipalities."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The optimistic lock on the run's details (rph.versioning).
    version = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    objects = CourseRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = _("course run")
        verbose_name_plural = _("course runs")

    def __str__(self) -> str:
        return self.title


class CourseMeeting(models.Model):
    run = models.ForeignKey(CourseRun, on_delete=models.CASCADE, related_name="course_meetings")
    starts_at = models.DateTimeField(_("starts"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"),
        default=120,
        validators=[MinValueValidator(15), MaxValueValidator(480)],
    )
    cancelled = models.BooleanField(_("cancelled"), default=False)
    # Drop-in: people who came without being registered, and relatives who came along.
    unregistered_attendees = models.PositiveSmallIntegerField(
        _("attendees not registered by name"), default=0
    )
    relatives = models.PositiveSmallIntegerField(_("relatives who came along"), default=0)
    invitations_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("course meeting")
        verbose_name_plural = _("course meetings")

    def __str__(self) -> str:
        return f"{self.run} {self.starts_at:%Y-%m-%d}"


class EnrolmentStatus(models.TextChoices):
    WAITING = "waiting", _("On the waitlist")
    ENROLLED = "enrolled", _("Enrolled")
    COMPLETED = "completed", _("Completed")
    DROPPED_OUT = "dropped_out", _("Dropped out")
    WITHDRAWN = "withdrawn", _("Taken off the waitlist")


# Enrolments that take up one of a run's places (capacity and fill rate count these).
HOLDING_PLACE = (EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED)


class Enrolment(models.Model):
    """A client's place on a course type's waitlist, then on a run of it."""

    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="enrolments")
    offer = models.ForeignKey(
        Offer, on_delete=models.PROTECT, null=True, blank=True, related_name="enrolments"
    )
    course_type = models.ForeignKey(CourseType, on_delete=models.PROTECT, related_name="enrolments")
    run = models.ForeignKey(
        CourseRun, on_delete=models.PROTECT, null=True, blank=True, related_name="enrolments"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=EnrolmentStatus.choices, default=EnrolmentStatus.WAITING
    )
    waiting_since = models.DateTimeField(_("on the waitlist since"), default=timezone.now)
    enrolled_at = models.DateTimeField(_("enrolled"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    evaluation = models.PositiveSmallIntegerField(
        _("course evaluation (1-6)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(6)],
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(status=EnrolmentStatus.WAITING, run__isnull=True)
                | Q(status=EnrolmentStatus.WITHDRAWN)
                | Q(run__isnull=False) & ~Q(status=EnrolmentStatus.WAITING),
                name="enrolment_run_matches_status",
            ),
            models.CheckConstraint(
                condition=Q(evaluation__isnull=True) | Q(evaluation__gte=1, evaluation__lte=6),
                name="enrolment_evaluation_1_to_6",
            ),
        ]
        ordering = ["waiting_since", "pk"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")

    def __str__(self) -> str:
        return f"{self.course_type} ({self.status})"


class MeetingAttendance(models.Model):
    """Who came to a course meeting: enrolled participants, or a known client at a drop-in."""

    meeting = models.ForeignKey(CourseMeeting, on_delete=models.CASCADE, related_name="attendances")
    episode = models.ForeignKey(
        Episode, on_delete=models.PROTECT, related_name="meeting_attendances"
    )
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.PROTECT, null=True, blank=True, related_name="attendances"
    )
    attended = models.BooleanField(_("attended"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "episode"], name="one_attendance_per_meeting"
            )
        ]

    def __str__(self) -> str:
        return f"{self.meeting} {self.attended}"


class Programme(models.TextChoices):
    ASSISTED_ANXIETY = "assisted_anxiety", _("Assistert selvhjelp: anxiety")
    ASSISTED_DEPRESSION = "assisted_depression", _("Assistert selvhjelp: depression")
    ASSISTED_SLEEP = "assisted_sleep", _("Assistert selvhjelp: sleep")
    EMEISTRING = "emeistring", _("eMeistring")
    BINDER = "binder", _("The team's own binder")
    BOOK = "book", _("A book")
    OTHER = "other", _("Other")


class GuidedSelfHelp(models.Model):
    """Step 1: material or an access code, and follow-up calls (Session, purpose follow_up)."""

    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="self_help")
    offer = models.ForeignKey(
        Offer, on_delete=models.PROTECT, null=True, blank=True, related_name="self_help"
    )
    programme = models.CharField(_("programme"), max_length=20, choices=Programme.choices)
    programme_detail = models.CharField(
        _("title or details"), max_length=200, blank=True, help_text=_("E.g. the book's title.")
    )
    modules_total = models.PositiveSmallIntegerField(_("modules in all"), null=True, blank=True)
    material_given_on = models.DateField(_("code or material given"))
    follow_up_every_days = models.PositiveSmallIntegerField(
        _("follow-up call every (days)"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    ended_on = models.DateField(_("ended"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("guided self-help")
        verbose_name_plural = _("guided self-help")

    def __str__(self) -> str:
        return self.get_programme_display()


class FollowUp(models.Model):
    """A follow-up questionnaire `months` after an ended episode, with the client's consent.

    Planned when the episode ends (the team's `follow_up_months`), sent on `due_on` through the
    outbox (treatment.follow_up.services), answered through the link. A case again at follow-up
    (treatment.outcomes.is_case) or a risk flag is a relapse: the team gets a notification.
    """

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="follow_ups")
    months = models.PositiveSmallIntegerField(_("months after the end"))
    due_on = models.DateField(_("due"))
    invitation = models.OneToOneField(
        "questionnaires.Invitation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_up",
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    not_sent_reason = models.CharField(max_length=200, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    relapse = models.BooleanField(_("relapse or risk"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["episode", "months"], name="one_follow_up_per_month")
        ]
        indexes = [models.Index(fields=["due_on", "sent_at"])]
        verbose_name = _("follow-up after the end")
        verbose_name_plural = _("follow-ups after the end")

    def __str__(self) -> str:
        return f"{self.episode_id} +{self.months}m {self.due_on:%Y-%m-%d}"


# -- Therapist time: working hours and leave (free slots, the capacity forecast) -----------


class WorkingHours(models.Model):
    """A therapist's regular hours on one weekday in a team (several blocks a day allowed)."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="working_hours",
        verbose_name=_("therapist"),
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    starts = models.TimeField(_("from"))
    ends = models.TimeField(_("to"))
    client_share = models.PositiveSmallIntegerField(
        _("share for client sessions (%)"),
        default=70,
        validators=[MaxValueValidator(100)],
        help_text=_(
            "The part of these hours a therapist can spend with clients; the rest is "
            "notes, meetings and travel. Used by the capacity forecast."
        ),
    )

    class Meta:
        ordering = ["therapist", "weekday", "starts"]
        verbose_name = _("working hours")
        verbose_name_plural = _("working hours")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends__gt=models.F("starts")), name="hours_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts:%H:%M}-{self.ends:%H:%M}"


class Leave(models.Model):
    """Days a therapist is away: holiday, sick leave, a course."""

    class Reason(models.TextChoices):
        HOLIDAY = "holiday", _("Holiday")
        SICK = "sick", _("Sick leave")
        COURSE = "course", _("Course or conference")
        OTHER = "other", _("Other")

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="leave",
        verbose_name=_("therapist"),
    )
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))
    reason = models.CharField(_("reason"), max_length=10, choices=Reason.choices)

    class Meta:
        ordering = ["therapist", "first_day"]
        verbose_name = _("leave")
        verbose_name_plural = _("leave")
        constraints = [
            models.CheckConstraint(
                condition=Q(last_day__gte=models.F("first_day")), name="leave_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_day:%d.%m.%Y}-{self.last_day:%d.%m.%Y}"


# -- Self-booking: a link that offers a therapist's free slots ----------------------------


class BookingLink(models.Model):
    """A link the team sends: the client picks one of `slots` and the session is booked.

    The token is the questionnaire link's kind (questionnaires.tokens): only its hash is
    stored, it is used up by a booking and dies at `expires_at` or when staff expire it.
    """

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="booking_links")
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("therapist"),
    )
    purpose = models.CharField(_("purpose"), max_length=12, choices=SessionPurpose.choices)
    mode = models.CharField(_("mode"), max_length=14, choices=SessionMode.choices)
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"))
    location = models.CharField(_("place"), max_length=200, blank=True)
    slots = models.JSONField(_("offered times"), help_text=_("ISO start times, oldest first."))
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    first_opened_at = models.DateTimeField(_("first opened"), null=True, blank=True)
    last_opened_at = models.DateTimeField(_("last opened"), null=True, blank=True)
    times_opened = models.PositiveIntegerField(default=0)
    session = models.OneToOneField(
        Session, on_delete=models.PROTECT, null=True, blank=True, related_name="booking_link"
    )
    booked_at = models.DateTimeField(_("booked"), null=True, blank=True)
    expired_at = models.DateTimeField(_("expired by staff"), null=True, blank=True)
    expired_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("booking link")
        verbose_name_plural = _("booking links")

    def __str__(self) -> str:
        return f"{self.created_at:%d.%m.%Y %H:%M}"

    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        OPENED = "opened", _("Opened")
        BOOKED = "booked", _("Booked")
        EXPIRED = "expired", _("Expired")

    @property
    def status(self) -> "BookingLink.Status":
        if self.session_id:
            return self.Status.BOOKED
        if self.expired_at or self.expires_at <= timezone.now():
            return self.Status.EXPIRED
        return self.Status.OPENED if self.first_opened_at else self.Status.SENT

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.SENT, self.Status.OPENED)
