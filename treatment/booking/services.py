"""Self-booking links: offer a therapist's free slots, let the client pick one, once.

The token is made and checked like the questionnaire link's (questionnaires.tokens: 256
random bits, only a SHA-256 hash stored); the public page shares its rate limit. A booking
goes through `session_book`, so it is checked against the therapist's calendar at that
moment, appears in the calendar and schedules the usual questionnaire link.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from questionnaires.models import Message
from questionnaires.outbox import booking_text, client_message_record
from questionnaires.tokens import hash_token, new_token
from rph.accounts.models import User
from treatment.booking.rules import Away, Block, Busy, free_slots, is_free
from treatment.models import BookingLink, Episode, Leave, Session, WorkingHours
from treatment.sessions.calendar import clinicians
from treatment.sessions.services import OCCUPYING, session_book

MAX_SLOTS = 12
MAX_DAYS_AHEAD = 42


class SlotTaken(ValidationError):
    """The chosen time was booked by someone else meanwhile."""


@dataclass(frozen=True)
class Sent:
    link: BookingLink
    url: str  # shown to staff once; the token is not stored
    message: Message | None  # None: the client has no channel they agreed to


def booking_url(token: str) -> str:
    return settings.SITE_URL + reverse("booking_link", args=[token])


def therapist_free_slots(
    *, team_id: int, therapist: User, minutes: int, days_ahead: int, limit: int = MAX_SLOTS
) -> list[datetime]:
    now = timezone.now()
    first_day = timezone.localdate(now)
    last_day = first_day + timedelta(days=days_ahead)
    hours = [
        Block(h.weekday, h.starts, h.ends)
        for h in WorkingHours.objects.filter(team_id=team_id, therapist=therapist)
    ]
    leave = [
        Away(a.first_day, a.last_day)
        for a in Leave.objects.filter(
            therapist=therapist, last_day__gte=first_day, first_day__lte=last_day
        )
    ]
    return free_slots(
        hours=hours,
        leave=leave,
        busy=_busy(therapist, now, last_day),
        first_day=first_day,
        last_day=last_day,
        minutes=minutes,
        not_before=now + timedelta(hours=2),
        zone=timezone.get_current_timezone(),
        limit=limit,
    )


def _busy(therapist: User, since: datetime, last_day: object) -> list[Busy]:
    sessions = Session.objects.filter(
        therapist=therapist,
        attendance__in=OCCUPYING,
        starts_at__gte=since - timedelta(hours=8),
        starts_at__date__lte=last_day,
    ).values_list("starts_at", "duration_minutes")
    return [Busy(start, minutes) for start, minutes in sessions]


@transaction.atomic
def booking_link_send(
    *,
    episode: Episode,
    therapist: User,
    purpose: str,
    mode: str,
    duration_minutes: int,
    location: str,
    days_ahead: int,
    by: User,
) -> Sent:
    if not episode.is_open:
        raise ValidationError(_("The episode has ended; sessions can no longer be booked."))
    if not clinicians(episode.team).filter(pk=therapist.pk).exists():
        raise ValidationError({"therapist": _("Choose a therapist in the team.")})
    if not 1 <= days_ahead <= MAX_DAYS_AHEAD:
        raise ValidationError(
            {
                "days_ahead": _("Offer times from 1 to %(days)d days ahead.")
                % {"days": MAX_DAYS_AHEAD}
            }
        )
    slots = therapist_free_slots(
        team_id=episode.team_id,
        therapist=therapist,
        minutes=duration_minutes,
        days_ahead=days_ahead,
    )
    if not slots:
        raise ValidationError(
            _(
                "%(therapist)s has no free time of this length in the period. Check the "
                "working hours and leave, or offer more days."
            )
            % {"therapist": therapist.get_full_name() or therapist.get_username()}
        )
    token, token_hash = new_token()
    link = BookingLink.objects.create(
        team_id=episode.team_id,
        episode=episode,
        therapist=therapist,
        purpose=purpose,
        mode=mode,
        duration_minutes=duration_minutes,
        location=location.strip(),
        slots=[slot.isoformat() for slot in slots],
        token_hash=token_hash,
        created_by=by,
        expires_at=slots[-1],
    )
    url = booking_url(token)
    message = client_message_record(
        client=episode.client, kind=Message.Kind.BOOKING, body=booking_text(episode.client, url)
    )
    return Sent(link=link, url=url, message=message)


def booking_link_for_token(token: str) -> BookingLink | None:
    """The open link behind a token, or None for a wrong, used or expired one."""
    if not token or len(token) > 100:
        return None
    return (
        BookingLink.objects.filter(
            token_hash=hash_token(token),
            session__isnull=True,
            expired_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .select_related("episode__client", "therapist", "team")
        .first()
    )


def booking_link_opened(*, link: BookingLink) -> None:
    now = timezone.now()
    BookingLink.objects.filter(pk=link.pk, first_opened_at__isnull=True).update(first_opened_at=now)
    BookingLink.objects.filter(pk=link.pk).update(
        last_opened_at=now, times_opened=F("times_opened") + 1
    )


def open_slots(link: BookingLink) -> list[datetime]:
    """The link's offered times that are still in the future and still free."""
    now = timezone.now() + timedelta(minutes=30)
    offered = [datetime.fromisoformat(value) for value in link.slots]
    future = [slot for slot in offered if slot > now]
    if not future:
        return []
    busy = _busy(link.therapist, future[0], timezone.localdate(future[-1]))
    return [slot for slot in future if is_free(slot, link.duration_minutes, busy)]


@transaction.atomic
def booking_link_book(*, link: BookingLink, slot: str) -> Session:
    """Book the chosen time; SlotTaken when it went meanwhile, ValidationError when the link
    is used up or the time was never offered."""
    current = BookingLink.objects.select_for_update().select_related("episode").get(pk=link.pk)
    if current.session_id or current.expired_at or current.expires_at <= timezone.now():
        raise ValidationError(_("The link is no longer valid."), code="used")
    if slot not in current.slots:
        raise ValidationError(_("Choose one of the times offered."), code="not_offered")
    starts_at = datetime.fromisoformat(slot)
    try:
        session = session_book(
            episode=current.episode,
            starts_at=starts_at,
            purpose=current.purpose,
            mode=current.mode,
            duration_minutes=current.duration_minutes,
            location=current.location,
            therapist=current.therapist,
            by=current.created_by,
        )
    except ValidationError as exc:
        raise SlotTaken(
            _("Sorry, that time has just been taken. Choose another one."), code="taken"
        ) from exc
    current.session = session
    current.booked_at = timezone.now()
    current.save(update_fields=["session", "booked_at"])
    return session


@transaction.atomic
def booking_link_expire(*, link: BookingLink, by: User) -> BookingLink:
    current = BookingLink.objects.select_for_update().get(pk=link.pk)
    if current.session_id or current.expired_at:
        raise ValidationError(_("The link has already been used or expired."), code="already")
    current.expired_at = timezone.now()
    current.expired_by = by
    current.save(update_fields=["expired_at", "expired_by"])
    return current
