from django.core.exceptions import ValidationError as DjangoValidationError
from phonenumber_field.serializerfields import PhoneNumberField
from rest_framework import serializers

from intake.fodselsnummer import normalize
from intake.models import Client
from rph.audit.models import AccessEvent
from rph.audit.services import BREAK_GLASS_MIN_REASON


class ClientListSerializer(serializers.ModelSerializer):
    home_municipality = serializers.StringRelatedField()

    class Meta:
        model = Client
        fields = ["id", "first_name", "last_name", "home_municipality"]


class ClientContactSerializer(serializers.ModelSerializer):
    phone = PhoneNumberField(required=False, allow_blank=True)

    class Meta:
        model = Client
        fields = [
            "id",
            "first_name",
            "last_name",
            "fodselsnummer",
            "phone",
            "email",
            "home_municipality",
        ]

    def validate_fodselsnummer(self, value: str) -> str:
        try:
            return normalize(value) if value else ""
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc


class AccessEventSerializer(serializers.ModelSerializer):
    user = serializers.StringRelatedField()

    class Meta:
        model = AccessEvent
        fields = ["at", "user", "action", "path", "channel", "basis", "ip"]


class BreakGlassSerializer(serializers.Serializer):
    reason = serializers.CharField(min_length=BREAK_GLASS_MIN_REASON, max_length=2000)
