"""The episodes section of the client page: each episode's steps, status and outcome, with a
link to it. Clinical eyes only; registered in TreatmentConfig.ready (intake does not import
treatment). A fixed number of queries however many episodes the client has."""

from dataclasses import dataclass

from django.http import HttpRequest
from django.template.loader import render_to_string

from intake.assessments.choices import AssessmentStatus, Decision
from intake.models import Assessment, Client
from rph.accounts.access import Access
from treatment.episodes.badges import Badge, outcome_badge
from treatment.models import Episode, Offer
from treatment.outcomes import episode_outcome


@dataclass(frozen=True)
class EpisodeRow:
    episode: Episode
    offers: list[Offer]
    badge: Badge


def episode_section(request: HttpRequest, client: Client, access: Access) -> str | None:
    if not access.clinical:
        return None
    episodes = (
        Episode.objects.filter(client=client)
        .with_outcome_facts()
        .select_related("primary_therapist")
        .prefetch_related("offers")
        .order_by("-started_at", "-pk")
    )
    rows = [
        EpisodeRow(
            episode=episode,
            offers=list(episode.offers.all()),
            badge=outcome_badge(episode_outcome(episode)),
        )
        for episode in episodes
    ]
    # Placed by an assessment, but not started (completed before episodes, or it failed).
    unstarted = Assessment.objects.filter(
        contact__client=client,
        status=AssessmentStatus.COMPLETE,
        decision=Decision.IN_TARGET_GROUP,
        step__isnull=False,
        episode__isnull=True,
    ).order_by("completed_at", "pk")
    context = {"rows": rows, "unstarted": list(unstarted), "access": access}
    if not rows and not context["unstarted"]:
        return None
    return render_to_string("treatment/episode_client_section.html", context, request=request)
