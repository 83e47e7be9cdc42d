"""API for the GP registry: everyone reads; the team lead and the administrator keep it."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from intake.models import GeneralPractitioner
from referrals.gps.services import POSTCODE, gp_save
from rph.accounts.models import Municipality
from rph.accounts.roles import LEAD_ROLES, Role
from rph.accounts.teams import roles_by_team

REGISTRY_KEEPERS = LEAD_ROLES | {Role.ADMIN}


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
    serializer.is_valid(raise_exception=True)
    data = dict(serializer.validated_data)
    municipalities = data.pop("municipalities", None)
    for field, value in data.items():
        setattr(gp, field, value)
    if municipalities is None:
        municipalities = list(gp.municipalities.all())
    gp_save(gp=gp, municipalities=municipalities)
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
