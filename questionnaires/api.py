"""Questionnaire API: instruments, a client's invitations and responses, FHIR export.

Every view that touches a client goes through get_client_for_user first (logged). Bad input
is answered with 400 rather than raised: a raised error rolls back the request's
transaction, and with it the access-log row of the look at the record.
"""

from datetime import datetime

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from intake.access import get_client_for_user
from questionnaires import models
from questionnaires.access import get_response_for_user
from questionnaires.definitions import MAX_ITEMS
from questionnaires.forms import PAPER_TIME
from questionnaires.models import Capture, Instrument, Invitation
from questionnaires.responses import MAX_REASON, response_correct, response_submit
from questionnaires.services import invitation_create
from rph.accounts.access import Need
from rph.accounts.teams import roles_by_team

MAX_INSTRUMENTS_PER_INVITATION = 10


class InstrumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Instrument
        fields = ["id", "code", "version", "name", "team", "is_shipped", "definition"]


class InvitationSerializer(serializers.ModelSerializer):
    instruments = serializers.ListField(source="instrument_codes", child=serializers.CharField())
    answered = serializers.SerializerMethodField(help_text="Instruments answered so far.")

    class Meta:
        model = Invitation
        fields = [
            "id",
            "client",
            "instruments",
            "answered",
            "occasion_at",
            "valid_from",
            "expires_at",
            "completed_at",
            "created_by",
            "created_at",
        ]

    def get_answered(self, invitation: Invitation) -> list[str]:
        if invitation.completed_at:
            return list(invitation.instrument_codes)
        return [code for code in invitation.instrument_codes if code in invitation.draft_answers]


class InvitationCreateSerializer(serializers.Serializer):
    instruments = serializers.ListField(
        child=serializers.CharField(max_length=30),
        min_length=1,
        max_length=MAX_INSTRUMENTS_PER_INVITATION,
    )
    occasion_at = serializers.DateTimeField(required=False, allow_null=True)


class ResponseSerializer(serializers.ModelSerializer):
    superseded_by = serializers.SerializerMethodField()

    class Meta:
        model = models.Response
        fields = [
            "id",
            "client",
            "instrument",
            "instrument_code",
            "instrument_version",
            "answers",
            "raw_sum",
            "total",
            "prorated",
            "band",
            "flags",
            "capture",
            "invitation",
            "answered_at",
            "entered_by",
            "supersedes",
            "superseded_by",
            "correction_reason",
        ]

    def get_superseded_by(self, response: models.Response) -> int | None:
        newer = getattr(response, "superseded_by", None)
        return newer.pk if newer else None


class AnswersField(serializers.ListField):
    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("child", serializers.IntegerField(allow_null=True))
        kwargs.setdefault("max_length", MAX_ITEMS)
        super().__init__(**kwargs)


class PaperResponseSerializer(serializers.Serializer):
    instrument = serializers.IntegerField(help_text="The instrument's id (see /instruments/).")
    answers = AnswersField(help_text="Every item in order, null when unanswered.")
    answered_on = serializers.DateField(help_text="The date on the paper form.")


class CorrectionSerializer(serializers.Serializer):
    answers = AnswersField(help_text="Every item in order, null when unanswered.")
    reason = serializers.CharField(max_length=MAX_REASON)


def link_url(request: Request, token: str) -> str:
    path = reverse("questionnaires:link", args=[token])
    return settings.SITE_URL + path if settings.SITE_URL else request.build_absolute_uri(path)


class InstrumentList(generics.ListAPIView):
    """Active instruments the user's teams may use: the shipped ones and the teams' own."""

    serializer_class = InstrumentSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        teams = list(roles_by_team(self.request.user))
        return Instrument.objects.filter(
            Q(team__isnull=True) | Q(team__in=teams), active=True
        ).order_by("code", "version", "pk")


class ClientInvitations(generics.ListAPIView):
    """A client's questionnaire links, newest first. POST creates one and returns its URL once."""

    serializer_class = InvitationSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        client, _access = get_client_for_user(self.request, self.kwargs["pk"], Need.CLINICAL_READ)
        return Invitation.objects.filter(client=client).order_by("-created_at", "-pk")

    @extend_schema(request=InvitationCreateSerializer, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request, pk: int) -> Response:
        client, _access = get_client_for_user(request, pk, Need.CLINICAL_WRITE)
        serializer = InvitationCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        invitation, token = invitation_create(
            client=client,
            instrument_codes=list(dict.fromkeys(data["instruments"])),
            occasion_at=data.get("occasion_at"),
            created_by=request.user,
        )
        body = {**InvitationSerializer(invitation).data, "url": link_url(request, token)}
        return Response(body, status=status.HTTP_201_CREATED)


class ClientResponses(generics.ListAPIView):
    """A client's responses, newest first, corrected ones included. POST enters one from paper."""

    serializer_class = ResponseSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        client, _access = get_client_for_user(self.request, self.kwargs["pk"], Need.CLINICAL_READ)
        return models.Response.objects.for_client_page(client)

    @extend_schema(request=PaperResponseSerializer, responses={201: ResponseSerializer})
    def post(self, request: Request, pk: int) -> Response:
        client, _access = get_client_for_user(request, pk, Need.CLINICAL_WRITE)
        serializer = PaperResponseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        instrument = (
            Instrument.objects.available_to(client.team).filter(pk=data["instrument"]).first()
        )
        if instrument is None:
            raise serializers.ValidationError(
                {"instrument": [_("Choose a questionnaire the team uses.")]}
            )
        if data["answered_on"] > timezone.localdate():
            raise serializers.ValidationError(
                {"answered_on": [_("The date cannot be in the future.")]}
            )
        response = response_submit(
            client=client,
            instrument=instrument,
            answers=data["answers"],
            capture=Capture.PAPER,
            entered_by=request.user,
            answered_at=timezone.make_aware(datetime.combine(data["answered_on"], PAPER_TIME)),
        )
        return Response(ResponseSerializer(response).data, status=status.HTTP_201_CREATED)


class ResponseDetail(APIView):
    @extend_schema(responses=ResponseSerializer)
    def get(self, request: Request, pk: int) -> Response:
        response, _access = get_response_for_user(request, pk, Need.CLINICAL_READ)
        return Response(ResponseSerializer(response).data)


class ResponseCorrections(APIView):
    @extend_schema(request=CorrectionSerializer, responses={201: ResponseSerializer})
    def post(self, request: Request, pk: int) -> Response:
        """Correct a response: a new one from paper that supersedes it (reason required)."""
        original, _access = get_response_for_user(request, pk, Need.CLINICAL_WRITE)
        serializer = CorrectionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        response = response_correct(
            original=original,
            answers=serializer.validated_data["answers"],
            by=request.user,
            reason=serializer.validated_data["reason"],
        )
        return Response(ResponseSerializer(response).data, status=status.HTTP_201_CREATED)
