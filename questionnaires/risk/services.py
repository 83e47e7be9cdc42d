"""The risk loop: tell the therapist at once, escalate if nobody acts in time, close on action.

A response with a risk flag (PHQ-9 item 9) raises a RiskAlert (questionnaires.responses). When
that transaction commits, `risk_alert_notify` puts a notification on the recipient's home page
and sends a bare e-mail: no name, no clinical content, only a link behind login. If the alert
has no recipient (nobody in the care team), the team's psychologists and team leads get it.

Unacknowledged at `escalate_at` (the team's working hours later), the Celery sweep
`risk_alerts_escalate` claims the alert (`escalated_at`, a conditional update that only one
run can win) and tells the psychologists and team leads who have not been told yet. The
claim and the in-app notifications commit together; the e-mails go after (at most once).

Acknowledging is a conditional update on `acknowledged_at=None`, so two people cannot both
acknowledge; it records who, when, the action and a note, and marks every notification of
the alert read.
"""

import logging
from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from questionnaires.models import RiskAlert
from questionnaires.scoring import SELF_HARM, SELF_HARM_UNANSWERED
from rph.accounts.models import Team, User
from rph.accounts.roles import Role
from rph.notifications.models import Notification
from rph.notifications.services import notification_create, notifications_resolve

logger = logging.getLogger(__name__)

Kind = Notification.Kind
# Who an alert goes to when there is no therapist to send it to, and when it escalates.
ESCALATION_ROLES = (Role.PSYCHOLOGIST, Role.TEAM_LEAD)
MAX_NOTE = 1000

FLAG_LABELS = {
    SELF_HARM: gettext_lazy("Risk answer"),
    SELF_HARM_UNANSWERED: gettext_lazy("Risk question unanswered"),
}


def flag_label(flag: str) -> str:
    return str(FLAG_LABELS.get(flag, gettext_lazy("Risk alert")))


def risk_alert_url(alert: RiskAlert) -> str:
    return reverse("questionnaires:risk_alert", args=[alert.pk])


def risk_alert_notify(alert: RiskAlert) -> list[User]:
    """Tell the recipient (or else the psychologists and team leads); returns who was told."""
    alert = RiskAlert.objects.select_related("team", "client", "recipient").get(pk=alert.pk)
    recipient = alert.recipient
    users = [recipient] if recipient and recipient.is_active else escalation_users(alert.team)
    if not users:
        logger.error("risk alert %s has nobody to go to in team %s", alert.pk, alert.team_id)
        return []
    with transaction.atomic():
        for user in users:
            _notification(alert, user, Kind.RISK_ALERT)
    _email(alert, users)
    return users


def risk_alerts_escalate(*, now: datetime | None = None) -> int:
    """Escalate every unacknowledged alert past its time, once each; returns how many."""
    now = now or timezone.now()
    due = (
        RiskAlert.objects.filter(acknowledged_at=None, escalated_at=None, escalate_at__lte=now)
        .select_related("team", "client")
        .order_by("escalate_at", "pk")
    )
    escalated = 0
    for alert in due:
        users = _claim(alert, now)
        if users is None:
            continue
        escalated += 1
        if users:
            _email(alert, users)
        else:
            logger.warning("risk alert %s escalated with nobody new to tell", alert.pk)
    return escalated


def risk_alert_acknowledge(*, alert: RiskAlert, by: User, action: str, note: str = "") -> bool:
    """Record who acted and how; False if someone else acknowledged it first.

    Who may acknowledge is the view's decision (see questionnaires.risk.views).
    """
    note = (note or "").strip()
    if action not in RiskAlert.Action.values:
        raise ValidationError({"action": _("Choose the action you took.")})
    if action == RiskAlert.Action.OTHER and not note:
        raise ValidationError({"note": _("Describe the action you took.")})
    if len(note) > MAX_NOTE:
        raise ValidationError(
            {"note": _("Keep the note under %(max)s characters.") % {"max": MAX_NOTE}}
        )
    now = timezone.now()
    with transaction.atomic():
        won = RiskAlert.objects.filter(pk=alert.pk, acknowledged_at=None).update(
            acknowledged_at=now, acknowledged_by=by, action=action, note=note
        )
        if won != 1:
            return False
        notifications_resolve(team=alert.team, url=risk_alert_url(alert), by=by)
    alert.refresh_from_db()
    return True


def escalation_users(team: Team, *, exclude: Iterable[int] = ()) -> list[User]:
    """The team's active psychologists and team leads, by name."""
    return list(
        User.objects.filter(
            is_active=True, memberships__team=team, memberships__role__in=ESCALATION_ROLES
        )
        .exclude(pk__in=list(exclude))
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )


def _claim(alert: RiskAlert, now: datetime) -> list[User] | None:
    """Win the escalation and notify in one transaction; None if another run won it."""
    with transaction.atomic():
        won = RiskAlert.objects.filter(pk=alert.pk, escalated_at=None, acknowledged_at=None).update(
            escalated_at=now
        )
        if won != 1:
            return None
        # Those with the alert unread on their home page already know; the rest are told.
        told = Notification.objects.filter(
            team=alert.team,
            url=risk_alert_url(alert),
            read_at=None,
            kind__in=Notification.RISK_KINDS,
        ).values_list("recipient_id", flat=True)
        users = escalation_users(alert.team, exclude=[pk for pk in told if pk is not None])
        for user in users:
            _notification(alert, user, Kind.RISK_ESCALATED)
    return users


def _notification(alert: RiskAlert, user: User, kind: str) -> Notification:
    # Behind login, for one person: a first name and the time are enough to find the case.
    with translation.override(settings.LANGUAGE_CODE):
        values = {
            "what": flag_label(alert.flag),
            "name": alert.client.first_name,
            "when": formats.date_format(
                timezone.localtime(alert.created_at), "SHORT_DATETIME_FORMAT"
            ),
        }
        if kind == Kind.RISK_ESCALATED:
            title = _("Not acknowledged in time: %(what)s, %(name)s, %(when)s") % values
        else:
            title = _("%(what)s: %(name)s, %(when)s") % values
    return notification_create(
        team=alert.team, kind=kind, title=title[:200], url=risk_alert_url(alert), recipient=user
    )


def _email(alert: RiskAlert, users: list[User]) -> None:
    """A link and nothing else: an e-mail box is no place for names or clinical content."""
    link = settings.SITE_URL + risk_alert_url(alert)
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("RPH: an alert needs action")
        body = _("You have a new alert in RPH that needs action: %(link)s") % {"link": link}
    for user in users:
        if not user.email:
            continue
        try:
            send_mail(subject, body, None, [user.email])
        except OSError:
            logger.exception("risk alert e-mail for alert %s failed", alert.pk)
