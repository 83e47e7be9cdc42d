"""My day: everything on the logged-in clinician's day, and what cannot wait.

The day's entries are the calendar's (treatment/sessions/calendar.py): sessions (guided
self-help follow-up calls are sessions too), assessment calls and the course meetings they
lead, by time, each with the questionnaire status. Beside them: the open risk alerts for
the clinician's clients, and the overdue sessions whose attendance was never recorded.
A fixed number of queries whatever the number of rows.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from questionnaires.models import RiskAlert
from questionnaires.occasions import day_bounds
from rph.accounts.models import Team, User
from treatment.models import Attendance, Session
from treatment.sessions.calendar import Entry, calendar_days

OVERDUE_LIMIT = 50


@dataclass(frozen=True)
class MyDay:
    entries: list[Entry]
    alerts: list[RiskAlert]
    alert_clients: frozenset[int]
    overdue: list[Session]


def open_alerts(team: Team, user: User) -> QuerySet[RiskAlert]:
    """Open risk alerts sent to `user`, or about a client in their care, oldest first."""
    return (
        RiskAlert.objects.open()
        .filter(Q(recipient=user) | Q(client__care_team=user), team=team)
        .select_related("client")
        .distinct()
        .order_by("created_at", "pk")
    )


def overdue_sessions(team: Team, user: User, day: date) -> QuerySet[Session]:
    """The user's sessions before `day` still marked as booked: attendance not recorded."""
    return (
        Session.objects.filter(
            team=team,
            therapist=user,
            attendance=Attendance.BOOKED,
            starts_at__lt=day_bounds(day)[0],
        )
        .select_related("episode__client")
        .order_by("starts_at", "pk")
    )


def my_day(*, team: Team, user: User, day: date) -> MyDay:
    entries = calendar_days(team=team, therapist=user, days=[day])[0].entries
    alerts = list(open_alerts(team, user))
    return MyDay(
        entries=entries,
        alerts=alerts,
        alert_clients=frozenset(alert.client_id for alert in alerts),
        overdue=list(overdue_sessions(team, user, day)[:OVERDUE_LIMIT]),
    )
