"""When questionnaire links and reminders go out. Pure: no database, no clock.

Rules (decisions, documented in docs/questionnaires.md):

- The invitation goes `invitation_lead_hours` before the session, the reminder
  `reminder_lead_hours` before it, both counted in elapsed hours (as the intake clock), so a
  DST change neither adds nor removes an hour. A time already past means "now".
- Nothing is sent in the quiet hours, 21:00-08:00 Europe/Oslo. A time in the quiet hours moves
  forward to 08:00 the next morning; if that is not before the session starts, it moves back
  to 20:45 the evening before (a quarter of an hour's margin for the minute sweep before
  21:00). If neither is possible (both past or after the start) nothing is sent.
- Every message goes strictly before the session starts.
- A reminder only goes if it comes at least `MIN_REMINDER_GAP` after the invitation (two
  texts in a row are nagging) and the team allows two messages per invitation.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

OSLO = ZoneInfo("Europe/Oslo")
QUIET_FROM = time(21, 0)
QUIET_UNTIL = time(8, 0)
LAST_EVENING_SLOT = time(20, 45)
MIN_REMINDER_GAP = timedelta(hours=2)


@dataclass(frozen=True)
class SendPlan:
    invitation_at: datetime
    reminder_at: datetime | None


def in_quiet_hours(when: datetime) -> bool:
    local = when.astimezone(OSLO).time()
    return local >= QUIET_FROM or local < QUIET_UNTIL


def _at(day: date, clock: time) -> datetime:
    # 08:00 and 20:45 exist exactly once on every Oslo day (the clocks change at 02:00/03:00).
    return datetime.combine(day, clock, tzinfo=OSLO)


def next_morning(when: datetime) -> datetime:
    """08:00 at the end of the quiet hours `when` falls in (`when` itself if not quiet)."""
    if not in_quiet_hours(when):
        return when
    local = when.astimezone(OSLO)
    day = local.date() if local.time() < QUIET_UNTIL else local.date() + timedelta(days=1)
    return _at(day, QUIET_UNTIL)


def evening_before(when: datetime) -> datetime:
    """20:45 before the quiet hours `when` falls in (`when` itself if not quiet)."""
    if not in_quiet_hours(when):
        return when
    local = when.astimezone(OSLO)
    day = local.date() if local.time() >= QUIET_FROM else local.date() - timedelta(days=1)
    return _at(day, LAST_EVENING_SLOT)


def send_time(
    wanted: datetime, *, not_before: datetime, session_at: datetime | None
) -> datetime | None:
    """The time to send a message wanted at `wanted`, or None if there is no allowed time.

    Without a session (a link not tied to one), any time from `not_before` on is fine.
    """

    def before_session(when: datetime) -> bool:
        return session_at is None or when < session_at

    when = max(wanted, not_before)
    if not in_quiet_hours(when):
        return when if before_session(when) else None
    morning = next_morning(when)
    if before_session(morning):
        return morning
    evening = evening_before(when)
    if not_before <= evening and before_session(evening):
        return evening
    return None


def send_plan(
    *,
    now: datetime,
    session_at: datetime | None,
    invitation_lead_hours: int,
    reminder_lead_hours: int,
    max_messages: int,
    immediately: bool = False,
) -> SendPlan | None:
    """When to send the invitation and its reminder; None if the link cannot go at all.

    `immediately` (a resend by staff) sends the invitation now instead of at the lead time.
    `max_messages` is what the team still allows for this session.
    """
    if max_messages < 1:
        return None
    wanted = now
    if session_at is not None and not immediately:
        wanted = session_at - timedelta(hours=invitation_lead_hours)
    invitation_at = send_time(wanted, not_before=now, session_at=session_at)
    if invitation_at is None:
        return None
    reminder_at = None
    if max_messages >= 2 and session_at is not None:
        reminder_at = send_time(
            session_at - timedelta(hours=reminder_lead_hours),
            not_before=invitation_at + MIN_REMINDER_GAP,
            session_at=session_at,
        )
    return SendPlan(invitation_at=invitation_at, reminder_at=reminder_at)


# Which instruments go with which link. PHQ-9 and GAD-7 go before every session; WSAS (function)
# with the first (the assessment) and the final questionnaire, and before every
# `Team.function_every_sessions`-th treatment session in between; the satisfaction survey only
# with the final questionnaire, after the rest.
ROUTINE_CODES = ("phq9", "gad7")
FIRST_CODES = (*ROUTINE_CODES, "wsas")
FINAL_CODES = (*ROUTINE_CODES, "wsas", "satisfaction")
FOLLOW_UP_CODES = (*ROUTINE_CODES, "wsas")


def session_codes(session_number: int, function_every_sessions: int) -> tuple[str, ...]:
    """The instruments before the episode's `session_number`-th treatment session (from 1)."""
    if (
        function_every_sessions
        and session_number >= 1
        and session_number % function_every_sessions == 0
    ):
        return FIRST_CODES
    return ROUTINE_CODES
