from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from rph.accounts.roles import CLIENT_ROLES
from rph.accounts.teams import current_membership
from rph.notifications.models import Notification


def notifications(request: HttpRequest) -> dict[str, object]:
    """The navbar badge: unread notifications in the current team, counted only when shown."""
    membership = current_membership(request) if request.user.is_authenticated else None
    if membership is None or membership.role not in CLIENT_ROLES:
        return {"show_notifications": False}
    unread = SimpleLazyObject(
        lambda: Notification.objects.visible_to(membership.team, request.user).unread().count()
    )
    return {"show_notifications": True, "unread_notifications": unread}
