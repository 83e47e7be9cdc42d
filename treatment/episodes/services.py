"""Writes for the episode (behandlingsforløp): creation from the assessment, offers per step
(step up, step down, alongside), the primary therapist and co-therapists, and the end."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from intake.assessments.choices import Decision, Step
from intake.models import Assessment
from rph.accounts.models import Team, User
from rph.accounts.roles import CLINICAL_ROLES
from rph.accounts.teams import role_in_team
from treatment.follow_up.services import follow_ups_plan
from treatment.models import EndReason, Episode, Offer, OfferEnd, OfferStart, TherapistChange

# What staff may give as the reason an offer ended; the others are set by the services.
MANUAL_OFFER_ENDS = (OfferEnd.COMPLETED, OfferEnd.DROPPED_OUT)
CHANGE_STARTS = (OfferStart.STEP_UP, OfferStart.STEP_DOWN, OfferStart.PARALLEL)


def is_clinical_member(user: User, team: Team) -> bool:
    return user.is_active and role_in_team(user, team.pk) in CLINICAL_ROLES


@transaction.atomic
def episode_create_from_assessment(*, assessment: Assessment, by: User) -> Episode:
    """The episode a completed assessment placed on a step starts; the same one if it exists.

    The assessing therapist becomes the primary therapist (or `by`, if the assessing
    therapist no longer works clinically in the team) and joins the client's care team.
    """
    locked = Assessment.objects.select_for_update().select_related("contact__client__team")
    assessment = locked.get(pk=assessment.pk)
    existing = Episode.objects.filter(assessment=assessment).first()
    if existing is not None:
        return existing
    if not (
        assessment.is_complete
        and assessment.decision == Decision.IN_TARGET_GROUP
        and assessment.step is not None
    ):
        raise ValidationError(
            _("Only a completed assessment that placed the client on a step starts an episode.")
        )
    client = assessment.contact.client
    therapist = assessment.therapist
    if not is_clinical_member(therapist, client.team):
        therapist = by
    if not is_clinical_member(therapist, client.team):
        raise ValidationError(_("The primary therapist must be a therapist in the team."))
    started_at = assessment.completed_at
    episode = Episode.objects.create(
        team=client.team,
        client=client,
        assessment=assessment,
        primary_therapist=therapist,
        started_at=started_at,
        created_by=by,
    )
    TherapistChange.objects.create(
        episode=episode, therapist=therapist, started_at=started_at, changed_by=by
    )
    Offer.objects.create(
        episode=episode,
        step=assessment.step,
        started_on=timezone.localdate(started_at),
        start_reason=OfferStart.PLACEMENT,
        created_by=by,
    )
    client.care_team.add(therapist)
    return episode


def _lock(episode: Episode) -> Episode:
    """The episode, locked, and refused if it has ended."""
    current = (
        Episode.objects.select_for_update().select_related("team", "client").get(pk=episode.pk)
    )
    if not current.is_open:
        raise ValidationError(_("The episode has ended; it cannot be changed."), code="ended")
    return current


def _too_long(text: str, model: type, field: str) -> dict[str, list[str]]:
    limit = model._meta.get_field(field).max_length
    if len(text) <= limit:
        return {}
    return {field: [_("Write at most %(n)d characters.") % {"n": limit}]}


def _day_errors(day: date, episode: Episode) -> list[str]:
    errors = []
    if day > timezone.localdate():
        errors.append(_("The date cannot be in the future."))
    if day < timezone.localdate(episode.started_at):
        errors.append(_("The date cannot be before the episode started."))
    return errors


@transaction.atomic
def offer_add(
    *,
    episode: Episode,
    step: int,
    start_reason: str,
    note: str,
    by: User,
    end_current: Offer | None,
    started_on: date | None = None,
) -> Offer:
    """A new offer in the episode: a step up or down (ending `end_current` as replaced), or
    an offer alongside the open ones (a course plus individual sessions)."""
    episode = _lock(episode)
    started_on = started_on or timezone.localdate()
    open_offers = list(episode.offers.filter(ended_on__isnull=True))
    errors = _too_long(note, Offer, "note")
    if step not in Step.values:
        errors["step"] = [_("Choose a step.")]
    if start_reason not in CHANGE_STARTS:
        errors["start_reason"] = [_("Choose step up, step down or alongside.")]
    if errors:
        raise ValidationError(errors)
    if end_current is not None and end_current.pk not in {offer.pk for offer in open_offers}:
        errors["end_current"] = [_("Choose an open offer in this episode.")]
    elif start_reason == OfferStart.PARALLEL:
        if end_current is not None:
            errors["end_current"] = [_("An offer alongside does not replace another.")]
        elif step in {offer.step for offer in open_offers}:
            errors["step"] = [_("The client already has an open offer on this step.")]
    else:
        errors |= _step_change_errors(episode, step, start_reason, end_current, open_offers)
    if day_errors := _day_errors(started_on, episode):
        errors["started_on"] = day_errors
    elif end_current is not None and started_on < end_current.started_on:
        errors["started_on"] = [_("The new offer cannot start before the one it replaces.")]
    if errors:
        raise ValidationError(errors)
    if end_current is not None:
        end_current.ended_on = started_on
        end_current.end_reason = OfferEnd.STEPPED
        end_current.save(update_fields=["ended_on", "end_reason"])
    return Offer.objects.create(
        episode=episode,
        step=step,
        started_on=started_on,
        start_reason=start_reason,
        note=note,
        created_by=by,
    )


def _step_change_errors(
    episode: Episode,
    step: int,
    start_reason: str,
    end_current: Offer | None,
    open_offers: list[Offer],
) -> dict[str, list[str]]:
    """A step up must go higher than the step it leaves, a step down lower. With open offers
    it names the one it replaces; else it is compared with the latest offer."""
    if end_current is None and open_offers:
        return {"end_current": [_("Choose the open offer the new step replaces.")]}
    leaving = end_current or episode.offers.order_by("-started_on", "-pk").first()
    if leaving is None:
        return {"start_reason": [_("There is no earlier step to step up or down from.")]}
    if start_reason == OfferStart.STEP_UP and step <= leaving.step:
        return {"step": [_("A step up must be to a higher step than the one it replaces.")]}
    if start_reason == OfferStart.STEP_DOWN and step >= leaving.step:
        return {"step": [_("A step down must be to a lower step than the one it replaces.")]}
    return {}


@transaction.atomic
def offer_end(*, offer: Offer, reason: str, ended_on: date | None = None) -> Offer:
    """End one offer (completed or dropped out); the episode goes on."""
    episode = _lock(offer.episode)
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    ended_on = ended_on or timezone.localdate()
    if offer.ended_on is not None:
        raise ValidationError(_("This offer has already ended."), code="ended")
    errors: dict[str, list[str]] = {}
    if reason not in MANUAL_OFFER_ENDS:
        errors["reason"] = [_("Choose completed or dropped out.")]
    if day_errors := _day_errors(ended_on, episode):
        errors["ended_on"] = day_errors
    elif ended_on < offer.started_on:
        errors["ended_on"] = [_("An offer cannot end before it started.")]
    if errors:
        raise ValidationError(errors)
    offer.ended_on = ended_on
    offer.end_reason = reason
    offer.save(update_fields=["ended_on", "end_reason"])
    return offer


@transaction.atomic
def therapist_change(*, episode: Episode, therapist: User, reason: str, by: User) -> Episode:
    """A new primary therapist; the history keeps who it was and when. The new therapist
    joins the client's care team (and stops being a co-therapist)."""
    episode = _lock(episode)
    errors = _too_long(reason, TherapistChange, "reason")
    if therapist.pk == episode.primary_therapist_id:
        errors["therapist"] = [_("This is already the primary therapist.")]
    elif not is_clinical_member(therapist, episode.team):
        errors["therapist"] = [_("Choose a therapist in the team.")]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    episode.therapist_history.filter(ended_at__isnull=True).update(ended_at=now)
    TherapistChange.objects.create(
        episode=episode, therapist=therapist, started_at=now, reason=reason, changed_by=by
    )
    episode.primary_therapist = therapist
    episode.save(update_fields=["primary_therapist"])
    episode.co_therapists.remove(therapist)
    episode.client.care_team.add(therapist)
    return episode


