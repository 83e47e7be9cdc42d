"""API for the GP registry, the consent register and the collaboration log: the same rules,
services and access logging as the pages."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from intake.access import get_client_for_user
from intake.models import GeneralPractitioner
from referrals.collaboration.services import COLLABORATION_PARTIES, collaboration_record
from referrals.consents.access import get_client_for_clinical_read, get_client_for_register
from referrals.consents.services import MAX_NOTE, MAX_RECIPIENT, consent_record, objects_to_epikrise
from referrals.gps.services import POSTCODE, gp_save
from referrals.models import CollaborationEntry, Consent, Party, WorkAction
from rph.accounts.access import Need
from rph.accounts.models import Municipality
from rph.accounts.roles import LEAD_ROLES, Role
from rph.accounts.teams import roles_by_team

REGISTRY_KEEPERS = LEAD_ROLES | {Role.ADMIN}


def _error_data(exc: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {
            ("non_field_errors" if field == "__all__" else field): messages
            for field, messages in exc.message_dict.items()
        }
    return {"non_field_errors": exc.messages}


def _bad(data: object) -> Response:
    return Response(data, status=status.HTTP_400_BAD_REQUEST)


# The GP registry ------------------------------------------------------------------------


class GpSerializer(serializers.ModelSerializer):
    municipalities = serializers.SlugRelatedField(
        slug_field="number", many=True, queryset=Municipality.objects.all()
    )

    class Meta:
        model = GeneralPractitioner
        fields = ["id", "hpr_number", "name", "practice", "address", "postcode", "town"]
        fields += ["phone", "municipalities", "active"]

    def validate_postcode(self, value: str) -> str:
        if value and not POSTCODE.match(value):
            raise serializers.ValidationError(_("The postcode must be 4 digits."))
        return value


def _require_registry_keeper(request: Request) -> None:
    if not set(roles_by_team(request.user).values()) & REGISTRY_KEEPERS:
        raise PermissionDenied


def _save_gp(serializer: GpSerializer, gp: GeneralPractitioner, code: int) -> Response:
    if not serializer.is_valid():
        return _bad(serializer.errors)
    data = dict(serializer.validated_data)
    municipalities = data.pop("municipalities", None)
    for field, value in data.items():
        setattr(gp, field, value)
    if municipalities is None:
        municipalities = list(gp.municipalities.all())
    try:
        gp_save(gp=gp, municipalities=municipalities)
    except DjangoValidationError as exc:
        return _bad(_error_data(exc))
    return Response(GpSerializer(gp).data, status=code)


class GpList(generics.ListAPIView):
    """GPs serving the municipalities of the user's teams; `?q=` searches name and practice.

    POST adds a GP (team lead or administrator); `municipalities` are municipality numbers.
    """

    serializer_class = GpSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        teams = list(roles_by_team(self.request.user))
        serving = GeneralPractitioner.objects.filter(municipalities__teams__in=teams)
        return (
            GeneralPractitioner.objects.filter(pk__in=serving.values("pk"))
            .matching(self.request.query_params.get("q", "")[:100])
            .prefetch_related("municipalities")
            .order_by("name", "practice", "pk")
        )

    @extend_schema(request=GpSerializer, responses={201: GpSerializer})
    def post(self, request: Request) -> Response:
        _require_registry_keeper(request)
        return _save_gp(GpSerializer(data=request.data), GeneralPractitioner(), 201)


class GpDetail(APIView):
    @extend_schema(responses=GpSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(GpSerializer(get_object_or_404(GeneralPractitioner, pk=pk)).data)

    @extend_schema(request=GpSerializer, responses=GpSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        _require_registry_keeper(request)
        gp = get_object_or_404(GeneralPractitioner, pk=pk)
        return _save_gp(GpSerializer(gp, data=request.data, partial=True), gp, 200)


# The consent register -------------------------------------------------------------------


class ConsentSerializer(serializers.ModelSerializer):
    recorded_by = serializers.StringRelatedField(read_only=True)

    class Meta:
        model = Consent
        fields = ["id", "party", "recipient", "given", "note", "recorded_at", "recorded_by"]
        read_only_fields = ["id", "recorded_at", "recorded_by"]
        extra_kwargs = {
            "recipient": {"max_length": MAX_RECIPIENT},
            "note": {"max_length": MAX_NOTE},
        }


class ConsentRegisterSerializer(serializers.Serializer):
    objects_to_epikrise = serializers.BooleanField()
    current = ConsentSerializer(many=True)
    history = ConsentSerializer(many=True)


class ClientConsents(APIView):
    """What holds now and every line, newest first. Clerical staff and clinicians outside
    the care team get the GP line only (the objection to the epikrise). POST adds a line."""

    @extend_schema(responses=ConsentRegisterSerializer)
    def get(self, request: Request, pk: int) -> Response:
        client, _access, full = get_client_for_register(request, pk)
        rows = Consent.objects.filter(client=client).select_related("recorded_by")
        current = Consent.objects.current().filter(client=client).select_related("recorded_by")
        if not full:
            rows, current = rows.filter(party=Party.GP), current.filter(party=Party.GP)
        body = {
            "objects_to_epikrise": objects_to_epikrise(client),
            "current": current.order_by("party", "recipient"),
            "history": rows,
        }
        return Response(ConsentRegisterSerializer(body).data)

    @extend_schema(request=ConsentSerializer, responses={201: ConsentSerializer})
    def post(self, request: Request, pk: int) -> Response:
        client, _access = get_client_for_user(request, pk, Need.CLINICAL_WRITE)
        serializer = ConsentSerializer(data=request.data)
        if not serializer.is_valid():  # 400 without raising: the access-log row stays
            return _bad(serializer.errors)
        try:
            consent = consent_record(client=client, by=request.user, **serializer.validated_data)
        except DjangoValidationError as exc:
            return _bad(_error_data(exc))
        return Response(ConsentSerializer(consent).data, status=status.HTTP_201_CREATED)


# The collaboration log ------------------------------------------------------------------


class CollaborationSerializer(serializers.ModelSerializer):
    party = serializers.ChoiceField(choices=[(p.value, p.label) for p in COLLABORATION_PARTIES])
    work_actions = serializers.ListField(
        child=serializers.ChoiceField(choices=WorkAction.choices), required=False
    )
    consent = serializers.IntegerField(
        source="consent_id",
        required=False,
        allow_null=True,
        help_text="The consent line relied on; without it, the party's only current consent.",
    )
    recorded_by = serializers.StringRelatedField(read_only=True)

    class Meta:
        model = CollaborationEntry
        fields = ["id", "party", "anonymous", "consent", "held_on", "participants", "agreed"]
        fields += ["work_actions", "recorded_by", "recorded_at"]
        read_only_fields = ["id", "recorded_by", "recorded_at"]


class ClientCollaboration(generics.ListAPIView):
    """The client's meetings and contacts, newest first (clinical, or the team lead).

    POST records one; refused with 400 when the consent register does not allow it.
    """

    serializer_class = CollaborationSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        client, _access = get_client_for_clinical_read(self.request, self.kwargs["pk"])
        return CollaborationEntry.objects.filter(client=client).select_related("recorded_by")

    @extend_schema(request=CollaborationSerializer, responses={201: CollaborationSerializer})
    def post(self, request: Request, pk: int) -> Response:
        client, _access = get_client_for_user(request, pk, Need.CLINICAL_WRITE)
        serializer = CollaborationSerializer(data=request.data)
        if not serializer.is_valid():
            return _bad(serializer.errors)
        data = dict(serializer.validated_data)
        consent_id = data.pop("consent_id", None)
        consent = None
        if consent_id is not None:
            consent = Consent.objects.filter(client=client, pk=consent_id).first()
            if consent is None:
                return _bad({"consent": [_("Choose one of the client's consents for this party.")]})
        try:
            entry = collaboration_record(client=client, by=request.user, consent=consent, **data)
        except DjangoValidationError as exc:
            return _bad(_error_data(exc))
        return Response(CollaborationSerializer(entry).data, status=status.HTTP_201_CREATED)
