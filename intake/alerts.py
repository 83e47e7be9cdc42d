"""Tell the team when an open contact becomes due soon and when it is overdue, once each.

Once means once: each alert is claimed with a conditional update that only one run can win
(`...filter(pk=x, due_soon_alerted_at=None).update(...) == 1`) before anything is created
or sent, so a retried, duplicated or concurrent sweep sends nothing twice. The claim and the
in-app notification commit together; the e-mail goes after, so a failed e-mail is not
retried (at most once, never twice).
"""

import logging
from collections import Counter, defaultdict
from datetime import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from intake.deadlines import ClockState, clock_state
from intake.models import Contact
from rph.accounts.models import Team
from rph.notifications.models import Notification
from rph.notifications.services import notification_create

logger = logging.getLogger(__name__)

Kind = Notification.Kind


def deadline_alerts_sweep(*, now: datetime | None = None) -> Counter[str]:
    """Claim, notify and e-mail every new due-soon and overdue alert; returns the counts."""
    now = now or timezone.now()
    sent: dict[Team, Counter[str]] = defaultdict(Counter)
    candidates = (
        Contact.objects.open()
        .filter(overdue_alerted_at=None)
        .select_related("team", "client")
        .order_by("deadline", "pk")
    )
    for contact in candidates:
        kind = _claim(contact, now)
        if kind is not None:
            sent[contact.team][kind] += 1
    for team, counts in sent.items():
        _email_team(team, counts)
    return sum(sent.values(), Counter())


def _claim(contact: Contact, now: datetime) -> str | None:
    state = clock_state(now, contact.deadline, contact.team.due_soon_hours)
    mine = Contact.objects.filter(pk=contact.pk, status=Contact.Status.OPEN)
    with transaction.atomic():
        if state == ClockState.OVERDUE:
            if mine.filter(overdue_alerted_at=None).update(overdue_alerted_at=now) != 1:
                return None
            # Past due-soon already: that alert would be stale, so it is never sent.
            mine.filter(due_soon_alerted_at=None).update(due_soon_alerted_at=now)
            kind = Kind.CONTACT_OVERDUE
        elif state == ClockState.DUE_SOON and contact.due_soon_alerted_at is None:
            if mine.filter(due_soon_alerted_at=None).update(due_soon_alerted_at=now) != 1:
                return None
            kind = Kind.CONTACT_DUE_SOON
        else:
            return None
        _notify(contact, kind)
    return kind


def _notify(contact: Contact, kind: str) -> None:
    # Behind login: a first name and the registration time are enough to find the person.
    with translation.override(settings.LANGUAGE_CODE):
        registered = formats.date_format(
            timezone.localtime(contact.registered_at), "SHORT_DATETIME_FORMAT"
        )
        values = {"name": contact.client.first_name, "registered": registered}
        if kind == Kind.CONTACT_OVERDUE:
            title = _("Past the deadline: %(name)s, registered %(registered)s") % values
        else:
            title = _("Due soon: %(name)s, registered %(registered)s") % values
    notification_create(
        team=contact.team,
        kind=kind,
        title=title[:200],
        url=reverse("intake:contact_detail", args=[contact.pk]),
    )


def _email_team(team: Team, counts: Counter[str]) -> None:
    """Numbers and a link only: an e-mail box is no place for personal data."""
    if not team.intake_email:
        return
    with translation.override(settings.LANGUAGE_CODE):
        lines = []
        if n := counts[Kind.CONTACT_OVERDUE]:
            lines.append(
                ngettext(
                    "%(n)d contact is past the deadline.",
                    "%(n)d contacts are past the deadline.",
                    n,
                )
                % {"n": n}
            )
        if n := counts[Kind.CONTACT_DUE_SOON]:
            lines.append(
                ngettext("%(n)d contact is due soon.", "%(n)d contacts are due soon.", n) % {"n": n}
            )
        link = settings.SITE_URL + reverse("intake:queue")
        lines += ["", _("See the intake queue: %(link)s") % {"link": link}]
        subject = _("RPH: contacts that need attention")
    try:
        send_mail(subject, "\n".join(lines), None, [team.intake_email])
    except OSError:
        logger.exception("intake alert e-mail to team %s failed", team.pk)
