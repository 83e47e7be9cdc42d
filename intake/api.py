from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from intake.access import get_client_for_user, get_contact_for_user
from intake.clients.services import client_update_contact
from intake.models import Client, Contact
from intake.queue.services import attempt_record
from intake.registration.forms import ContactRegisterForm, SelfReferralForm, consents_ticked
from intake.registration.services import (
    contact_join,
    contact_register,
    open_contact_of,
    self_referral_submit,
)
from intake.self_referral.ratelimit import seconds_to_next_window, self_referral_allowed
from intake.self_referral.views import DEFAULT_PROMISE_HOURS, body_too_large
from intake.serializers import (
    AccessEventSerializer,
    BreakGlassSerializer,
    ClientContactSerializer,
    ClientListSerializer,
    ContactAttemptSerializer,
    ContactSerializer,
    DuplicateCandidateSerializer,
)
from rph.accounts.access import Need
from rph.accounts.models import Team, User
from rph.accounts.permissions import IsTeamStaff
from rph.accounts.roles import CLIENT_ROLES
from rph.accounts.teams import current_membership, role_in_team, roles_by_team
from rph.audit.models import AccessEvent
from rph.audit.services import break_glass_open


def _client_teams(user: User) -> list[int]:
    return [team for team, role in roles_by_team(user).items() if role in CLIENT_ROLES]


