"""Episode API: the team's episodes, one episode with its offers and outcome, adding an offer,
ending the episode. The same access rules as the pages.

Every view of one episode goes through get_episode_for_user first (logged). Bad input is
answered with 400 rather than raised: a raised error rolls back the request's transaction,
and with it the access-log row of the look at the record.
"""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from intake.access import get_client_for_user
from intake.assessments.choices import Step
from rph.accounts.access import Need
from rph.accounts.models import User
from rph.accounts.permissions import IsTeamStaff
from rph.accounts.roles import CLINICAL_ROLES
from rph.accounts.teams import roles_by_team
from treatment.episodes import services
from treatment.episodes.access import get_episode_for_user
from treatment.models import EndReason, Episode, Offer, TherapistChange
from treatment.outcomes import RULE_VERSION, EpisodeOutcome, episode_outcome

TRUE_FALSE = {"true": True, "1": True, "false": False, "0": False}


def _clinical_teams(user: User) -> list[int]:
    return [team for team, role in roles_by_team(user).items() if role in CLINICAL_ROLES]


class WorksClinically(IsTeamStaff):
    """A clinical role in some team: others get 403, as on the episode list page."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return super().has_permission(request, view) and bool(_clinical_teams(request.user))


class OfferSerializer(serializers.ModelSerializer):
    class Meta:
        model = Offer
        fields = [
            "id",
            "step",
            "started_on",
            "start_reason",
            "ended_on",
            "end_reason",
            "note",
            "created_by",
        ]


class TherapistChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = TherapistChange
        fields = ["therapist", "started_at", "ended_at", "reason", "changed_by"]


class ScorePointSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    phq9 = serializers.IntegerField()
    gad7 = serializers.IntegerField()


class OutcomeSerializer(serializers.Serializer):
    """treatment.outcomes.episode_outcome: `reason` is null when the episode counts in the
    rates; `headline` is there whenever first and last scores pair up (also while open)."""

    headline = serializers.SerializerMethodField()
    reason = serializers.CharField(allow_null=True)
    finished = serializers.BooleanField()
    counts = serializers.BooleanField()
    treatment_sessions = serializers.IntegerField()
    first = ScorePointSerializer(allow_null=True)
    last = ScorePointSerializer(allow_null=True)
    caseness_start = serializers.BooleanField(source="outcome.caseness_start", allow_null=True)
    caseness_end = serializers.BooleanField(source="outcome.caseness_end", allow_null=True)
    recovered = serializers.BooleanField(source="outcome.recovered", allow_null=True)
    reliable_improvement = serializers.BooleanField(
        source="outcome.reliable_improvement", allow_null=True
    )
    reliable_deterioration = serializers.BooleanField(
        source="outcome.reliable_deterioration", allow_null=True
    )
    reliable_recovery = serializers.BooleanField(
        source="outcome.reliable_recovery", allow_null=True
    )
    rule_version = serializers.SerializerMethodField()

    def get_headline(self, result: EpisodeOutcome) -> str | None:
        return result.outcome.headline.value if result.outcome else None

    def get_rule_version(self, result: EpisodeOutcome) -> str:
        return RULE_VERSION


class EpisodeSerializer(serializers.ModelSerializer):
    """One line per episode: who, when, and the steps of its open offers."""

    client_name = serializers.CharField(source="client.__str__", read_only=True)
    steps = serializers.SerializerMethodField(help_text="Steps of the open offers.")

    class Meta:
        model = Episode
        fields = [
            "id",
            "client",
            "client_name",
            "team",
            "assessment",
            "primary_therapist",
            "started_at",
            "ended_at",
            "end_reason",
            "steps",
        ]

    def get_steps(self, episode: Episode) -> list[int]:
        return [offer.step for offer in episode.offers.all() if offer.ended_on is None]


class EpisodeDetailSerializer(EpisodeSerializer):
    offers = OfferSerializer(many=True, read_only=True)
    therapist_history = TherapistChangeSerializer(many=True, read_only=True)
    outcome = serializers.SerializerMethodField()

    class Meta(EpisodeSerializer.Meta):
        fields = [
            *EpisodeSerializer.Meta.fields,
            "end_note",
            "ended_by",
            "co_therapists",
            "offers",
            "therapist_history",
            "outcome",
        ]

    @extend_schema_field(OutcomeSerializer)
    def get_outcome(self, episode: Episode) -> dict:
        return OutcomeSerializer(episode_outcome(episode)).data


class OfferCreateSerializer(serializers.Serializer):
    step = serializers.ChoiceField(choices=Step.choices)
    start_reason = serializers.ChoiceField(choices=services.CHANGE_STARTS)
    end_current = serializers.IntegerField(
        required=False, allow_null=True, help_text="The open offer a step up or down replaces."
    )
    started_on = serializers.DateField(required=False, help_text="Default today.")
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class EpisodeEndSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=EndReason.choices)
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


def _detail(episode: Episode) -> dict:
    facts = (
        Episode.objects.with_outcome_facts()
        .prefetch_related("offers", "therapist_history", "co_therapists")
        .get(pk=episode.pk)
    )
    return EpisodeDetailSerializer(facts).data


class EpisodeList(generics.ListAPIView):
    """Episodes of every team where the user works clinically, newest first.

    `?client=<id>` narrows to one client (a look at the record: care team only, logged);
    `?open=true` or `?open=false` to open or ended episodes.
    """

    serializer_class = EpisodeSerializer
    permission_classes = [WorksClinically]

    @extend_schema(
        parameters=[
            OpenApiParameter("client", OpenApiTypes.INT),
            OpenApiParameter("open", OpenApiTypes.BOOL),
        ]
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        errors = {}
        if params.get("open", "") not in ("", *TRUE_FALSE):
            errors["open"] = [_("Give true or false.")]
        if not (params.get("client") or "0").isdigit():
            errors["client"] = [_("Give the client's id.")]
        if errors:
            raise serializers.ValidationError(errors)
        return super().get(request)

    def get_queryset(self):  # type: ignore[no-untyped-def]
        params = self.request.query_params
        episodes = Episode.objects.filter(team__in=_clinical_teams(self.request.user))
        if params.get("client"):
            client, _access = get_client_for_user(
                self.request, int(params["client"]), Need.CLINICAL_READ
            )
            episodes = episodes.filter(client=client)
        if params.get("open"):
            episodes = episodes.filter(ended_at__isnull=TRUE_FALSE[params["open"]])
        return (
            episodes.select_related("client")
            .prefetch_related("offers")
            .order_by("-started_at", "-pk")
        )


class EpisodeDetail(APIView):
    @extend_schema(responses=EpisodeDetailSerializer)
    def get(self, request: Request, pk: int) -> Response:
        episode, _access = get_episode_for_user(request, pk, Need.CLINICAL_READ)
        return Response(_detail(episode))


class EpisodeOffers(APIView):
    @extend_schema(request=OfferCreateSerializer, responses={201: OfferSerializer})
    def post(self, request: Request, pk: int) -> Response:
        """Step up or down (`end_current`: the offer replaced) or add an offer alongside."""
        episode, _access = get_episode_for_user(request, pk, Need.CLINICAL_WRITE)
        serializer = OfferCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        end_current = None
        if data.get("end_current") is not None:
            end_current = Offer.objects.filter(episode=episode, pk=data["end_current"]).first()
            if end_current is None:
                raise serializers.ValidationError(
                    {"end_current": [_("Choose an open offer in this episode.")]}
                )
        offer = services.offer_add(
            episode=episode,
            step=data["step"],
            start_reason=data["start_reason"],
            note=data["note"],
            by=request.user,
            end_current=end_current,
            started_on=data.get("started_on"),
        )
        return Response(OfferSerializer(offer).data, status=status.HTTP_201_CREATED)


class EpisodeEnd(APIView):
    @extend_schema(request=EpisodeEndSerializer, responses=EpisodeDetailSerializer)
    def post(self, request: Request, pk: int) -> Response:
        """End the episode; open offers end with it. 400 if it has ended already."""
        episode, _access = get_episode_for_user(request, pk, Need.CLINICAL_WRITE)
        serializer = EpisodeEndSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.episode_end(episode=episode, by=request.user, **serializer.validated_data)
        return Response(_detail(episode))
