"""Electronic letters through the municipality's message service, by files in two folders.

Sending (`message_queue`, `message_write`): the letter's LetterMessage is written in the
sending transaction and a task enqueued on commit; the task claims the row (PENDING ->
WRITING, attempts + 1, a conditional update only one worker wins), builds the message
(referrals/letters/messages.py) and writes it to the outbox folder atomically: a hidden
temporary file in the same folder, flushed and synced, then renamed to `<MsgId>.xml`, so the
message service never sees half a file. A failed write goes back to PENDING with a later
`send_after` (1, 2, 4, 8 minutes) and ends as FAILED after MAX_ATTEMPTS; the letter is then
waiting to be sent again, by post, and the team gets a task. A claim older than STALE_CLAIM
is released by the sweep. (A worker that dies after the rename and before it marked the row
leaves the one case where the same file is written twice; it carries the same MsgId, which
the receiver uses to discard a duplicate.)

Receipts (`receipts_read`): every AppRec file in the inbox folder is parsed
(referrals/letters/receipts.py) and applied to the message it answers: OK marks the message
delivered (mottatt); a rejection marks it rejected with the receipt's codes and texts, puts
the letter back among those waiting to be sent (so it can go by post) and gives the team a
task. A file is moved to `behandlet/` once applied, or to `feil/` with a `.feil.txt` beside
it saying why (not XML, not an AppRec, an unknown MsgId): no receipt is ever deleted.

Flagging (`receipts_overdue_flag`): a message sent longer ago than the team's
`receipt_wait_hours` without a receipt is flagged on the letter and the team gets a task.

Folders: settings.LETTER_MESSAGE_OUTBOX and LETTER_MESSAGE_INBOX (RPH_MESSAGE_OUTBOX_DIR,
RPH_MESSAGE_INBOX_DIR; docs/configuration.md). Logs carry ids and file names only.
"""

import logging
import os
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from kombu.exceptions import OperationalError

from referrals.letters.messages import addressing_for, dialog_message
from referrals.letters.messaging import messaging_for
from referrals.letters.receipts import ReceiptError, apprec_parse
from referrals.models import Letter, LetterMessage, LetterStatus, MessageStatus, TeamMessaging
from rph.notifications.models import Notification
from rph.notifications.services import notification_create

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
RETRY_AFTER = timedelta(minutes=1)  # doubled after each failed attempt
STALE_CLAIM = timedelta(minutes=10)
SWEEP_BATCH = 100
SWEEP_SECONDS = 60
PROCESSED = "behandlet"
REJECTED_FILES = "feil"
NOT_WRITTEN = gettext_lazy("An electronic letter could not be sent: send it by post")
REJECTED = gettext_lazy("An electronic letter was rejected by the GP office: send it by post")
NO_RECEIPT = gettext_lazy("No receipt for an electronic letter: check that the GP got it")
UNANSWERED = (MessageStatus.PENDING, MessageStatus.WRITING, MessageStatus.SENT)

_send_soon: Callable[[int], object] | None = None


def sender_set(send_soon: Callable[[int], object]) -> None:
    global _send_soon
    _send_soon = send_soon


def outbox_folder() -> Path:
    return Path(settings.LETTER_MESSAGE_OUTBOX)


def inbox_folder() -> Path:
    return Path(settings.LETTER_MESSAGE_INBOX)


# -- Sending ----------------------------------------------------------------------------


def message_queue(*, letter: Letter) -> LetterMessage:
    """In the sending transaction: a new message with a unique MsgId, written on commit."""
    assert letter.gp is not None and letter.gp.her_id
    message = LetterMessage.objects.create(
        letter=letter, msg_id=str(uuid.uuid4()), receiver_her_id=letter.gp.her_id
    )
    transaction.on_commit(lambda: _enqueue(message.pk))
    return message


def _enqueue(message_id: int) -> None:
    if _send_soon is None:
        logger.warning("letter message %s not queued (no sender); the sweep writes it", message_id)
        return
    try:
        _send_soon(message_id)
    except (OperationalError, OSError) as exc:
        logger.warning(
            "letter message %s not queued (%s); the sweep writes it",
            message_id,
            type(exc).__name__,
        )


