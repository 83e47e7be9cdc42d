from django.db.models import QuerySet
from django.utils import timezone

from rph.accounts.models import Team, User
from rph.notifications.models import Notification


def notification_create(
    *, team: Team, kind: str, title: str, url: str, recipient: User | None = None
) -> Notification:
    """`url` is a path inside RPH; `recipient` None means the whole team."""
    if not url.startswith("/") or url.startswith("//"):
        raise ValueError("notification links must be paths inside RPH")
    notification = Notification(team=team, recipient=recipient, kind=kind, title=title, url=url)
    notification.full_clean()
    notification.save()
    return notification


def notifications_mark_read(*, notifications: QuerySet[Notification], by: User) -> int:
    """Mark the unread ones read; a team-wide notification is read for the whole team.

    Risk notifications are left alone: they are read when the alert is acknowledged.
    """
    return (
        notifications.filter(read_at=None)
        .exclude(kind__in=Notification.RISK_KINDS)
        .update(read_at=timezone.now(), read_by=by)
    )


def notifications_resolve(*, team: Team, url: str, by: User) -> int:
    """Mark read every risk notification in `team` pointing at `url`: the thing was acted on.

    Risk notifications are read only this way (notifications_mark_read skips them), so the
    home page lists them until someone acts.
    """
    return (
        Notification.objects.filter(team=team, url=url, kind__in=Notification.RISK_KINDS)
        .filter(read_at=None)
        .update(read_at=timezone.now(), read_by=by)
    )
