"""Guided self-help (veiledet selvhjelp, step 1): material or an access code, and follow-up
calls (Session, purpose follow_up). "Handing out a code without follow-up does not work"
(domain.md §2, 001 l.5028), so every active guided self-help has a next follow-up date and
the team sees who has none.

The overdue rule (`follow_up_due_on`, `follow_up_overdue`; pure, dates in Oslo time):
- Only active guided self-help (not ended, in an open episode) can be overdue.
- The clock runs from the day of the last *attended* follow-up call, or, before the first
  one, from the day the code or material was given. A call the client did not attend, or
  one that was cancelled, does not restart it.
- Due date = that day + `follow_up_every_days`.
- Overdue when today is after the due date (on the due date itself the call can still be
  made) and no follow-up call is booked for today or later. A booked call, even one after
  the due date, means the follow-up is planned. A booked call in the past whose attendance
  was never recorded does not count: nobody knows it was held.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rph.accounts.models import Team, User
from rph.working_days import moved_to_working_day
from treatment.episodes.services import offer_add
from treatment.models import (
    Attendance,
    Episode,
    GuidedSelfHelp,
    Offer,
    OfferStart,
    Programme,
    Session,
    SessionMode,
    SessionPurpose,
)
from treatment.sessions.services import session_attendance_record, session_book, session_cancel

STEP = 1
MAX_PLANNED_CALLS = 12
CALL_MINUTES = 20
# The programmes that mean nothing without a title or a description.
DETAIL_REQUIRED = (Programme.BOOK, Programme.OTHER)
CALL_OUTCOMES = (Attendance.ATTENDED, Attendance.DID_NOT_ATTEND)


def follow_up_due_on(
    *, material_given_on: date, last_call_on: date | None, every_days: int
) -> date:
    """The day the next follow-up call is due."""
    return (last_call_on or material_given_on) + timedelta(days=every_days)


def follow_up_overdue(*, today: date, due_on: date, next_booked_on: date | None) -> bool:
    """Past the due date, with no follow-up call booked for today or later."""
    planned = next_booked_on is not None and next_booked_on >= today
    return today > due_on and not planned


@dataclass(frozen=True)
class FollowUp:
    """Where one guided self-help stands (from `SelfHelpQuerySet.with_follow_up_facts`)."""

    last_call_on: date | None
    next_booked_at: datetime | None
    due_on: date
    overdue: bool  # only ever True while the guided self-help is active
    days_overdue: int  # 0 unless overdue


def follow_up(self_help: GuidedSelfHelp, today: date) -> FollowUp:
    last_at: datetime | None = self_help.last_call_at  # type: ignore[attr-defined]
    next_at: datetime | None = self_help.next_booked_at  # type: ignore[attr-defined]
    last_on = timezone.localdate(last_at) if last_at else None
    due_on = follow_up_due_on(
        material_given_on=self_help.material_given_on,
        last_call_on=last_on,
        every_days=self_help.follow_up_every_days,
    )
    active = self_help.ended_on is None and self_help.episode.ended_at is None
    overdue = active and follow_up_overdue(
        today=today,
        due_on=due_on,
        next_booked_on=timezone.localdate(next_at) if next_at else None,
    )
    return FollowUp(
        last_call_on=last_on,
        next_booked_at=next_at,
        due_on=due_on,
        overdue=overdue,
        days_overdue=(today - due_on).days if overdue else 0,
    )


def start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


class SelfHelpQuerySet(models.QuerySet[GuidedSelfHelp]):
    def active(self) -> "SelfHelpQuerySet":
        return self.filter(ended_on__isnull=True, episode__ended_at__isnull=True)

    def with_follow_up_facts(self, today: date) -> "SelfHelpQuerySet":
        """`last_call_at` (the last attended follow-up call) and `next_booked_at` (the first
        follow-up call booked for `today` or later), for `follow_up()`."""
        calls = Session.objects.filter(
            guided_self_help=models.OuterRef("pk"), purpose=SessionPurpose.FOLLOW_UP
        )
        attended = calls.filter(attendance=Attendance.ATTENDED).order_by("-starts_at")
        booked = calls.filter(
            attendance=Attendance.BOOKED, starts_at__gte=start_of(today)
        ).order_by("starts_at")
        return self.annotate(
            last_call_at=models.Subquery(attended.values("starts_at")[:1]),
            next_booked_at=models.Subquery(booked.values("starts_at")[:1]),
        )

    def for_overdue_list(self, team: Team, today: date) -> list[tuple[GuidedSelfHelp, FollowUp]]:
        """The team's overdue guided self-help, longest overdue first."""
        rows = (
            (self_help, follow_up(self_help, today))
            for self_help in self.active()
            .filter(episode__team=team)
            .with_follow_up_facts(today)
            .select_related("episode__client", "episode__primary_therapist")
        )
        return sorted(
            (row for row in rows if row[1].overdue), key=lambda row: (row[1].due_on, row[0].pk)
        )


def self_help_queryset() -> SelfHelpQuerySet:
    return SelfHelpQuerySet(model=GuidedSelfHelp)


