"""Outstanding questionnaires: the team's links not answered yet, and resending one.

Names, session times and message status only: no answers, so clerical staff see it too.
"""

from dataclasses import dataclass
from datetime import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from intake.consents.services import ReachNow, link_refusal, reach_now_for
from questionnaires.access import get_invitation_for_user
from questionnaires.models import Invitation, Message
from questionnaires.outbox import invitation_resend
from questionnaires.schedule import QUIET_FROM, QUIET_UNTIL
from questionnaires.sending import available_channels
from rph.accounts.access import Need
from rph.accounts.decorators import require_membership, team_role_required
from rph.accounts.roles import CLIENT_ROLES

Status = Message.Status


@dataclass(frozen=True)
class Row:
    invitation: Invitation
    messages: list[Message]
    may_resend: bool
    limit_reached: bool
    refusal: str  # why the register lets no link go to the client now, or ""


def _row(invitation: Invitation, limit: int, now: datetime, reach: ReachNow) -> Row:
    sent = list(invitation.messages.all())
    waiting = sum(m.status == Status.PENDING for m in sent)  # replaced by a resend
    left = limit - (invitation.messages_used - waiting)  # type: ignore[attr-defined]
    started = invitation.occasion_at is not None and invitation.occasion_at <= now
    client = invitation.client
    refusal = link_refusal(
        reach, phone=bool(client.phone), email=bool(client.email), channels=available_channels()
    )
    return Row(
        invitation=invitation,
        messages=sent,
        may_resend=left >= 1 and not started and not refusal,
        limit_reached=left < 1,
        refusal=refusal,
    )


@team_role_required(CLIENT_ROLES)
def outstanding(request: HttpRequest) -> HttpResponse:
    team = require_membership(request).team
    now = timezone.now()
    limit = team.max_messages_per_invitation
    invitations = list(Invitation.objects.for_outstanding(team, now))
    reach = reach_now_for({invitation.client_id for invitation in invitations})
    rows = [_row(invitation, limit, now, reach[invitation.client_id]) for invitation in invitations]
    context = {
        "rows": rows,
        "team": team,
        "limit": limit,
        "quiet_from": f"{QUIET_FROM:%H:%M}",
        "quiet_until": f"{QUIET_UNTIL:%H:%M}",
    }
    return render(request, "questionnaires/outstanding.html", context)


@require_POST
def resend(request: HttpRequest, pk: int) -> HttpResponse:
    invitation, _access = get_invitation_for_user(request, pk, Need.CONTACT_WRITE)
    try:
        new = invitation_resend(invitation=invitation, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        first = new.messages.order_by("send_after").first()
        name = invitation.client.first_name
        if first is not None and first.send_after > timezone.now():
            when = formats.date_format(
                timezone.localtime(first.send_after), "SHORT_DATETIME_FORMAT"
            )
            text = _("A new link to %(name)s will be sent at %(when)s.") % {
                "name": name,
                "when": when,
            }
        else:
            text = _("A new link is being sent to %(name)s.") % {"name": name}
        messages.success(request, text)
    return redirect("questionnaires:outstanding")
