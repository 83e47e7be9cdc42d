"""Letters after drafting: recipients, editing, approval and sending (domain.md §2 step 6, §6).

- Recipients come from the consent register: the client's GP, and the health services the
  client agreed to. An objection to the epikrise (pasient- og brukerrettighetsloven §5-3)
  does not remove the GP; it stops the sending.
- Editing uses `version` as an optimistic lock: a save based on an older version is refused,
  so two open tabs never overwrite each other unseen.
- The GP is chosen on the draft (the client's present GP when the draft has none), so a GP
  added to the client after the draft was written is not lost; a draft can be discarded.
- Approval needs a fødselsnummer or a birth date: the GP must be able to identify the client.
- Approval freezes the PDF: what is sent is exactly what was approved.
- Sending goes through a transport (referrals/letters/transport.py). A letter to a GP who has been
  objected to is sent only with a weighty reason recorded by a clinician in the care team
  (who, why, when); the team leads are notified and the team lead's letter list shows it.
"""

import copy
from datetime import date, datetime, time
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from intake.models import Client, GeneralPractitioner, Party
from referrals.consents.services import current_consents, objects_to_epikrise
from referrals.letters.display import LETTER_LANGUAGE
from referrals.letters.messaging import electronic_problem, messaging_for
from referrals.letters.pdf import letter_pdf
from referrals.letters.transport import LetterTransport, Receipt, transport_for
from referrals.models import Letter, LetterKind, LetterStatus, LetterTransportKind, SentVia
from rph.accounts.models import User
from rph.accounts.roles import LEAD_ROLES
from rph.notifications.models import Notification
from rph.notifications.services import notification_create
from rph.versioning import StaleVersion, check_version, save_if_current

OVERRIDE_MIN_REASON = 20
# Health services an epikrise may go to besides the GP, when the client agreed to share with
# them. NAV, employers and relatives get no epikrise unless the therapist adds them.
EPIKRISE_PARTIES = (Party.DPS, Party.OCCUPATIONAL_HEALTH, Party.OTHER)
EDITABLE_FIELDS = frozenset(
    {
        "gp",
        "other_recipients",
        "copy_to_client",
        "reason_for_contact",
        "assessment_summary",
        "risk_summary",
        "treatment_summary",
        "advice",
    }
)
SENDS_AT_NOON = time(12, 0)


def letter_recipients(client: Client) -> tuple[GeneralPractitioner | None, list[str]]:
    """The client's GP and the other health services the consent register allows."""
    labels = dict(Party.choices)
    with translation.override(LETTER_LANGUAGE):
        others = [
            f"{labels[row.party]}: {row.recipient}".rstrip(": ")
            for row in current_consents(client)
            if row.party in EPIKRISE_PARTIES and row.given
        ]
    return client.gp, others


def letter_update(*, letter: Letter, version: int, changes: dict[str, Any]) -> Letter:
    """Save the therapist's changes to a draft, if nobody saved it since `version` was read."""
    unknown = set(changes) - EDITABLE_FIELDS - {"work_status_end"}
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    candidate = copy.copy(letter)
    for field, value in changes.items():
        if field != "work_status_end":
            setattr(candidate, field, value)
    if "work_status_end" in changes:
        if letter.kind != LetterKind.EPIKRISE_END:
            raise ValidationError(_("Only the epikrise at the end records the work status then."))
        candidate.facts = {**letter.facts, "work_status_end": changes["work_status_end"]}
    candidate.full_clean()
    saved = {field: getattr(candidate, field) for field in EDITABLE_FIELDS}
    _save_if_current(letter, version, **saved, facts=candidate.facts)
    return letter


def letter_approve(*, letter: Letter, by: User, version: int) -> Letter:
    """Approve the draft as read (`version`) and freeze its PDF, signed by `by`."""
    if letter.status != LetterStatus.DRAFT:
        raise ValidationError(_("The letter has already been approved."), code="not_draft")
    check_version(letter.version, version, current=letter, message=_stale_message())
    if not (letter.client.fodselsnummer or letter.client.birth_date):
        raise ValidationError(
            _(
                "The recipient cannot identify the client: record the client's fødselsnummer "
                "or birth date on the client page before the letter is approved."
            ),
            code="no_identity",
        )
    if letter.kind == LetterKind.REFERRAL_REQUEST and letter.gp_id is None:
        raise ValidationError(_("A request for referral goes to the GP: the client has no GP."))
    if not (letter.gp_id or letter.other_recipients or letter.copy_to_client):
        raise ValidationError(_("The letter has no recipient."))
    now = timezone.now()
    approved = copy.copy(letter)
    approved.status, approved.approved_by, approved.approved_at = LetterStatus.APPROVED, by, now
    _save_if_current(
        letter,
        version,
        status=LetterStatus.APPROVED,
        approved_by=by,
        approved_at=now,
        pdf=letter_pdf(approved),
    )
    return letter


def letter_discard(*, letter: Letter, version: int) -> None:
    """Delete a draft nobody saved since `version` was read; approved letters stay."""
    with transaction.atomic():
        deleted, _rows = Letter.objects.filter(
            pk=letter.pk, version=version, status=LetterStatus.DRAFT
        ).delete()
        if deleted != 1:
            _refuse_stale(letter)


