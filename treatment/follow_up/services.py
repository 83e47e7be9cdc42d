"""Writes: follow-ups after the end. Planned at discharge with the client's consent, sent
when due through the questionnaire outbox, and read when answered (relapse -> the team)."""

import logging
from datetime import date

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from questionnaires.models import Response
from questionnaires.outbox import follow_up_invitation_send
from questionnaires.scoring import GAD7, PHQ9
from rph.notifications.models import Notification
from treatment.follow_up.rules import add_months, is_relapse, months_setting
from treatment.models import Episode, FollowUp
from treatment.outcomes import is_case

logger = logging.getLogger(__name__)


def follow_ups_plan(*, episode: Episode) -> list[FollowUp]:
    """On discharge with consent: one follow-up per month count the team has set."""
    if not episode.follow_up_consent or episode.ended_at is None:
        return []
    ended_on = timezone.localdate(episode.ended_at)
    return [
        FollowUp.objects.get_or_create(
            episode=episode,
            months=months,
            defaults={"team_id": episode.team_id, "due_on": add_months(ended_on, months)},
        )[0]
        for months in months_setting(episode.client.team.follow_up_months)
    ]


def follow_ups_send_due(*, today: date) -> int:
    """Send every follow-up due by `today` not sent yet; each in its own transaction, claimed
    first so two runs send once. Returns the number sent."""
    sent = 0
    due = FollowUp.objects.filter(due_on__lte=today, sent_at=None, not_sent_reason="")
    for follow_up_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            follow_up = (
                FollowUp.objects.select_for_update(skip_locked=True)
                .select_related("episode__client__team")
                .filter(pk=follow_up_id, sent_at=None, not_sent_reason="")
                .first()
            )
            if follow_up is None:
                continue
            invitation = follow_up_invitation_send(
                client=follow_up.episode.client, occasion=follow_up
            )
            if invitation is None:
                follow_up.not_sent_reason = "no consent to digital questionnaires or no reach"
                follow_up.save(update_fields=["not_sent_reason"])
                logger.info("follow-up %s: not sent, client cannot be reached", follow_up.pk)
                continue
            follow_up.invitation = invitation
            follow_up.sent_at = timezone.now()
            follow_up.save(update_fields=["invitation", "sent_at"])
            sent += 1
    return sent


def follow_up_response_saved(sender: type[Response], instance: Response, **kw: object) -> None:
    """When the last response of a follow-up link is stored: record it, and tell the team at
    once if the answers show relapse (a case again) or risk (the item-9 loop runs anyway)."""
    if kw.get("raw") or not kw.get("created") or instance.invitation_id is None:
        return
    follow_up = FollowUp.objects.filter(invitation_id=instance.invitation_id).first()
    if follow_up is None:
        return
    codes = set(follow_up.invitation.instrument_codes)
    responses = {
        r.instrument_code: r
        for r in Response.objects.current().filter(invitation_id=instance.invitation_id)
    }
    if set(responses) != codes:
        return  # the link's other questionnaires are stored in the same transaction
    phq9, gad7 = responses.get(PHQ9), responses.get(GAD7)
    case_again = bool(
        phq9
        and gad7
        and phq9.total is not None
        and gad7.total is not None
        and is_case(phq9.total, gad7.total)
    )
    flags = [flag for response in responses.values() for flag in response.flags]
    follow_up.answered_at = instance.answered_at
    follow_up.relapse = is_relapse(case_again=case_again, flags=flags)
    follow_up.save(update_fields=["answered_at", "relapse"])
    if follow_up.relapse:
        episode = follow_up.episode
        Notification.objects.create(
            team_id=follow_up.team_id,
            recipient=episode.primary_therapist,
            kind=Notification.Kind.FOLLOW_UP_RELAPSE,
            title=_("Follow-up after %(months)s months: relapse or risk. Contact the client.")
            % {"months": follow_up.months},
            url=reverse("treatment:episode_detail", args=[episode.pk]),
        )
