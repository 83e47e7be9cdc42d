from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from rph.accounts.access import Access, Basis
from rph.accounts.models import Team, User
from rph.audit.models import AccessEvent, BreakGlassGrant

BREAK_GLASS_MIN_REASON = 10


def client_ip(request: HttpRequest) -> str | None:
    # Only trust the forwarded address when our one proxy sets it (RPH_TRUST_X_FORWARDED_FOR).
    # The proxy appends the address it saw, so the last entry is the one a client cannot fake.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded and settings.TRUST_X_FORWARDED_FOR:
        return forwarded.split(",")[-1].strip() or None
    return request.META.get("REMOTE_ADDR") or None


def access_log_record(
    *, request: HttpRequest, subject: models.Model, team: Team, access: Access
) -> AccessEvent:
    grant = None
    if access.basis == Basis.BREAK_GLASS:
        grant = BreakGlassGrant.objects.active_for(request.user, subject).latest("created_at")
    match = request.resolver_match
    return AccessEvent.objects.create(
        user=request.user,
        team=team,
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=subject.pk,
        action=match.view_name if match else "",
        path=request.path[:500],
        channel=AccessEvent.Channel.API if request.path.startswith("/api/") else "ui",
        basis=access.basis,
        break_glass=grant,
        ip=client_ip(request),
    )


def break_glass_active(user: User, subject: models.Model) -> bool:
    return BreakGlassGrant.objects.active_for(user, subject).exists()


def break_glass_open(
    *, user: User, team: Team, subject: models.Model, reason: str
) -> BreakGlassGrant:
    reason = reason.strip()
    if len(reason) < BREAK_GLASS_MIN_REASON:
        raise ValidationError(
            _("Write a reason of at least %(n)d characters.") % {"n": BREAK_GLASS_MIN_REASON}
        )
    now = timezone.now()
    return BreakGlassGrant.objects.create(
        user=user,
        team=team,
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=subject.pk,
        reason=reason,
        created_at=now,
        expires_at=now + settings.BREAK_GLASS_LIFETIME,
    )


def break_glass_review(*, grant: BreakGlassGrant, reviewer: User) -> None:
    if grant.user_id == reviewer.pk:
        raise ValidationError(_("Someone else must review your own emergency access."))
    BreakGlassGrant.objects.filter(pk=grant.pk, reviewed_at=None).update(
        reviewed_by=reviewer, reviewed_at=timezone.now()
    )
