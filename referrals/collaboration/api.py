"""API for the collaboration log: the same rules, services and access logging as the page."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from intake.access import get_client_for_user
from intake.models import Consent
from referrals.collaboration.services import COLLABORATION_PARTIES, collaboration_record
from referrals.consents.access import get_client_for_clinical_read
from referrals.models import CollaborationEntry, WorkAction
from rph.accounts.access import Need


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
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        consent_id = data.pop("consent_id", None)
        consent = None
        if consent_id is not None:
            consent = Consent.objects.filter(client=client, pk=consent_id).first()
            if consent is None:
                raise serializers.ValidationError(
                    {"consent": [_("Choose one of the client's consents for this party.")]}
                )
        entry = collaboration_record(client=client, by=request.user, consent=consent, **data)
        return Response(CollaborationSerializer(entry).data, status=status.HTTP_201_CREATED)
