"""Course API: course types, runs with their meetings, meetings and their attendance, and
enrolments. The same rules as the pages (treatment/courses/access.py); enrolling from an
episode goes through the episode's access check (logged). Bad input is answered with 400
rather than raised, and nothing is changed."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from intake.api import WorksWithClients
from rph.accounts.access import Need
from rph.accounts.models import Municipality, Team, User
from rph.accounts.roles import Role
from rph.accounts.teams import current_membership, roles_by_team
from treatment.courses import attendance, enrolments, rules, services
from treatment.courses.access import (
    COURSE_STAFF_ROLES,
    SCHEDULE_ROLES,
    get_course_type_for_user,
    get_enrolment_for_user,
    get_meeting_for_user,
    get_run_for_user,
)
from treatment.courses.schedule import MAX_INTERVAL_DAYS, MAX_MEETINGS, MeetingPlan
from treatment.episodes.access import get_episode_for_user
from treatment.models import (
    CourseMeeting,
    CourseRun,
    CourseType,
    Enrolment,
    EnrolmentStatus,
    Episode,
    TimeOfDay,
)


def _teams(request: Request, roles: frozenset[Role]) -> list[int]:
    return [team for team, role in roles_by_team(request.user).items() if role in roles]


class RunsCourses(WorksWithClients):
    """Team leads and clinicians in some team: others get 403, as on the pages."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return super().has_permission(request, view) and bool(_teams(request, COURSE_STAFF_ROLES))