def message_write(*, message_id: int) -> str:
    """Write one due message to the outbox folder once, whoever calls and however often.

    Returns "sent", "retry", "failed" or "not_claimed".
    """
    now = timezone.now()
    claimed = LetterMessage.objects.filter(
        pk=message_id, status=MessageStatus.PENDING, send_after__lte=now
    ).update(status=MessageStatus.WRITING, claimed_at=now, attempts=F("attempts") + 1)
    if claimed != 1:
        return "not_claimed"
    message = LetterMessage.objects.select_related(
        "letter__team", "letter__client", "letter__gp", "letter__approved_by"
    ).get(pk=message_id)
    letter = message.letter
    try:
        team_her_id = messaging_for(letter.team).her_id
        data = dialog_message(
            letter,
            addressing=addressing_for(letter, team_her_id),
            msg_id=message.msg_id,
            generated_at=message.created_at,
            pdf=bytes(Letter.objects.values_list("pdf", flat=True).get(pk=letter.pk) or b""),
        )
        write_atomically(outbox_folder(), f"{message.msg_id}.xml", data)
    except (OSError, ValueError) as exc:
        # The error's type only: a path or a message may quote what must not be logged.
        return _write_failed(message, now, f"{type(exc).__name__} while writing the message")
    LetterMessage.objects.filter(
        pk=message.pk, status=MessageStatus.WRITING, claimed_at=now
    ).update(status=MessageStatus.SENT, sent_at=timezone.now(), claimed_at=None, last_error="")
    return "sent"


def write_atomically(folder: Path, name: str, data: bytes) -> Path:
    """`name` appears in `folder` whole or not at all (a rename within one file system)."""
    folder.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        target = folder / name
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    directory = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    return target


def retry_delay(attempts: int) -> timedelta:
    return RETRY_AFTER * 2 ** max(attempts - 1, 0)


def _write_failed(message: LetterMessage, claimed_at: datetime, error: str) -> str:
    current = LetterMessage.objects.filter(
        pk=message.pk, status=MessageStatus.WRITING, claimed_at=claimed_at
    )
    if message.attempts < MAX_ATTEMPTS:
        current.update(
            status=MessageStatus.PENDING,
            claimed_at=None,
            send_after=timezone.now() + retry_delay(message.attempts),
            last_error=error[:500],
        )
        return "retry"
    with transaction.atomic():
        if current.update(status=MessageStatus.FAILED, claimed_at=None, last_error=error[:500]):
            _back_to_waiting(message.letter)
            _team_task(
                message.letter,
                Notification.Kind.LETTER_MESSAGE_REJECTED,
                NOT_WRITTEN,
            )
    logger.warning("letter message %s failed after %s attempts", message.pk, message.attempts)
    return "failed"


def _back_to_waiting(letter: Letter) -> None:
    """The letter was not delivered: it waits to be sent again (by post)."""
    Letter.objects.filter(pk=letter.pk, status=LetterStatus.SENT).update(
        status=LetterStatus.APPROVED,
        sent_at=None,
        sent_by=None,
        sent_via="",
        updated_at=timezone.now(),
    )


def _team_task(letter: Letter, kind: str, title: object) -> None:
    # Behind login, without the client's name: the link leads to the letter, where access
    # is checked and logged.
    with translation.override(settings.LANGUAGE_CODE):
        text = str(title)
    notification_create(
        team=letter.team,
        kind=kind,
        title=text,
        url=reverse("referrals:letter_detail", args=[letter.pk]),
    )


