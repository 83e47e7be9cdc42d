"""API for guided self-help (list, detail, start, follow-up calls, end) and the current
user's caseload. The same rules as the pages: one record through its client's access check
(logged); bad input is answered with 400, not raised, so the access-log row stays."""

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from rph.accounts.access import Need
from rph.accounts.models import Team
from rph.accounts.roles import CLINICAL_ROLES
from rph.accounts.teams import current_membership
from treatment.caseload.rows import CaseloadRow, LatestScore, caseload_rows, flag_label
from treatment.episodes.access import get_episode_for_user
from treatment.models import GuidedSelfHelp, Programme, Session, SessionMode
from treatment.self_help.access import get_self_help_for_user
from treatment.self_help.services import (
    CALL_OUTCOMES,
    MAX_PLANNED_CALLS,
    calls_of,
    follow_up,
    self_help_call_log,
    self_help_end,
    self_help_queryset,
    self_help_start,
)


class FollowUpSerializer(serializers.Serializer):
    due_on = serializers.DateField()
    overdue = serializers.BooleanField()
    last_call_on = serializers.DateField(allow_null=True)
    next_booked_at = serializers.DateTimeField(allow_null=True)


class SelfHelpSerializer(serializers.ModelSerializer):
    client = serializers.IntegerField(source="episode.client_id", read_only=True)
    follow_up = serializers.SerializerMethodField()

    class Meta:
        model = GuidedSelfHelp
        fields = [
            "id",
            "episode",
            "client",
            "offer",
            "programme",
            "programme_detail",
            "modules_total",
            "material_given_on",
            "follow_up_every_days",
            "ended_on",
            "follow_up",
        ]

    @extend_schema(responses=FollowUpSerializer)
    def get_follow_up(self, self_help: GuidedSelfHelp) -> dict:
        return FollowUpSerializer(follow_up(self_help, timezone.localdate())).data


class CallSerializer(serializers.ModelSerializer):
    class Meta:
        model = Session
        fields = [
            "id",
            "starts_at",
            "mode",
            "attendance",
            "therapist",
            "modules_done",
            "next_step",
        ]


class StartSerializer(serializers.Serializer):
    episode = serializers.IntegerField()
    programme = serializers.ChoiceField(choices=Programme.choices)
    programme_detail = serializers.CharField(max_length=200, required=False, default="")
    modules_total = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    material_given_on = serializers.DateField()
    follow_up_every_days = serializers.IntegerField(min_value=1, max_value=90, default=14)
    planned_calls = serializers.IntegerField(min_value=0, max_value=MAX_PLANNED_CALLS, default=0)
    first_call_at = serializers.DateTimeField(required=False, allow_null=True)
    call_mode = serializers.ChoiceField(choices=SessionMode.choices, default=SessionMode.PHONE)


class CallLogSerializer(serializers.Serializer):
    session = serializers.IntegerField(required=False, allow_null=True, help_text="A booked call.")
    starts_at = serializers.DateTimeField(required=False, allow_null=True)
    mode = serializers.ChoiceField(choices=SessionMode.choices, default=SessionMode.PHONE)
    attendance = serializers.ChoiceField(choices=[outcome.value for outcome in CALL_OUTCOMES])
    modules_done = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    next_step = serializers.CharField(max_length=500, required=False, default="")
    next_call_at = serializers.DateTimeField(required=False, allow_null=True)


class EndSerializer(serializers.Serializer):
    ended_on = serializers.DateField(required=False, allow_null=True)


def _fresh(self_help: GuidedSelfHelp) -> GuidedSelfHelp:
    """Read back after a write, with the follow-up facts (the look is already logged)."""
    facts = self_help_queryset().with_follow_up_facts(timezone.localdate())
    return facts.select_related("episode").get(pk=self_help.pk)


def _clinical_team(request: Request) -> Team:
    """The current team, if the user works clinically in it; else 403."""
    membership = current_membership(request)
    if membership is None or membership.role not in CLINICAL_ROLES:
        raise PermissionDenied
    return membership.team


