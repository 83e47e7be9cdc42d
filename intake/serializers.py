from django.core.exceptions import ValidationError as DjangoValidationError
from phonenumber_field.serializerfields import PhoneNumberField
from rest_framework import serializers

from intake.fodselsnummer import normalize
from intake.models import Client, Contact, ContactAttempt
from rph.audit.models import AccessEvent
from rph.audit.services import BREAK_GLASS_MIN_REASON


class ClientListSerializer(serializers.ModelSerializer):
    home_municipality = serializers.StringRelatedField()

    class Meta:
        model = Client
        fields = ["id", "first_name", "last_name", "home_municipality"]


class ClientContactSerializer(serializers.ModelSerializer):
    phone = PhoneNumberField(required=False, allow_blank=True)
    version = serializers.IntegerField(
        min_value=0, help_text="The version you read; a PATCH with an older one gets 409."
    )

    class Meta:
        model = Client
        fields = [
            "id",
            "version",
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


class ContactSerializer(serializers.ModelSerializer):
    """Contact-level fields only: what clerical staff see, never clinical content."""

    client_name = serializers.CharField(source="client.__str__", read_only=True)
    registered_by = serializers.StringRelatedField()
    under_minimum_age = serializers.BooleanField(read_only=True)

    class Meta:
        model = Contact
        fields = [
            "id",
            "team",
            "client",
            "client_name",
            "registered_at",
            "registered_by",
            "channel",
            "referrer",
            "referrer_name",
            "concerns",
            "free_text",
            "age_at_contact",
            "under_minimum_age",
            "best_time_to_call",
            "deadline",
            "status",
            "offered_at",
            "closed_at",
        ]
        read_only_fields = fields


class DuplicateCandidateSerializer(serializers.ModelSerializer):
    home_municipality = serializers.StringRelatedField()

    class Meta:
        model = Client
        fields = ["id", "first_name", "last_name", "birth_date", "home_municipality"]


class ContactAttemptSerializer(serializers.ModelSerializer):
    by = serializers.StringRelatedField(read_only=True)

    class Meta:
        model = ContactAttempt
        fields = ["id", "at", "by", "method", "outcome", "note"]
        read_only_fields = ["id", "at", "by"]