@transaction.atomic
def co_therapist_add(*, episode: Episode, therapist: User) -> None:
    """A co-therapist (e.g. a course leader) also joins the client's care team."""
    episode = _lock(episode)
    if therapist.pk == episode.primary_therapist_id:
        raise ValidationError({"therapist": [_("The primary therapist cannot be a co-therapist.")]})
    if not is_clinical_member(therapist, episode.team):
        raise ValidationError({"therapist": [_("Choose a therapist in the team.")]})
    episode.co_therapists.add(therapist)
    episode.client.care_team.add(therapist)


@transaction.atomic
def co_therapist_remove(*, episode: Episode, therapist: User) -> None:
    """Off the episode; the care team is the team lead's to change, so they stay in it."""
    episode = _lock(episode)
    episode.co_therapists.remove(therapist)


@transaction.atomic
def episode_end(
    *, episode: Episode, reason: str, note: str, by: User, follow_up_consent: bool = False
) -> Episode:
    """End the episode: open offers end with it; with the client's consent the team's
    follow-ups after the end are planned. Refused for an episode already ended."""
    episode = _lock(episode)
    errors = _too_long(note, Episode, "end_note")
    if reason not in EndReason.values:
        errors["reason"] = [_("Choose why the episode ends.")]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    today = timezone.localdate(now)
    for offer in episode.offers.filter(ended_on__isnull=True):
        offer.ended_on = max(today, offer.started_on)
        offer.end_reason = OfferEnd.EPISODE_ENDED
        offer.save(update_fields=["ended_on", "end_reason"])
    episode.ended_at = now
    episode.end_reason = reason
    episode.end_note = note
    episode.ended_by = by
    episode.follow_up_consent = bool(follow_up_consent)
    episode.save(
        update_fields=["ended_at", "end_reason", "end_note", "ended_by", "follow_up_consent"]
    )
    follow_ups_plan(episode=episode)
    return episode