class SelfHelpList(APIView):
    @extend_schema(responses=SelfHelpSerializer(many=True))
    def get(self, request: Request) -> Response:
        """The current team's active guided self-help; `?overdue=1` for the overdue only."""
        team = _clinical_team(request)
        today = timezone.localdate()
        if request.query_params.get("overdue") == "1":
            items = [
                self_help
                for self_help, _status in self_help_queryset().for_overdue_list(team, today)
            ]
        else:
            items = list(
                self_help_queryset()
                .active()
                .filter(episode__team=team)
                .with_follow_up_facts(today)
                .select_related("episode")
                .order_by("material_given_on", "pk")
            )
        return Response(SelfHelpSerializer(items, many=True).data)

    @extend_schema(request=StartSerializer, responses={201: SelfHelpSerializer})
    def post(self, request: Request) -> Response:
        """Start guided self-help in an episode (`episode`: its id)."""
        serializer = StartSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        episode, _access = get_episode_for_user(request, data.pop("episode"), Need.CLINICAL_WRITE)
        started = self_help_start(episode=episode, by=request.user, **data)
        return Response(SelfHelpSerializer(_fresh(started)).data, status=status.HTTP_201_CREATED)


class SelfHelpDetail(APIView):
    @extend_schema(responses=SelfHelpSerializer)
    def get(self, request: Request, pk: int) -> Response:
        self_help, _access = get_self_help_for_user(
            request, pk, Need.CLINICAL_READ, timezone.localdate()
        )
        return Response(SelfHelpSerializer(self_help).data)


class SelfHelpCalls(APIView):
    @extend_schema(responses=CallSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        """The follow-up calls, oldest first."""
        self_help, _access = get_self_help_for_user(
            request, pk, Need.CLINICAL_READ, timezone.localdate()
        )
        return Response(CallSerializer(calls_of(self_help), many=True).data)

    @extend_schema(request=CallLogSerializer, responses={201: CallSerializer})
    def post(self, request: Request, pk: int) -> Response:
        """Record a call: a booked one (`session`) or one not booked (`starts_at`)."""
        self_help, _access = get_self_help_for_user(
            request, pk, Need.CLINICAL_WRITE, timezone.localdate()
        )
        serializer = CallLogSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        session_id = data.pop("session", None)
        session = None
        if session_id is not None:
            session = self_help.follow_ups.filter(pk=session_id).first()
            if session is None:
                raise serializers.ValidationError(
                    {"session": [_("Choose a booked call of this guided self-help.")]}
                )
        call = self_help_call_log(self_help=self_help, by=request.user, session=session, **data)
        return Response(CallSerializer(call).data, status=status.HTTP_201_CREATED)


class SelfHelpEnd(APIView):
    @extend_schema(request=EndSerializer, responses=SelfHelpSerializer)
    def post(self, request: Request, pk: int) -> Response:
        today = timezone.localdate()
        self_help, _access = get_self_help_for_user(request, pk, Need.CLINICAL_WRITE, today)
        serializer = EndSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self_help_end(
            self_help=self_help,
            by=request.user,
            ended_on=serializer.validated_data.get("ended_on"),
        )
        return Response(SelfHelpSerializer(_fresh(self_help)).data)


def _score(score: LatestScore | None) -> dict | None:
    if score is None:
        return None
    trend = score.trend.value if score.trend else None
    return {"total": score.total, "previous": score.previous, "trend": trend}


def _row(row: CaseloadRow) -> dict:
    client = row.episode.client
    return {
        "episode": row.episode.pk,
        "client": {"id": client.pk, "first_name": client.first_name, "last_name": client.last_name},
        "steps": row.steps,
        "next_session_at": row.next_session_at,
        "phq9": _score(row.phq9),
        "gad7": _score(row.gad7),
        "flags": [{"code": flag.value, "label": flag_label(flag)} for flag in row.flags],
    }


# The schema of one row of the caseload list (_row), so the schema says what the API sends.
_CASELOAD_ROW = inline_serializer(
    "CaseloadRow",
    fields={
        "episode": serializers.IntegerField(),
        "client": inline_serializer(
            "CaseloadClient",
            fields={
                "id": serializers.IntegerField(),
                "first_name": serializers.CharField(),
                "last_name": serializers.CharField(),
            },
        ),
        "steps": serializers.JSONField(),
        "next_session_at": serializers.DateTimeField(allow_null=True),
        "phq9": serializers.JSONField(allow_null=True),
        "gad7": serializers.JSONField(allow_null=True),
        "flags": inline_serializer(
            "CaseloadFlag",
            fields={"code": serializers.CharField(), "label": serializers.CharField()},
            many=True,
        ),
    },
    many=True,
)


class Caseload(APIView):
    @extend_schema(responses={200: _CASELOAD_ROW})
    def get(self, request: Request) -> Response:
        """The current user's open episodes in the current team, with scores and flags."""
        team = _clinical_team(request)
        rows = caseload_rows(team=team, user=request.user, today=timezone.localdate())
        return Response([_row(row) for row in rows])
