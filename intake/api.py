from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from intake.access import get_client_for_user
from intake.models import Client
from intake.serializers import (
    AccessEventSerializer,
    BreakGlassSerializer,
    ClientContactSerializer,
    ClientListSerializer,
)
from intake.services import client_update_contact
from rph.accounts.access import Need
from rph.accounts.roles import CLIENT_ROLES
from rph.accounts.teams import roles_by_team
from rph.audit.models import AccessEvent
from rph.audit.services import break_glass_open


class ClientList(generics.ListAPIView):
    """The clients of every team where the user works with clients (names only)."""

    serializer_class = ClientListSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        teams = [t for t, role in roles_by_team(self.request.user).items() if role in CLIENT_ROLES]
        return (
            Client.objects.filter(team__in=teams)
            .select_related("home_municipality")
            .order_by("last_name", "first_name", "pk")
        )


class ClientDetail(APIView):
    @extend_schema(responses=ClientContactSerializer)
    def get(self, request: Request, pk: int) -> Response:
        client, _access = get_client_for_user(request, pk, Need.CONTACT_READ)
        return Response(ClientContactSerializer(client).data)

    @extend_schema(request=ClientContactSerializer, responses=ClientContactSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        client, _access = get_client_for_user(request, pk, Need.CONTACT_WRITE)
        serializer = ClientContactSerializer(client, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        try:
            client_update_contact(client=client, changes=dict(serializer.validated_data))
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from exc
        return Response(ClientContactSerializer(client).data)


class ClientAccessLog(generics.ListAPIView):
    serializer_class = AccessEventSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        client, _access = get_client_for_user(self.request, self.kwargs["pk"], Need.OVERSIGHT)
        return AccessEvent.objects.for_subject(client)


class ClientBreakGlass(APIView):
    @extend_schema(request=BreakGlassSerializer, responses={201: None})
    def post(self, request: Request, pk: int) -> Response:
        client, access = get_client_for_user(request, pk, Need.CONTACT_READ)
        if not access.can_break_glass:
            raise PermissionDenied
        serializer = BreakGlassSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        grant = break_glass_open(
            user=request.user,
            team=client.team,
            subject=client,
            reason=serializer.validated_data["reason"],
        )
        return Response({"expires_at": grant.expires_at}, status=status.HTTP_201_CREATED)