def messages_sweep() -> Counter[str]:
    """Every minute: release stale claims, write what is due."""
    counts: Counter[str] = Counter()
    now = timezone.now()
    stale = LetterMessage.objects.filter(
        status=MessageStatus.WRITING, claimed_at__lt=now - STALE_CLAIM
    )
    counts["released"] = stale.update(
        status=MessageStatus.PENDING, claimed_at=None, last_error="the writing worker stopped"
    )
    due = (
        LetterMessage.objects.filter(status=MessageStatus.PENDING, send_after__lte=now)
        .order_by("send_after", "pk")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    started = time.monotonic()
    for message_id in list(due):
        if time.monotonic() - started > SWEEP_SECONDS:
            break
        counts[message_write(message_id=message_id)] += 1
    return +counts


# -- Receipts ---------------------------------------------------------------------------


def receipts_read() -> Counter[str]:
    """Apply every receipt file in the inbox; each ends in `behandlet/` or `feil/`."""
    counts: Counter[str] = Counter()
    folder = inbox_folder()
    if not folder.is_dir():
        return counts
    files = sorted(
        (path for path in folder.iterdir() if path.is_file() and not path.name.startswith(".")),
        key=lambda path: (path.stat().st_mtime, path.name),
    )
    for path in files:
        with translation.override(settings.LANGUAGE_CODE):
            outcome, problem = _receipt_apply(path)
        if problem:
            _file_away(path, REJECTED_FILES, problem)
            logger.warning("receipt file %s refused: %s", path.name, outcome)
        else:
            _file_away(path, PROCESSED)
        counts[outcome] += 1
    return +counts


def _receipt_apply(path: Path) -> tuple[str, str]:
    """(outcome, problem): problem is "" when the receipt was applied or already known."""
    try:
        data = path.read_bytes()
        receipt = apprec_parse(data)
    except OSError:
        return "unreadable", _("The file could not be read.")
    except ReceiptError as exc:
        return "malformed", str(exc)
    with transaction.atomic():
        message = (
            LetterMessage.objects.select_for_update()
            .select_related("letter__team")
            .filter(msg_id=receipt.original_msg_id)
            .first()
        )
        if message is None:
            return "unknown_msg_id", _(
                "No message sent from RPH has the id %(id)s that this receipt answers."
            ) % {"id": receipt.original_msg_id[:100]}
        if message.status not in UNANSWERED:
            return "duplicate", ""
        errors = [{"code": line.code, "text": line.text} for line in receipt.errors]
        now = timezone.now()
        status = MessageStatus.DELIVERED if receipt.accepted else MessageStatus.REJECTED
        LetterMessage.objects.filter(pk=message.pk).update(
            status=status,
            receipt_at=now,
            receipt_status=receipt.status,
            receipt_errors=errors,
            claimed_at=None,
        )
        if not receipt.accepted:
            _back_to_waiting(message.letter)
            _team_task(
                message.letter,
                Notification.Kind.LETTER_MESSAGE_REJECTED,
                REJECTED,
            )
    return ("delivered" if receipt.accepted else "rejected"), ""


def _file_away(path: Path, subfolder: str, problem: str = "") -> None:
    target_folder = path.parent / subfolder
    target_folder.mkdir(exist_ok=True)
    target = target_folder / path.name
    if target.exists():
        target = target_folder / f"{path.stem}-{uuid.uuid4().hex[:8]}{path.suffix}"
    if problem:
        write_atomically(target_folder, f"{target.name}.feil.txt", f"{problem}\n".encode())
    os.replace(path, target)


def receipts_overdue_flag() -> int:
    """Flag messages sent longer ago than their team's wait without a receipt."""
    now = timezone.now()
    flagged = 0
    waits = dict(TeamMessaging.objects.values_list("team_id", "receipt_wait_hours"))
    candidates = LetterMessage.objects.filter(
        status=MessageStatus.SENT, overdue_at__isnull=True
    ).select_related("letter__team")
    for message in candidates.filter(Q(sent_at__lt=now - timedelta(hours=1))):
        wait = timedelta(hours=waits.get(message.letter.team_id, 24))
        if message.sent_at is None or message.sent_at > now - wait:
            continue
        with transaction.atomic():
            if LetterMessage.objects.filter(pk=message.pk, overdue_at__isnull=True).update(
                overdue_at=now
            ):
                _team_task(message.letter, Notification.Kind.LETTER_RECEIPT_MISSING, NO_RECEIPT)
                flagged += 1
    return flagged