def calls_of(self_help: GuidedSelfHelp) -> models.QuerySet[Session]:
    return self_help.follow_ups.select_related("therapist").order_by("starts_at", "pk")


# Writes ------------------------------------------------------------------------------------


def _lock_episode(episode: Episode) -> Episode:
    locked = Episode.objects.select_for_update(of=("self",)).select_related("team", "client")
    current = locked.get(pk=episode.pk)
    if not current.is_open:
        raise ValidationError(_("The episode has ended; it cannot be changed."), code="ended")
    return current


def _lock_active(self_help: GuidedSelfHelp) -> GuidedSelfHelp:
    _lock_episode(self_help.episode)
    current = (
        GuidedSelfHelp.objects.select_for_update(of=("self",))
        .select_related("episode__client__team", "offer")
        .get(pk=self_help.pk)
    )
    if current.ended_on is not None:
        raise ValidationError(_("This guided self-help has ended."), code="ended")
    return current


def _step_one_offer(episode: Episode, started_on: date, by: User) -> Offer:
    """The episode's open step-1 offer, or a new one: the placement when the episode has no
    offer yet, a step down when the last step ended was higher, else alongside the others."""
    offers = list(episode.offers.order_by("started_on", "pk"))
    for offer in offers:
        if offer.step == STEP and offer.ended_on is None:
            return offer
    if not offers:
        return Offer.objects.create(
            episode=episode,
            step=STEP,
            started_on=started_on,
            start_reason=OfferStart.PLACEMENT,
            created_by=by,
        )
    open_offers = [offer for offer in offers if offer.ended_on is None]
    step_down = not open_offers and offers[-1].step > STEP
    return offer_add(
        episode=episode,
        step=STEP,
        start_reason=OfferStart.STEP_DOWN if step_down else OfferStart.PARALLEL,
        note="",
        by=by,
        end_current=None,
        started_on=started_on,
    )


def _call_book(
    self_help: GuidedSelfHelp, *, starts_at: datetime, mode: str, by: User, field: str
) -> Session:
    """A booked follow-up call (with its questionnaire link); a refusal names `field`."""
    try:
        return session_book(
            episode=self_help.episode,
            starts_at=starts_at,
            purpose=SessionPurpose.FOLLOW_UP,
            mode=mode,
            duration_minutes=CALL_MINUTES,
            location="",
            therapist=by,
            by=by,
            offer=self_help.offer,
            guided_self_help=self_help,
        )
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from exc


def _future_errors(at: datetime | None, field: str) -> dict[str, list[str]]:
    if at is not None and at < timezone.now():
        return {field: [_("The time has already passed.")]}
    return {}


@transaction.atomic
def self_help_start(
    *,
    episode: Episode,
    by: User,
    programme: str,
    material_given_on: date,
    follow_up_every_days: int = 14,
    programme_detail: str = "",
    modules_total: int | None = None,
    planned_calls: int = 0,
    first_call_at: datetime | None = None,
    call_mode: str = SessionMode.PHONE,
) -> GuidedSelfHelp:
    """Guided self-help in the episode, on its step-1 offer (made if missing), and
    optionally the first `planned_calls` follow-up calls, `follow_up_every_days` apart."""
    episode = _lock_episode(episode)
    programme_detail = programme_detail.strip()
    errors: dict[str, list[str]] = {}
    if programme in DETAIL_REQUIRED and not programme_detail:
        errors["programme_detail"] = [_("Give the title or describe the material.")]
    if material_given_on > timezone.localdate():
        errors["material_given_on"] = [_("The date cannot be in the future.")]
    elif material_given_on < timezone.localdate(episode.started_at):
        errors["material_given_on"] = [_("The date cannot be before the episode started.")]
    if modules_total is not None and modules_total < 1:
        errors["modules_total"] = [_("Give at least one module, or leave it empty.")]
    if not 0 <= planned_calls <= MAX_PLANNED_CALLS:
        errors["planned_calls"] = [_("Plan from 0 to %(max)d calls.") % {"max": MAX_PLANNED_CALLS}]
    elif planned_calls and first_call_at is None:
        errors["first_call_at"] = [_("Give the time of the first follow-up call.")]
    errors |= _future_errors(first_call_at if planned_calls else None, "first_call_at")
    if call_mode not in SessionMode.values:
        errors["call_mode"] = [_("Choose how the calls are held.")]
    if self_help_queryset().filter(episode=episode, ended_on__isnull=True).exists():
        errors["__all__"] = [_("The episode already has guided self-help under way. End it first.")]
    self_help = GuidedSelfHelp(
        episode=episode,
        programme=programme,
        programme_detail=programme_detail,
        modules_total=modules_total,
        material_given_on=material_given_on,
        follow_up_every_days=follow_up_every_days,
        created_by=by,
    )
    try:
        self_help.full_clean(exclude=["offer", *errors])
    except ValidationError as exc:
        errors |= exc.message_dict
    if errors:
        raise ValidationError(errors)
    self_help.offer = _step_one_offer(episode, material_given_on, by)
    self_help.save()
    if planned_calls and first_call_at is not None:
        for number in range(planned_calls):
            at = first_call_at + timedelta(days=number * follow_up_every_days)
            if number and episode.team.schedule_on_working_days:  # the first is as chosen
                at = moved_to_working_day(at)
            _call_book(self_help, starts_at=at, mode=call_mode, by=by, field="first_call_at")
    return self_help


