"""The team's way of sending letters to GPs: print and post, or electronic messages.

The team lead sets the team's HER-id (the sender), the transport and how long to wait for a
receipt (TeamMessaging). A letter goes electronically when the team sends by message, has a
HER-id, and the letter's GP and GP office have HER-ids; otherwise it is printed and posted.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from referrals.models import Letter, LetterTransportKind, TeamMessaging
from rph.accounts.models import Team

SETTINGS_FIELDS = ("her_id", "transport", "receipt_wait_hours")


def messaging_for(team: Team) -> TeamMessaging:
    found = TeamMessaging.objects.filter(team=team).first()
    return found or TeamMessaging(team=team)


def electronic_problem(letter: Letter) -> str:
    """Why the letter cannot go as an electronic message now, or "" when it can."""
    settings = messaging_for(letter.team)
    if settings.transport != LetterTransportKind.FILE_DROP:
        return _("The team does not send letters as electronic messages.")
    if not settings.her_id:
        return _("The team has no HER-id: the team lead sets it under the letter settings.")
    if letter.gp is None:
        return _("The letter has no GP to send it to.")
    if not letter.gp.reachable_electronically:
        return _(
            "The GP or the GP office has no HER-id in the GP registry: add them, or send the "
            "letter by post."
        )
    return ""


@transaction.atomic
def team_messaging_save(*, team: Team, version: int, **values: object) -> TeamMessaging:
    """Save the lead's settings if nobody saved them since `version` was read."""
    unknown = set(values) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValueError(f"not a setting: {sorted(unknown)}")
    current = TeamMessaging.objects.select_for_update().filter(team=team).first()
    candidate = current or TeamMessaging(team=team)
    if candidate.version != version:
        raise ValidationError(
            _("Someone else changed these settings meanwhile. Check them and save again."),
            code="conflict",
        )
    for name, value in values.items():
        setattr(candidate, name, value)
    if candidate.transport == LetterTransportKind.FILE_DROP and not candidate.her_id:
        raise ValidationError(
            {"her_id": _("Give the team's HER-id to send letters as electronic messages.")}
        )
    candidate.full_clean(exclude=["team"])
    if current is None:
        candidate.version = 1
        candidate.save()
    else:
        TeamMessaging.objects.filter(pk=current.pk).update(
            **{name: getattr(candidate, name) for name in SETTINGS_FIELDS},
            version=F("version") + 1,
        )
        candidate.refresh_from_db()
    return candidate