class ClinicalWrites(WorksWithClients):
    """Reads for everyone who works with clients; writes for team leads and clinicians."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return super().has_permission(request, view)
        return RunsCourses().has_permission(request, view)


# -- Serializers ---------------------------------------------------------------------------


class CourseTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = CourseType
        fields = ["id", "team", "kind", "name", "drop_in", "meetings", "description", "active"]
        read_only_fields = ["team"]


class MeetingSerializer(serializers.ModelSerializer):
    class Meta:
        model = CourseMeeting
        fields = [
            "id",
            "run",
            "starts_at",
            "duration_minutes",
            "cancelled",
            "unregistered_attendees",
            "relatives",
            "invitations_sent_at",
        ]
        read_only_fields = ["run", "unregistered_attendees", "relatives", "invitations_sent_at"]


class CourseRunSerializer(serializers.ModelSerializer):
    meetings = MeetingSerializer(many=True, read_only=True, source="course_meetings")
    enrolled = serializers.IntegerField(read_only=True)
    meetings_held = serializers.IntegerField(read_only=True)
    average_attendance = serializers.FloatField(read_only=True, allow_null=True)
    fill_rate = serializers.FloatField(
        read_only=True,
        allow_null=True,
        help_text="Per cent of the places (see docs/treatment.md, Courses).",
    )

    class Meta:
        model = CourseRun
        fields = [
            "id",
            "team",
            "course_type",
            "title",
            "location",
            "time_of_day",
            "leaders",
            "capacity",
            "municipality",
            "meetings",
            "enrolled",
            "meetings_held",
            "average_attendance",
            "fill_rate",
        ]


class CourseRunCreateSerializer(serializers.Serializer):
    course_type = serializers.IntegerField()
    title = serializers.CharField(max_length=150)
    location = serializers.CharField(max_length=200)
    time_of_day = serializers.ChoiceField(choices=TimeOfDay.choices)
    leaders = serializers.ListField(child=serializers.IntegerField(), min_length=1, max_length=2)
    capacity = serializers.IntegerField(min_value=1, max_value=200)
    municipality = serializers.IntegerField(
        allow_null=True, required=False, help_text="Null: intermunicipal."
    )
    first_day = serializers.DateField()
    start_time = serializers.TimeField(help_text="Local time (Europe/Oslo) of every meeting.")
    duration_minutes = serializers.IntegerField(min_value=15, max_value=480, default=120)
    count = serializers.IntegerField(
        min_value=1, max_value=MAX_MEETINGS, required=False, help_text="Default: the type's."
    )
    interval_days = serializers.IntegerField(min_value=1, max_value=MAX_INTERVAL_DAYS, default=7)


class MeetingUpdateSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField(required=False)
    duration_minutes = serializers.IntegerField(min_value=15, max_value=480, required=False)
    cancelled = serializers.BooleanField(required=False)


class AttendanceRowSerializer(serializers.Serializer):
    episode = serializers.IntegerField()
    attended = serializers.BooleanField()


class AttendanceSerializer(serializers.Serializer):
    attendance = AttendanceRowSerializer(
        many=True,
        help_text="Episodes not on the list are clients who came to a drop-in meeting.",
    )
    unregistered_attendees = serializers.IntegerField(min_value=0, max_value=500, default=0)
    relatives = serializers.IntegerField(min_value=0, max_value=500, default=0)


class ParticipantSerializer(serializers.Serializer):
    episode = serializers.IntegerField()
    client_name = serializers.CharField()
    enrolment = serializers.IntegerField(allow_null=True, help_text="Null: came to a drop-in.")
    attended = serializers.BooleanField(allow_null=True, help_text="Null: not recorded.")


class AttendanceListSerializer(serializers.Serializer):
    meeting = serializers.IntegerField()
    drop_in = serializers.BooleanField()
    participants = ParticipantSerializer(many=True)
    unregistered_attendees = serializers.IntegerField()
    relatives = serializers.IntegerField()


class EnrolmentSerializer(serializers.ModelSerializer):
    client = serializers.IntegerField(source="episode.client_id", read_only=True)
    client_name = serializers.CharField(source="episode.client.__str__", read_only=True)

    class Meta:
        model = Enrolment
        fields = [
            "id",
            "episode",
            "client",
            "client_name",
            "offer",
            "course_type",
            "run",
            "status",
            "waiting_since",
            "enrolled_at",
            "ended_at",
            "evaluation",
        ]


class EnrolmentCreateSerializer(serializers.Serializer):
    episode = serializers.IntegerField()
    course_type = serializers.IntegerField()
    run = serializers.IntegerField(required=False, allow_null=True)


class EnrolmentUpdateSerializer(serializers.Serializer):
    run = serializers.IntegerField(required=False, help_text="Place a waiting client on a run.")
    status = serializers.ChoiceField(
        choices=[EnrolmentStatus.WITHDRAWN, *rules.RUN_ENDINGS], required=False
    )
    evaluation = serializers.IntegerField(min_value=1, max_value=6, required=False, allow_null=True)


def _runs(team_ids: list[int]):  # type: ignore[no-untyped-def]
    meetings = CourseMeeting.objects.order_by("starts_at", "pk")
    return (
        CourseRun.objects.filter(team__in=team_ids)
        .with_fill_rate()
        .prefetch_related("leaders", Prefetch("course_meetings", queryset=meetings))
        .order_by("-created_at", "-pk")
    )


# -- Course types --------------------------------------------------------------------------


class CourseTypeList(generics.ListAPIView):
    """The course types of every team where the user works with clients. POST adds one to
    the current team (team leads and clinicians)."""

    serializer_class = CourseTypeSerializer
    permission_classes = [ClinicalWrites]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return CourseType.objects.filter(team__in=_teams(self.request, SCHEDULE_ROLES)).order_by(
            "team", "name", "pk"
        )

    @extend_schema(request=CourseTypeSerializer, responses={201: CourseTypeSerializer})
    def post(self, request: Request) -> Response:
        membership = current_membership(request)
        if membership is None or membership.role not in COURSE_STAFF_ROLES:
            return Response(
                {"detail": _("You may not add course types in this team.")},
                status=status.HTTP_403_FORBIDDEN,
            )
        serializer = CourseTypeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        course_type = services.course_type_save(
            course_type=CourseType(team=membership.team, **serializer.validated_data)
        )
        return Response(CourseTypeSerializer(course_type).data, status=status.HTTP_201_CREATED)


class CourseTypeDetail(APIView):
    permission_classes = [WorksWithClients]

    @extend_schema(responses=CourseTypeSerializer)
    def get(self, request: Request, pk: int) -> Response:
        course_type, _role = get_course_type_for_user(request, pk, SCHEDULE_ROLES)
        return Response(CourseTypeSerializer(course_type).data)

    @extend_schema(request=CourseTypeSerializer, responses=CourseTypeSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        course_type, _role = get_course_type_for_user(request, pk)
        serializer = CourseTypeSerializer(course_type, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        for field, value in serializer.validated_data.items():
            setattr(course_type, field, value)
        services.course_type_save(course_type=course_type)
        return Response(CourseTypeSerializer(course_type).data)


# -- Runs and meetings ---------------------------------------------------------------------


class CourseRunList(generics.ListAPIView):
    """Course runs with their meetings and fill rate, of every team where the user works with
    clients. POST creates a run and its meetings (team leads and clinicians)."""

    serializer_class = CourseRunSerializer
    permission_classes = [ClinicalWrites]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return _runs(_teams(self.request, SCHEDULE_ROLES))

    @extend_schema(request=CourseRunCreateSerializer, responses={201: CourseRunSerializer})
    def post(self, request: Request) -> Response:
        serializer = CourseRunCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        course_type = CourseType.objects.filter(
            pk=data["course_type"], team__in=_teams(request, COURSE_STAFF_ROLES)
        ).first()
        if course_type is None:
            raise serializers.ValidationError(
                {"course_type": [_("Choose one of your team's course types.")]}
            )
        team: Team = course_type.team
        leaders = list(User.objects.filter(pk__in=data["leaders"]))
        if len(leaders) != len(set(data["leaders"])):
            raise serializers.ValidationError(
                {"leaders": [_("The leaders must be therapists in the team.")]}
            )
        municipality = None
        if data.get("municipality") is not None:
            municipality = Municipality.objects.filter(pk=data["municipality"]).first()
            if municipality is None:
                raise serializers.ValidationError(
                    {"municipality": [_("Choose one of the team's municipalities.")]}
                )
        plan = MeetingPlan(
            first_day=data["first_day"],
            start_time=data["start_time"],
            count=data.get("count") or course_type.meetings,
            interval_days=data["interval_days"],
        )
        run = services.course_run_create(
            team=team,
            course_type=course_type,
            title=data["title"],
            location=data["location"],
            time_of_day=data["time_of_day"],
            leaders=leaders,
            capacity=data["capacity"],
            municipality=municipality,
            plan=plan,
            duration_minutes=data["duration_minutes"],
            created_by=request.user,
        )
        body = CourseRunSerializer(_runs([team.pk]).get(pk=run.pk)).data
        return Response(body, status=status.HTTP_201_CREATED)


class CourseRunDetail(APIView):
    permission_classes = [WorksWithClients]

    @extend_schema(responses=CourseRunSerializer)
    def get(self, request: Request, pk: int) -> Response:
        run, _role = get_run_for_user(request, pk)
        return Response(CourseRunSerializer(_runs([run.team_id]).get(pk=run.pk)).data)


class CourseMeetingDetail(APIView):
    permission_classes = [WorksWithClients]

    @extend_schema(responses=MeetingSerializer)
    def get(self, request: Request, pk: int) -> Response:
        meeting, _role = get_meeting_for_user(request, pk)
        return Response(MeetingSerializer(meeting).data)

    @extend_schema(request=MeetingUpdateSerializer, responses=MeetingSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        """Move, shorten or cancel the meeting; links sent for the old time stop working."""
        meeting, _role = get_meeting_for_user(request, pk, COURSE_STAFF_ROLES)
        serializer = MeetingUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        meeting = services.course_meeting_save(
            meeting=meeting,
            starts_at=data.get("starts_at", meeting.starts_at),
            duration_minutes=data.get("duration_minutes", meeting.duration_minutes),
            cancelled=data.get("cancelled", meeting.cancelled),
        )
        return Response(MeetingSerializer(meeting).data)


def _attendance_body(meeting: CourseMeeting) -> dict[str, object]:
    return {
        "meeting": meeting.pk,
        "drop_in": meeting.run.course_type.drop_in,
        "participants": [
            {
                "episode": row.episode.pk,
                "client_name": str(row.episode.client),
                "enrolment": row.enrolment.pk if row.enrolment else None,
                "attended": row.attended,
            }
            for row in attendance.meeting_participants(meeting)
        ],
        "unregistered_attendees": meeting.unregistered_attendees,
        "relatives": meeting.relatives,
    }


class CourseMeetingAttendance(APIView):
    """GET: the attendance list (attended null = not recorded). PUT: record it."""

    permission_classes = [WorksWithClients]

    @extend_schema(responses=AttendanceListSerializer)
    def get(self, request: Request, pk: int) -> Response:
        meeting, _role = get_meeting_for_user(request, pk)
        return Response(_attendance_body(meeting))

    @extend_schema(request=AttendanceSerializer, responses=AttendanceListSerializer)
    def put(self, request: Request, pk: int) -> Response:
        meeting, _role = get_meeting_for_user(request, pk, COURSE_STAFF_ROLES)
        serializer = AttendanceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        listed = {row.episode.pk for row in attendance.meeting_participants(meeting)}
        marks = {row["episode"]: row["attended"] for row in data["attendance"]}
        added_ids = [episode for episode in marks if episode not in listed]
        if any(not marks[episode] for episode in added_ids):
            raise serializers.ValidationError({"attendance": [_("Add only clients who came.")]})
        added = list(Episode.objects.filter(pk__in=added_ids, team_id=meeting.run.team_id))
        if len(added) != len(added_ids):
            raise serializers.ValidationError(
                {"attendance": [_("Choose an open episode in the team.")]}
            )
        attendance.meeting_attendance_record(
            meeting=meeting,
            marks={episode: value for episode, value in marks.items() if episode in listed},
            unregistered=data["unregistered_attendees"],
            relatives=data["relatives"],
            add_episodes=added,
            by=request.user,
        )
        meeting.refresh_from_db()
        return Response(_attendance_body(meeting))


# -- Enrolments ----------------------------------------------------------------------------


class EnrolmentList(generics.ListAPIView):
    """Enrolments in the user's teams (team leads and clinicians), longest wait first;
    filter with ?course_type=, ?run= and ?status=. POST enrols a client from an episode."""

    serializer_class = EnrolmentSerializer
    permission_classes = [RunsCourses]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        enrolments = Enrolment.objects.filter(
            course_type__team__in=_teams(self.request, COURSE_STAFF_ROLES)
        ).select_related("episode__client")
        params = self.request.query_params
        for field in ("course_type", "run"):
            if params.get(field, "").isdigit():
                enrolments = enrolments.filter(**{field: int(params[field])})
        if params.get("status") in EnrolmentStatus.values:
            enrolments = enrolments.filter(status=params["status"])
        return enrolments.order_by("waiting_since", "pk")

    @extend_schema(request=EnrolmentCreateSerializer, responses={201: EnrolmentSerializer})
    def post(self, request: Request) -> Response:
        serializer = EnrolmentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        episode, _access = get_episode_for_user(request, data["episode"], Need.CLINICAL_WRITE)
        course_type = CourseType.objects.filter(
            pk=data["course_type"], team_id=episode.team_id
        ).first()
        if course_type is None:
            raise serializers.ValidationError(
                {"course_type": [_("Choose one of the team's active courses.")]}
            )
        run = None
        if data.get("run") is not None:
            run = CourseRun.objects.filter(pk=data["run"], team_id=episode.team_id).first()
            if run is None:
                raise serializers.ValidationError(
                    {"run": [_("Choose a run of the same course type.")]}
                )
        enrolment = enrolments.enrolment_create(
            episode=episode, course_type=course_type, run=run, by=request.user
        )
        return Response(EnrolmentSerializer(enrolment).data, status=status.HTTP_201_CREATED)


class EnrolmentDetail(APIView):
    permission_classes = [WorksWithClients]

    @extend_schema(responses=EnrolmentSerializer)
    def get(self, request: Request, pk: int) -> Response:
        enrolment, _role = get_enrolment_for_user(request, pk)
        return Response(EnrolmentSerializer(enrolment).data)

    @extend_schema(request=EnrolmentUpdateSerializer, responses=EnrolmentSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        """`run`: from the waitlist onto a run; `status` withdrawn: off the waitlist;
        `status` completed or dropped_out (with `evaluation`): at the end of the run."""
        enrolment, _role = get_enrolment_for_user(request, pk)
        serializer = EnrolmentUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        self._apply(enrolment, data)
        enrolment.refresh_from_db()
        return Response(EnrolmentSerializer(enrolment).data)

    def _apply(self, enrolment: Enrolment, data: dict) -> None:
        if "run" in data:
            run = CourseRun.objects.filter(pk=data["run"], team_id=enrolment.course_type.team_id)
            if not run.exists():
                raise DjangoValidationError({"run": [_("Choose a run of the same course type.")]})
            enrolments.enrolment_place(enrolment=enrolment, run=run.get())
        elif data.get("status") == EnrolmentStatus.WITHDRAWN:
            enrolments.enrolment_withdraw(enrolment=enrolment)
        elif "status" in data:
            if enrolment.run is None:
                raise DjangoValidationError(_("The client is not on a course run."))
            ending = enrolments.RunEnding(
                enrolment_id=enrolment.pk,
                status=data["status"],
                evaluation=data.get("evaluation", enrolment.evaluation),
            )
            enrolments.course_run_complete(run=enrolment.run, endings=[ending])
        else:
            raise DjangoValidationError(_("Send run, or status."))
