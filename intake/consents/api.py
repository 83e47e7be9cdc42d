"""API for the client's consents to be reached: the same rules, service and access as the page.

GET answers what holds now per kind, every line (newest first) and the register's
`version`; POST records a change, with the `version` read: 409 (code `conflict`) when
someone recorded a change meanwhile, and nothing is saved.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from intake.access import get_client_for_user
from intake.consents.forms import STAFF_METHODS
from intake.consents.services import (
    MAX_NOTE,
    reach_consents_change,
    reach_now,
    reach_version,
)
from intake.models import Consent, ReachKind
from rph.accounts.access import Need


class ReachLineSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(source="party")
    recorded_by = serializers.StringRelatedField()

    class Meta:
        model = Consent
        fields = ["id", "kind", "given", "method", "note", "needs_review", "recorded_at"]
        fields += ["recorded_by"]


class ReachChangeSerializer(serializers.Serializer):
    call = serializers.BooleanField(required=False)
    sms = serializers.BooleanField(required=False)
    email = serializers.BooleanField(required=False)
    digital_questionnaires = serializers.BooleanField(required=False)
    method = serializers.ChoiceField(choices=STAFF_METHODS)
    note = serializers.CharField(required=False, allow_blank=True, max_length=MAX_NOTE)
    version = serializers.IntegerField(min_value=0, help_text="The `version` you read.")


def _register(client) -> dict[str, object]:  # type: ignore[no-untyped-def]
    now = reach_now(client)
    history = (
        Consent.objects.filter(client=client, party__in=ReachKind.values)
        .select_related("recorded_by")
        .order_by("-recorded_at", "-pk")
    )
    return {
        "current": {kind: now.allows(kind) for kind in ReachKind.values},
        "history": ReachLineSerializer(history, many=True).data,
        "version": reach_version(client),
    }


class ClientReachConsents(APIView):
    """How the team may reach the client (calls, SMS, e-mail, digital questionnaires)."""

    @extend_schema(responses={200: dict})
    def get(self, request: Request, pk: int) -> Response:
        client, _access = get_client_for_user(request, pk, Need.CONTACT_READ)
        return Response(_register(client))

    @extend_schema(request=ReachChangeSerializer, responses={201: dict})
    def post(self, request: Request, pk: int) -> Response:
        client, _access = get_client_for_user(request, pk, Need.CONTACT_WRITE)
        serializer = ReachChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        reach_consents_change(
            client=client,
            by=request.user,
            wanted={kind: data[kind] for kind in ReachKind.values if kind in data},
            method=data["method"],
            note=data.get("note", ""),
            version=data["version"],
        )
        return Response(_register(client), status=status.HTTP_201_CREATED)