def _refuse_stale(letter: Letter) -> None:
    """A write that found the draft changed: approved meanwhile, or saved by someone else."""
    current = Letter.objects.filter(pk=letter.pk, status=LetterStatus.DRAFT).first()
    if current is None:
        raise ValidationError(
            _("The letter has been approved in the meantime and can no longer be changed."),
            code="not_draft",
        )
    raise StaleVersion(current, {}, _stale_message())


def letter_send(
    *,
    letter: Letter,
    by: User,
    via: str,
    sent_on: date,
    override_reason: str = "",
    may_override: bool = False,
    transport: LetterTransport | None = None,
) -> Receipt:
    """Record that the approved letter was sent (`via`, on `sent_on`), through `transport`.

    When the client objects to the epikrise and the letter goes to the GP, `override_reason`
    (the weighty reason) is required, and only someone with `may_override` may give it.
    """
    if letter.status == LetterStatus.DRAFT:
        raise ValidationError(_("Approve the letter before it is sent."), code="draft")
    if letter.status == LetterStatus.SENT:
        raise ValidationError(_("The letter has already been sent."), code="already_sent")
    today = timezone.localdate()
    if sent_on > today:
        raise ValidationError({"sent_on": _("The date cannot be in the future.")})
    if letter.approved_at and sent_on < timezone.localdate(letter.approved_at):
        raise ValidationError({"sent_on": _("The letter cannot be sent before it was approved.")})
    if via == SentVia.MESSAGE and (problem := electronic_problem(letter)):
        raise ValidationError({"sent_via": problem}, code="not_electronic")
    reason = _weighty_reason(letter, override_reason, may_override)
    sender = transport or transport_for(via)
    now = timezone.now()
    override = {"override_reason": reason, "override_by": by, "override_at": now} if reason else {}
    with transaction.atomic():
        claimed = Letter.objects.filter(pk=letter.pk, status=LetterStatus.APPROVED).update(
            status=LetterStatus.SENT,
            sent_by=by,
            sent_via=via,
            sent_at=now if sent_on == today else _noon(sent_on),
            updated_at=now,
            **override,
        )
        if claimed != 1:
            raise ValidationError(_("The letter has already been sent."), code="already_sent")
        letter.refresh_from_db()
        receipt = sender.send(letter, bytes(letter.pdf or b""))
        if reason:
            _notify_leads(letter)
    return receipt


def letter_send_electronically(*, letter: Letter, by: User) -> Receipt | None:
    """After approval, in a team that sends by message: send the letter to the GP now.

    None when the team prints its letters. Raises ValidationError like `letter_send` (the
    client's objection, a GP without HER-id): the letter then waits to be sent by hand.
    """
    if messaging_for(letter.team).transport != LetterTransportKind.FILE_DROP:
        return None
    return letter_send(letter=letter, by=by, via=SentVia.MESSAGE, sent_on=timezone.localdate())


def _weighty_reason(letter: Letter, reason: str, may_override: bool) -> str:
    """The reason to store: "" when there is no objection to override."""
    if letter.gp_id is None or not objects_to_epikrise(letter.client):
        return ""
    reason = reason.strip()
    if not may_override:
        raise ValidationError(
            _(
                "The client objects to the epikrise. Only a clinician in the care team can send "
                "it, and only with a weighty reason."
            ),
            code="objection",
        )
    if not reason:
        raise ValidationError(
            {
                "override_reason": _(
                    "The client objects to the epikrise. It may be sent only for weighty "
                    "reasons, such as preventing danger to life or serious harm to health: "
                    "record the reason."
                )
            }
        )
    if len(reason) < OVERRIDE_MIN_REASON:
        raise ValidationError(
            {
                "override_reason": _("Write a reason of at least %(n)d characters.")
                % {"n": OVERRIDE_MIN_REASON}
            }
        )
    return reason


def _notify_leads(letter: Letter) -> None:
    leads = User.objects.filter(
        is_active=True, memberships__team=letter.team, memberships__role__in=LEAD_ROLES
    ).distinct()
    # Behind login; no name: the link leads to the letter, where access is checked and logged.
    with translation.override(settings.LANGUAGE_CODE):
        title = _("A letter was sent despite the client's objection to the epikrise")
    url = reverse("referrals:letter_detail", args=[letter.pk])
    for lead in leads:
        notification_create(
            team=letter.team,
            kind=Notification.Kind.LETTER_SENT_DESPITE_OBJECTION,
            title=title,
            url=url,
            recipient=lead,
        )


def _noon(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, SENDS_AT_NOON))


def _stale_message() -> str:
    return _(
        "Someone else saved this letter while you were working on it. Your text is kept "
        "below: compare it with the saved version, then save again."
    )


def _save_if_current(letter: Letter, version: int, **values: Any) -> None:
    """Write `values` to the draft if it is still at `version` (rph.versioning)."""
    try:
        save_if_current(
            letter,
            version=version,
            values=values,
            where={"status": LetterStatus.DRAFT},
            also={"updated_at": timezone.now()},
            message=_stale_message(),
        )
    except StaleVersion:
        _refuse_stale(letter)
