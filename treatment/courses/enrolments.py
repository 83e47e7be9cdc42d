"""Enrolment: the waitlist per course type, a place on a run (counted with the run's row
locked, so two people cannot take the last place), and the end of a run. Enrolling links
the enrolment to the episode's open step-2 offer, or starts one."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from rph.accounts.models import User
from treatment.courses.rules import OPEN_STATUSES, PLACED_STATUSES, RUN_ENDINGS, STEP
from treatment.episodes.services import offer_add, offer_end
from treatment.models import (
    HOLDING_PLACE,
    CourseRun,
    CourseType,
    Enrolment,
    EnrolmentStatus,
    Episode,
    Offer,
    OfferEnd,
    OfferStart,
)


def runs_with_places(runs: models.QuerySet[CourseRun]) -> list[CourseRun]:
    """The runs a client can still join (places free, last meeting not begun), first meeting
    first, with `first_meeting_at`, `enrolled` and `free` set."""
    now = timezone.now()
    runs = (
        runs.with_schedule()  # type: ignore[attr-defined]
        .select_related("course_type")
        .annotate(
            enrolled=models.Count(
                "enrolments", filter=Q(enrolments__status__in=HOLDING_PLACE), distinct=True
            )
        )
        .filter(Q(last_meeting_at__isnull=True) | Q(last_meeting_at__gt=now))
        .order_by("first_meeting_at", "pk")
    )
    result = []
    for run in runs:
        run.free = run.capacity - run.enrolled  # type: ignore[attr-defined]
        if run.free > 0:  # type: ignore[attr-defined]
            result.append(run)
    return result


def _course_offer(episode: Episode, by: User) -> Offer:
    """The episode's open step-2 offer, or a new one: the placement when the episode has no
    offer yet, alongside open offers, else a step up or down from the last step."""
    offers = list(episode.offers.order_by("started_on", "pk"))
    for offer in offers:
        if offer.step == STEP and offer.ended_on is None:
            return offer
    if not offers:
        return Offer.objects.create(
            episode=episode, step=STEP, start_reason=OfferStart.PLACEMENT, created_by=by
        )
    last = offers[-1]
    if any(offer.ended_on is None for offer in offers) or last.step == STEP:
        reason = OfferStart.PARALLEL
    else:
        reason = OfferStart.STEP_UP if last.step < STEP else OfferStart.STEP_DOWN
    return offer_add(
        episode=episode, step=STEP, start_reason=reason, note="", by=by, end_current=None
    )


def _take_place(enrolment: Enrolment, run: CourseRun, now: datetime) -> None:
    """Give the enrolment a place on the run, with the run's row locked while counting."""
    run = CourseRun.objects.select_for_update().get(pk=run.pk)
    if run.course_type_id != enrolment.course_type_id:
        raise ValidationError({"run": [_("Choose a run of the same course type.")]})
    last = run.course_meetings.filter(cancelled=False).order_by("-starts_at").first()
    if last is not None and last.starts_at <= now:
        raise ValidationError({"run": [_("The last meeting of this run has begun.")]})
    holding = run.enrolments.filter(status__in=HOLDING_PLACE).count()
    if holding >= run.capacity:
        raise ValidationError(
            {
                "run": [
                    _("The run is full: all %(places)d places are taken.")
                    % {"places": run.capacity}
                ]
            }
        )
    enrolment.run = run
    enrolment.status = EnrolmentStatus.ENROLLED
    enrolment.enrolled_at = now


