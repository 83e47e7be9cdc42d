from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from rph.accounts.decorators import require_membership, team_role_required
from rph.accounts.roles import CLIENT_ROLES
from rph.notifications.models import Notification
from rph.notifications.services import notifications_mark_read


@team_role_required(CLIENT_ROLES)
def notification_list(request: HttpRequest) -> HttpResponse:
    team = require_membership(request).team
    notifications = Notification.objects.for_list(team, request.user)
    page = Paginator(notifications, 50).get_page(request.GET.get("page"))
    return render(request, "notifications/notification_list.html", {"page": page})


@require_POST
@team_role_required(CLIENT_ROLES)
def notification_mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    team = require_membership(request).team
    visible = Notification.objects.visible_to(team, request.user)
    notification = get_object_or_404(visible, pk=pk)
    notifications_mark_read(notifications=visible.filter(pk=notification.pk), by=request.user)
    return redirect("notifications:list")


@require_POST
@team_role_required(CLIENT_ROLES)
def notification_mark_all_read(request: HttpRequest) -> HttpResponse:
    team = require_membership(request).team
    visible = Notification.objects.visible_to(team, request.user)
    notifications_mark_read(notifications=visible, by=request.user)
    return redirect("notifications:list")
