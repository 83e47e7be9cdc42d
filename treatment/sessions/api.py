"""Session API: list and book, read and move, cancel, attendance, and the note.

The same rules as the pages: every session is fetched through its client's access check
(logged); clerical staff get the schedule, never the note, homework or follow-up progress.
Bad input is answered with 400 rather than raised, so the access-log row of the look stays.
A note saved with a stale `version` gets 409 with the text saved meanwhile.
"""

from datetime import date

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from intake.api import WorksWithClients
from questionnaires.occasions import day_bounds
from rph.accounts.access import Access, Need
from rph.accounts.models import User
from rph.accounts.roles import CLIENT_ROLES
from rph.accounts.teams import roles_by_team
from treatment.episodes.access import get_episode_for_user
from treatment.models import (
    Attendance,
    GuidedSelfHelp,
    Offer,
    Session,
    SessionMode,
    SessionPurpose,
)
from treatment.sessions.access import get_session_for_user
from treatment.sessions.services import (
    RECORDABLE,
    NoteConflict,
    session_attendance_record,
    session_book,
    session_cancel,
    session_move,
    session_note_save,
)

SCHEDULE_FIELDS = [
    "id",
    "episode",
    "client",
    "client_name",
    "therapist",
    "starts_at",
    "duration_minutes",
    "purpose",
    "mode",
    "location",
    "attendance",
    "attendance_recorded_at",
    "cancel_reason",
    "offer",
    "guided_self_help",
]
NOTE_FIELDS = [
    "note",
    "homework",
    "note_version",
    "modules_done",
    "next_step",
    "note_updated_at",
    "note_updated_by",
]


class SessionSerializer(serializers.ModelSerializer):
    """The schedule: what clerical staff may see."""

    client = serializers.IntegerField(source="episode.client_id", read_only=True)
    client_name = serializers.CharField(source="episode.client", read_only=True)

    class Meta:
        model = Session
        fields = SCHEDULE_FIELDS


class SessionClinicalSerializer(SessionSerializer):
    class Meta:
        model = Session
        fields = SCHEDULE_FIELDS + NOTE_FIELDS


class SessionBookSerializer(serializers.Serializer):
    episode = serializers.IntegerField()
    starts_at = serializers.DateTimeField()
    duration_minutes = serializers.IntegerField(min_value=5, max_value=480, default=45)
    purpose = serializers.ChoiceField(choices=SessionPurpose.choices)
    mode = serializers.ChoiceField(choices=SessionMode.choices)
    location = serializers.CharField(max_length=200, allow_blank=True, default="")
    therapist = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())
    offer = serializers.PrimaryKeyRelatedField(
        queryset=Offer.objects.all(), allow_null=True, default=None
    )
    guided_self_help = serializers.PrimaryKeyRelatedField(
        queryset=GuidedSelfHelp.objects.all(), allow_null=True, default=None
    )


class SessionMoveSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField(required=False)
    duration_minutes = serializers.IntegerField(min_value=5, max_value=480, required=False)
    therapist = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), required=False)
    mode = serializers.ChoiceField(choices=SessionMode.choices, required=False)
    location = serializers.CharField(max_length=200, allow_blank=True, required=False)


class SessionCancelSerializer(serializers.Serializer):
    by_client = serializers.BooleanField()
    reason = serializers.CharField(max_length=500, allow_blank=True, default="")


class SessionAttendanceSerializer(serializers.Serializer):
    attendance = serializers.ChoiceField(choices=[(a, Attendance(a).label) for a in RECORDABLE])


class SessionNoteSerializer(serializers.Serializer):
    note = serializers.CharField(
        max_length=5000, allow_blank=True, default="", trim_whitespace=False
    )
    homework = serializers.CharField(
        max_length=2000, allow_blank=True, default="", trim_whitespace=False
    )
    version = serializers.IntegerField(min_value=0)
    modules_done = serializers.IntegerField(min_value=0, allow_null=True, default=None)
    next_step = serializers.CharField(max_length=500, allow_blank=True, default="")


def _session_data(session: Session, access: Access) -> dict:
    serializer = SessionClinicalSerializer if access.clinical else SessionSerializer
    return serializer(session).data


def _day(request: Request, name: str) -> date | None:
    value = request.query_params.get(name)
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise serializers.ValidationError({name: [_("Give a date as YYYY-MM-DD.")]}) from exc