@transaction.atomic
def enrolment_create(
    *, episode: Episode, course_type: CourseType, run: CourseRun | None, by: User
) -> Enrolment:
    """Put the client on the course type's waitlist, or straight on a run with free places."""
    episode = Episode.objects.select_for_update().get(pk=episode.pk)
    if not episode.is_open:
        raise ValidationError(_("The episode has ended."))
    if course_type.team_id != episode.team_id or not course_type.active:
        raise ValidationError({"course_type": [_("Choose one of the team's active courses.")]})
    if course_type.drop_in:
        raise ValidationError(
            {
                "course_type": [
                    _("A drop-in course needs no sign-up: add the client at the meeting.")
                ]
            }
        )
    open_ones = episode.enrolments.filter(course_type=course_type, status__in=OPEN_STATUSES)
    if open_ones.exists():
        raise ValidationError(
            {"course_type": [_("The client is already waiting for or enrolled on this course.")]}
        )
    now = timezone.now()
    enrolment = Enrolment(
        episode=episode, course_type=course_type, waiting_since=now, created_by=by
    )
    if run is not None:
        _take_place(enrolment, run, now)
    enrolment.offer = _course_offer(episode, by)
    enrolment.save()
    return enrolment


def _lock_waiting(enrolment: Enrolment) -> Enrolment:
    current = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if current.status != EnrolmentStatus.WAITING:
        raise ValidationError(_("The client is no longer on the waitlist."))
    return current


@transaction.atomic
def enrolment_place(*, enrolment: Enrolment, run: CourseRun) -> Enrolment:
    """From the waitlist onto a run with a free place."""
    enrolment = _lock_waiting(enrolment)
    _take_place(enrolment, run, timezone.now())
    enrolment.save(update_fields=["run", "status", "enrolled_at"])
    return enrolment


@transaction.atomic
def enrolment_withdraw(*, enrolment: Enrolment) -> Enrolment:
    """Off the waitlist (the client no longer wants the course, or got other help)."""
    enrolment = _lock_waiting(enrolment)
    enrolment.status = EnrolmentStatus.WITHDRAWN
    enrolment.ended_at = timezone.now()
    enrolment.save(update_fields=["status", "ended_at"])
    return enrolment


# -- Attendance ---------------------------------------------------------------------------


# -- The end of a run ---------------------------------------------------------------------


@dataclass(frozen=True)
class RunEnding:
    """One participant at the end of a run: completed or dropped out, and the evaluation."""

    enrolment_id: int
    status: str
    evaluation: int | None


@transaction.atomic
def course_run_complete(*, run: CourseRun, endings: Iterable[RunEnding]) -> int:
    """Record who completed and who dropped out, with their course evaluation (1-6). An
    offer with no other course left in play ends with the course. Returns enrolments changed."""
    run = CourseRun.objects.select_for_update().get(pk=run.pk)
    enrolments = {
        e.pk: e
        for e in Enrolment.objects.filter(run=run, status__in=PLACED_STATUSES).select_related(
            "offer__episode"
        )
    }
    endings = list(endings)
    for ending in endings:
        if ending.enrolment_id not in enrolments:
            raise ValidationError(_("Someone on the list is not a participant of this run."))
        if ending.status not in RUN_ENDINGS:
            raise ValidationError(_("Choose completed or dropped out for each participant."))
        if ending.evaluation is not None and not 1 <= ending.evaluation <= 6:
            raise ValidationError(_("The course evaluation is a number from 1 to 6."))
    now = timezone.now()
    changed = []
    for ending in endings:
        enrolment = enrolments[ending.enrolment_id]
        if (enrolment.status, enrolment.evaluation) == (ending.status, ending.evaluation):
            continue
        if enrolment.status != ending.status:
            enrolment.ended_at = now
        enrolment.status = ending.status
        enrolment.evaluation = ending.evaluation
        changed.append(enrolment)
    Enrolment.objects.bulk_update(changed, ["status", "evaluation", "ended_at"])
    _course_offers_end(changed)
    return len(changed)


def _course_offers_end(enrolments: list[Enrolment]) -> None:
    ended: set[int] = set()
    for enrolment in enrolments:
        offer = enrolment.offer
        if offer is None or offer.ended_on is not None or not offer.episode.is_open:
            continue
        if offer.pk in ended or offer.enrolments.filter(status__in=OPEN_STATUSES).exists():
            continue
        ended.add(offer.pk)
        completed = enrolment.status == EnrolmentStatus.COMPLETED
        offer_end(offer=offer, reason=OfferEnd.COMPLETED if completed else OfferEnd.DROPPED_OUT)
