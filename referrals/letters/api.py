"""Letter API: the list and metadata, the PDF, approving and recording as sent.

The same rules as the pages (referrals/letters/access.py), every fetch of a letter logged.
Metadata only: the letter's text and facts are in the PDF; one letter's detail adds the risk
fact as the letter states it (referrals/letters/risk.py), for clinical staff. Bad input is
answered with 400 (a stale version with 409) rather than raised, so the access-log row of the
look is kept.
"""

from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from intake.access import get_client_for_user
from referrals.letters.access import get_letter_for_user, send_need
from referrals.letters.display import letter_risk
from referrals.letters.pdf import letter_pdf, pdf_filename
from referrals.letters.risk import Screening
from referrals.letters.services import OVERRIDE_MIN_REASON, letter_approve, letter_send
from referrals.models import Letter, LetterStatus, SentVia
from rph.accounts.access import Basis, Need
from rph.accounts.permissions import IsTeamStaff
from rph.accounts.roles import CLIENT_ROLES, CLINICAL_ROLES
from rph.accounts.teams import roles_by_team


class LetterSerializer(serializers.ModelSerializer):
    sent_despite_objection = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = Letter
        fields = [
            "id",
            "client",
            "episode",
            "kind",
            "status",
            "gp",
            "other_recipients",
            "copy_to_client",
            "referral_to",
            "version",
            "drafted_by",
            "drafted_at",
            "approved_by",
            "approved_at",
            "sent_by",
            "sent_at",
            "sent_via",
            "sent_despite_objection",
            "pdf_url",
        ]

    def get_sent_despite_objection(self, letter: Letter) -> bool:
        return letter.override_at is not None

    def get_pdf_url(self, letter: Letter) -> str:
        return reverse("api-letter-pdf", args=[letter.pk])


class LetterRiskSerializer(serializers.Serializer):
    screening = serializers.ChoiceField(choices=[item.value for item in Screening])
    statement = serializers.CharField(help_text="The sentence the letter states, in Norwegian.")


class LetterDetailSerializer(LetterSerializer):
    risk = serializers.SerializerMethodField(
        help_text="Suicide risk as the letter states it; null for clerical staff."
    )

    class Meta(LetterSerializer.Meta):
        fields = [*LetterSerializer.Meta.fields, "risk"]

    @extend_schema_field(LetterRiskSerializer(allow_null=True))
    def get_risk(self, letter: Letter) -> dict[str, str] | None:
        return letter_risk(letter.facts) if self.context.get("clinical") else None


class ApproveSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text="The version you read: approve what you read.")


class SendSerializer(serializers.Serializer):
    via = serializers.ChoiceField(choices=SentVia.choices)
    sent_on = serializers.DateField()
    override_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=2000,
        help_text=(
            "Only when the client objects to the epikrise: the weighty reason "
            f"(at least {OVERRIDE_MIN_REASON} characters)."
        ),
    )


def _teams(user: object, roles: frozenset) -> list[int]:
    return [team for team, role in roles_by_team(user).items() if role in roles]


class LetterList(generics.ListAPIView):
    """Letters of the user's teams: approved and sent ones for everyone working with clients,
    drafts only for clients in the user's care. `?client=` (logged) and `?status=` filter."""

    serializer_class = LetterSerializer
    permission_classes = [IsTeamStaff]

    @extend_schema(
        parameters=[
            OpenApiParameter("client", OpenApiTypes.INT),
            OpenApiParameter("status", OpenApiTypes.STR, enum=LetterStatus.values),
        ]
    )
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        errors = {}
        if request.query_params.get("status", "") not in ("", *LetterStatus.values):
            errors["status"] = [_("Choose draft, approved or sent.")]
        if not request.query_params.get("client", "0").isdigit():
            errors["client"] = [_("The client is given by its number.")]
        if errors:
            raise serializers.ValidationError(errors)
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Letter]:
        user = self.request.user
        clinical = _teams(user, CLINICAL_ROLES)
        letters = Letter.objects.listed().filter(
            Q(team__in=_teams(user, CLIENT_ROLES)) & ~Q(status=LetterStatus.DRAFT)
            | Q(team__in=clinical, status=LetterStatus.DRAFT, client__care_team=user)
        )
        client = self.request.query_params.get("client", "")
        if client:
            found, _access = get_client_for_user(self.request, int(client), Need.CONTACT_READ)
            letters = letters.filter(client=found)
        wanted = self.request.query_params.get("status", "")
        if wanted:
            letters = letters.filter(status=wanted)
        return letters.distinct().order_by("-drafted_at", "-pk")


class LetterDetail(APIView):
    @extend_schema(responses=LetterDetailSerializer)
    def get(self, request: Request, pk: int) -> Response:
        letter, access = get_letter_for_user(request, pk)
        context = {"clinical": access.clinical}
        return Response(LetterDetailSerializer(letter, context=context).data)


class LetterPdf(APIView):
    """The approved letter's frozen PDF (a draft's is made now). Logged like every look."""

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request: Request, pk: int) -> HttpResponse:
        letter, _access = get_letter_for_user(request, pk)
        draft = letter.status == LetterStatus.DRAFT
        pdf = letter_pdf(letter) if draft else bytes(letter.pdf or b"")
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{pdf_filename(letter)}"'
        response["Cache-Control"] = "no-store"
        return response


class LetterApprove(APIView):
    @extend_schema(request=ApproveSerializer, responses=LetterSerializer)
    def post(self, request: Request, pk: int) -> Response:
        letter, _access = get_letter_for_user(request, pk, Need.CLINICAL_WRITE)
        serializer = ApproveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        letter_approve(letter=letter, by=request.user, version=serializer.validated_data["version"])
        return Response(LetterSerializer(letter).data)


class LetterSend(APIView):
    @extend_schema(request=SendSerializer, responses=LetterSerializer)
    def post(self, request: Request, pk: int) -> Response:
        """Record the approved letter as sent. When the client objects to the epikrise, a
        clinician in the care team must give `override_reason`; the team lead is notified."""
        letter, access = get_letter_for_user(request, pk, send_need)
        serializer = SendSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        may_override = access.basis == Basis.CARE_TEAM  # consulted only on an objection
        letter_send(
            letter=letter,
            by=request.user,
            via=data["via"],
            sent_on=data["sent_on"],
            override_reason=data.get("override_reason", ""),
            may_override=may_override,
        )
        return Response(LetterSerializer(letter).data)