@transaction.atomic
def self_help_call_log(
    *,
    self_help: GuidedSelfHelp,
    by: User,
    attendance: str,
    session: Session | None = None,
    starts_at: datetime | None = None,
    mode: str = SessionMode.PHONE,
    modules_done: int | None = None,
    next_step: str = "",
    next_call_at: datetime | None = None,
) -> Session:
    """Record a follow-up call: a booked one (`session`), or one that was not booked
    (`starts_at`, `mode`). Progress (`modules_done`, `next_step`) only for a call held;
    `next_call_at` books the next call."""
    self_help = _lock_active(self_help)
    next_step = next_step.strip()
    errors = _call_errors(self_help, attendance, session, starts_at, mode)
    if attendance != Attendance.ATTENDED and (modules_done is not None or next_step):
        errors["modules_done"] = [_("Record progress only for a call that was held.")]
    elif modules_done is not None and modules_done < 0:
        errors["modules_done"] = [_("Give a number of modules, 0 or more.")]
    elif modules_done is not None and modules_done > (self_help.modules_total or modules_done):
        errors["modules_done"] = [
            _("The programme has %(total)d modules.") % {"total": self_help.modules_total}
        ]
    limit = Session._meta.get_field("next_step").max_length
    if len(next_step) > limit:
        errors["next_step"] = [_("At most %(limit)d characters.") % {"limit": limit}]
    if errors:
        raise ValidationError(errors)
    if session is not None:
        try:
            session = session_attendance_record(session=session, attendance=attendance, by=by)
        except ValidationError as exc:
            raise ValidationError({"session": exc.messages}) from exc
    else:
        session = _call_held(self_help, starts_at, mode, attendance, by)  # type: ignore[arg-type]
    Session.objects.filter(pk=session.pk).update(modules_done=modules_done, next_step=next_step)
    session.modules_done, session.next_step = modules_done, next_step
    if next_call_at is not None:
        _call_book(
            self_help, starts_at=next_call_at, mode=session.mode, by=by, field="next_call_at"
        )
    return session


def _call_errors(
    self_help: GuidedSelfHelp,
    attendance: str,
    session: Session | None,
    starts_at: datetime | None,
    mode: str,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if attendance not in CALL_OUTCOMES:
        errors["attendance"] = [_("Choose whether the client took part in the call.")]
    if session is not None:
        booked = session.guided_self_help_id == self_help.pk
        if not booked or session.attendance != Attendance.BOOKED:
            errors["session"] = [_("Choose a booked call of this guided self-help.")]
        return errors
    if starts_at is None:
        errors["starts_at"] = [_("Give the time of the call, or choose a booked call.")]
    elif starts_at > timezone.now():
        errors["starts_at"] = [_("A call in the future cannot be recorded yet.")]
    elif timezone.localdate(starts_at) < self_help.material_given_on:
        errors["starts_at"] = [_("The call cannot be before the material was given.")]
    if mode not in SessionMode.values:
        errors["mode"] = [_("Choose how the call was held.")]
    return errors


def _call_held(
    self_help: GuidedSelfHelp, starts_at: datetime, mode: str, attendance: str, by: User
) -> Session:
    """A call that was not booked, recorded afterwards."""
    episode = self_help.episode
    return Session.objects.create(
        team=episode.team,
        episode=episode,
        offer=self_help.offer,
        guided_self_help=self_help,
        therapist=by,
        starts_at=starts_at,
        duration_minutes=CALL_MINUTES,
        purpose=SessionPurpose.FOLLOW_UP,
        mode=mode,
        attendance=attendance,
        attendance_recorded_at=timezone.now(),
        attendance_recorded_by=by,
        created_by=by,
    )


@transaction.atomic
def self_help_end(
    *, self_help: GuidedSelfHelp, by: User, ended_on: date | None = None
) -> GuidedSelfHelp:
    """End the guided self-help; follow-up calls still booked ahead are cancelled by the
    service. The step-1 offer stays open: ending it is a decision on the episode page."""
    self_help = _lock_active(self_help)
    ended_on = ended_on or timezone.localdate()
    if ended_on > timezone.localdate():
        raise ValidationError({"ended_on": [_("The date cannot be in the future.")]})
    if ended_on < self_help.material_given_on:
        raise ValidationError({"ended_on": [_("It cannot end before the material was given.")]})
    booked = self_help.follow_ups.filter(
        attendance=Attendance.BOOKED, starts_at__gte=timezone.now()
    )
    for session in booked:
        session_cancel(session=session, by_client=False, reason=_("Guided self-help ended."), by=by)
    self_help.ended_on = ended_on
    self_help.save(update_fields=["ended_on"])
    return self_help