class SessionList(generics.ListAPIView):
    """Sessions in the teams where you work with clients, by time. Filters: `episode`,
    `therapist` (ids), `from` and `to` (dates, YYYY-MM-DD, both included). POST books one."""

    serializer_class = SessionSerializer
    permission_classes = [WorksWithClients]

    @extend_schema(
        parameters=[
            OpenApiParameter("episode", int),
            OpenApiParameter("therapist", int),
            OpenApiParameter("from", OpenApiTypes.DATE),
            OpenApiParameter("to", OpenApiTypes.DATE),
        ]
    )
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Session]:
        request = self.request
        teams = [t for t, role in roles_by_team(request.user).items() if role in CLIENT_ROLES]
        sessions = Session.objects.filter(team__in=teams)
        params = request.query_params
        if params.get("episode"):
            episode, _access = get_episode_for_user(
                request, _number(params["episode"], "episode"), Need.CONTACT_READ
            )
            sessions = sessions.filter(episode=episode)
        if params.get("therapist"):
            sessions = sessions.filter(therapist_id=_number(params["therapist"], "therapist"))
        if (start := _day(request, "from")) is not None:
            sessions = sessions.filter(starts_at__gte=day_bounds(start)[0])
        if (end := _day(request, "to")) is not None:
            sessions = sessions.filter(starts_at__lt=day_bounds(end)[1])
        return sessions.select_related("episode__client").order_by("starts_at", "pk")

    @extend_schema(request=SessionBookSerializer, responses={201: SessionSerializer})
    def post(self, request: Request) -> Response:
        if not isinstance(request.data, dict):
            raise exceptions.ParseError(_("Send a JSON object."))
        try:
            episode_id = int(str(request.data.get("episode")))
        except ValueError:
            raise serializers.ValidationError({"episode": [_("Give the episode's id.")]}) from None
        episode, access = get_episode_for_user(request, episode_id, Need.CONTACT_WRITE)
        serializer = SessionBookSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        del fields["episode"]
        session = session_book(episode=episode, by=request.user, **fields)
        return Response(_session_data(session, access), status=status.HTTP_201_CREATED)


def _number(value: str, name: str) -> int:
    try:
        return int(value)
    except ValueError as exc:
        raise serializers.ValidationError({name: [_("Give an id (a number).")]}) from exc


class SessionDetail(APIView):
    """One session; PATCH moves it (time, duration, therapist, mode, place)."""

    @extend_schema(responses=SessionClinicalSerializer)
    def get(self, request: Request, pk: int) -> Response:
        session, access = get_session_for_user(request, pk, Need.CONTACT_READ)
        return Response(_session_data(session, access))

    @extend_schema(request=SessionMoveSerializer, responses=SessionClinicalSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        session, access = get_session_for_user(request, pk, Need.CONTACT_WRITE)
        serializer = SessionMoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        current = {
            "starts_at": session.starts_at,
            "duration_minutes": session.duration_minutes,
            "therapist": session.therapist,
            "mode": session.mode,
            "location": session.location,
        }
        moved = session_move(
            session=session, by=request.user, **(current | serializer.validated_data)
        )
        return Response(_session_data(moved, access))


class SessionCancel(APIView):
    @extend_schema(request=SessionCancelSerializer, responses=SessionSerializer)
    def post(self, request: Request, pk: int) -> Response:
        session, access = get_session_for_user(request, pk, Need.CONTACT_WRITE)
        serializer = SessionCancelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        cancelled = session_cancel(session=session, by=request.user, **serializer.validated_data)
        return Response(_session_data(cancelled, access))


class SessionAttendance(APIView):
    @extend_schema(request=SessionAttendanceSerializer, responses=SessionSerializer)
    def post(self, request: Request, pk: int) -> Response:
        session, access = get_session_for_user(request, pk, Need.CONTACT_WRITE)
        serializer = SessionAttendanceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        recorded = session_attendance_record(
            session=session, by=request.user, **serializer.validated_data
        )
        return Response(_session_data(recorded, access))


class SessionNote(APIView):
    """The note, for the care team. PUT with the `version` you read; 409 when someone saved
    in between, with the saved text in `current`."""

    @extend_schema(responses=SessionClinicalSerializer)
    def get(self, request: Request, pk: int) -> Response:
        session, access = get_session_for_user(request, pk, Need.CLINICAL_READ)
        return Response(_session_data(session, access))

    @extend_schema(
        request=SessionNoteSerializer,
        responses={200: SessionClinicalSerializer, 409: OpenApiTypes.OBJECT},
    )
    def put(self, request: Request, pk: int) -> Response:
        session, access = get_session_for_user(request, pk, Need.CLINICAL_WRITE)
        serializer = SessionNoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            saved = session_note_save(session=session, by=request.user, **serializer.validated_data)
        except NoteConflict as conflict:
            return Response(_conflict(conflict), status=status.HTTP_409_CONFLICT)
        return Response(_session_data(saved, access))


def _conflict(conflict: NoteConflict) -> dict:
    current = conflict.current
    return {
        "detail": conflict.messages[0],
        "code": "note_conflict",
        "current": {
            "version": current.note_version,
            "note": current.note,
            "homework": current.homework,
            "modules_done": current.modules_done,
            "next_step": current.next_step,
            "updated_at": current.note_updated_at,
            "updated_by": current.note_updated_by_id,
        },
    }