class WorksWithClients(IsTeamStaff):
    """A role that works with clients in some team: others get 403, as on the client list page."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return super().has_permission(request, view) and bool(_client_teams(request.user))


class ClientList(generics.ListAPIView):
    """The clients of every team where the user works with clients (names only)."""

    serializer_class = ClientListSerializer
    permission_classes = [WorksWithClients]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        teams = _client_teams(self.request.user)
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
        # Answer 400 rather than raise: a raised error rolls back the request's transaction,
        # and with it the access-log row of this look at the record.
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        if "version" not in changes:
            raise DjangoValidationError({"version": [_("Give the version you read.")]})
        version = changes.pop("version")
        client_update_contact(client=client, changes=changes, version=version)
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


# Contacts (henvendelser) and attempts to reach the person ---------------------------------


LIST_FIELDS = frozenset({"concerns"})


def _check_shape(data: object, list_fields: frozenset[str]) -> None:
    """400 unless the body is a JSON object of single values (lists only where expected)."""
    if not isinstance(data, dict):
        raise exceptions.ParseError(_("Send a JSON object."))
    errors = {}
    for field, value in data.items():
        if field in list_fields:
            texts = isinstance(value, list) and all(isinstance(item, str) for item in value)
            if not (value is None or texts):
                errors[field] = [_("Send a list of texts.")]
        elif isinstance(value, dict | list):
            errors[field] = [_("Send a single value.")]
    if errors:
        raise serializers.ValidationError(errors)


def _register_team(request: Request, requested: object) -> Team:
    """The team to register in: the one asked for, else the current one; 403 if not yours."""
    if requested in (None, ""):
        membership = current_membership(request)
        team_id = membership.team_id if membership else None
    else:
        try:
            team_id = int(str(requested))
        except ValueError as exc:
            raise serializers.ValidationError({"team": [_("Give the team's id.")]}) from exc
    if team_id is None or role_in_team(request.user, team_id) not in CLIENT_ROLES:
        raise PermissionDenied
    return Team.objects.get(pk=team_id)


class ContactList(generics.ListAPIView):
    """Open contacts in every team where the user works with clients, by deadline.

    POST registers a contact. Without `client`, possible duplicates in the team give 409
    with the candidates; send `client` (an id) to use one, or `create_new: true`. A client
    with an open contact gets no second one: 409 `open_contact`, or with
    `join_open_contact: true` the request is added to the open contact (200).
    """

    serializer_class = ContactSerializer
    permission_classes = [WorksWithClients]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return (
            Contact.objects.open()
            .filter(team__in=_client_teams(self.request.user))
            .select_related("client", "registered_by")
            .order_by("deadline", "pk")
        )

    @extend_schema(request=OpenApiTypes.OBJECT, responses={201: ContactSerializer})
    def post(self, request: Request) -> Response:
        data = request.data
        _check_shape(data, LIST_FIELDS)
        client = None
        if data.get("client") not in (None, ""):
            try:
                client_id = int(str(data["client"]))
            except ValueError:
                raise exceptions.ParseError(_("Give the client's id.")) from None
            client, _access = get_client_for_user(request, client_id, Need.CONTACT_WRITE)
            team = client.team
        else:
            team = _register_team(request, data.get("team"))
        form = ContactRegisterForm(data=data, team=team, existing=client is not None)
        if not form.is_valid():
            raise DjangoValidationError(form.errors.as_data())
        if client is None and data.get("create_new") is not True:
            cleaned = form.cleaned_data
            candidates = Client.objects.possible_duplicates(
                team,
                fodselsnummer=cleaned["fodselsnummer"],
                birth_date=cleaned["birth_date"],
                first_name=cleaned["first_name"],
                last_name=cleaned["last_name"],
                phone=str(cleaned["phone"] or ""),
            )
            if candidates:
                detail = _("This person may already be registered.")
                body = {
                    "detail": detail,
                    "code": "possible_duplicates",
                    "candidates": DuplicateCandidateSerializer(candidates, many=True).data,
                }
                return Response(body, status=status.HTTP_409_CONFLICT)
        open_contact = open_contact_of(client) if client is not None else None
        if open_contact is not None and data.get("join_open_contact") is True:
            cleaned = form.cleaned_data
            contact = contact_join(
                contact=open_contact,
                by=request.user,
                concerns=cleaned["concerns"],
                free_text=cleaned["free_text"],
                consents_given=consents_ticked(cleaned),
            )
            return Response(ContactSerializer(contact).data, status=status.HTTP_200_OK)
        # A client with an open contact: 409 `open_contact` (rph.api), nothing saved.
        contact = contact_register(
            team=team, registered_by=request.user, client=client, **form.register_kwargs()
        )
        return Response(ContactSerializer(contact).data, status=status.HTTP_201_CREATED)


class ContactDetail(APIView):
    @extend_schema(responses=ContactSerializer)
    def get(self, request: Request, pk: int) -> Response:
        contact, _access = get_contact_for_user(request, pk, Need.CONTACT_READ)
        return Response(ContactSerializer(contact).data)


class ContactAttempts(generics.ListAPIView):
    """Attempts to reach the person, oldest first. POST records one."""

    serializer_class = ContactAttemptSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        contact, _access = get_contact_for_user(self.request, self.kwargs["pk"], Need.CONTACT_READ)
        return contact.attempts.select_related("by").order_by("at", "pk")

    @extend_schema(request=ContactAttemptSerializer, responses={201: ContactAttemptSerializer})
    def post(self, request: Request, pk: int) -> Response:
        contact, _access = get_contact_for_user(request, pk, Need.CONTACT_WRITE)
        serializer = ContactAttemptSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        attempt = attempt_record(
            contact=contact,
            by=request.user,
            method=serializer.validated_data["method"],
            outcome=serializer.validated_data["outcome"],
            note=serializer.validated_data.get("note", ""),
        )
        return Response(ContactAttemptSerializer(attempt).data, status=status.HTTP_201_CREATED)


class SelfReferralCreate(APIView):
    """Public: a municipal website sends a person's request to be called back. No login.

    Fields as the form at /henvendelse/ (`home_municipality` is the four-digit municipality
    number; `consent` must be true; `consent_sms`, `consent_email` and
    `consent_digital_questionnaires` are optional booleans). Rate-limited per address
    together with the form; 429 when the limit is reached. The answer never contains what
    was sent. An `Idempotency-Key` header (or `idempotency_key` field, at most 64
    characters) makes a retry safe: the same key gives the same answer and no second contact.
    """

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]
    parser_classes = [JSONParser]

    @extend_schema(auth=[], request=OpenApiTypes.OBJECT, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        if not self_referral_allowed(request):
            detail = _("Too many requests from your network. Try again in an hour.")
            headers = {"Retry-After": str(seconds_to_next_window())}
            return Response({"detail": detail}, status=429, headers=headers)
        if body_too_large(request):
            return Response({"detail": _("The request is too large.")}, status=413)
        data = request.data
        _check_shape(data, LIST_FIELDS)
        key = request.headers.get("Idempotency-Key", "")
        if key and isinstance(data, dict):
            data = {**data, "idempotency_key": key}
        form = SelfReferralForm(data=data)
        hours = DEFAULT_PROMISE_HOURS
        if not form.is_robot:
            if not form.is_valid():
                raise DjangoValidationError(form.errors.as_data())
            contact = self_referral_submit(**form.submit_kwargs())
            hours = contact.team.response_promise_hours
        body = {
            "detail": _("Thank you, we have received your request."),
            "response_promise_hours": hours,
        }
        return Response(body, status=status.HTTP_201_CREATED)
