"""API for the consent register: the same rules, services and access logging as the page."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from intake.access import get_client_for_user
from intake.consents.services import MAX_NOTE, MAX_RECIPIENT, consent_record
from intake.models import Consent, Party
from referrals.consents.access import get_client_for_register
from referrals.consents.services import objects_to_epikrise
from rph.accounts.access import Need


class ConsentSerializer(serializers.ModelSerializer):
    """A sharing line; how the client may be reached is intake's (clients/<id>/reach/)."""

    party = serializers.ChoiceField(choices=Party.choices)
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
        mine = Consent.objects.filter(client=client, party__in=Party.values)
        rows = mine.select_related("recorded_by")
        current = mine.current().select_related("recorded_by")
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
        serializer.is_valid(raise_exception=True)
        consent = consent_record(client=client, by=request.user, **serializer.validated_data)
        return Response(ConsentSerializer(consent).data, status=status.HTTP_201_CREATED)
