"""Electronic letters end to end without a browser: approval in a team that sends by message,
the atomic write to the outbox folder, retries, and the receipts from the inbox folder
(referrals/letters/outbox.py). The message service is the two folders, as in production."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from lxml import etree

from referrals.letters import outbox
from referrals.letters.services import letter_approve, letter_send, letter_send_electronically
from referrals.models import Letter, LetterMessage, LetterStatus, MessageStatus, SentVia
from rph.notifications.models import Notification
from tests.referrals.factories import LetterFactory, TeamMessagingFactory, reachable_gp
from tests.referrals.kith_structure import MH
from tests.referrals.letter_data import client_objects

pytestmark = pytest.mark.django_db

APPREC_V11 = "http://www.kith.no/xmlstds/apprec/2012-02-15"
APPREC_V10 = "http://www.kith.no/xmlstds/apprec/2004-11-21"


@pytest.fixture(autouse=True)
def _own_sender(monkeypatch):
    """Each test sets how the outbox enqueues; the real sender comes back afterwards."""
    monkeypatch.setattr(outbox, "_send_soon", outbox._send_soon)


@pytest.fixture
def folders(settings, tmp_path) -> tuple[Path, Path]:
    settings.LETTER_MESSAGE_OUTBOX = tmp_path / "ut"
    settings.LETTER_MESSAGE_INBOX = tmp_path / "inn"
    settings.LETTER_MESSAGE_INBOX.mkdir()
    return settings.LETTER_MESSAGE_OUTBOX, settings.LETTER_MESSAGE_INBOX


@pytest.fixture
def approved(personas, folders) -> Letter:
    TeamMessagingFactory(team=personas.team)
    personas.client.gp = reachable_gp()
    personas.client.save()
    draft = LetterFactory(client=personas.client, drafted_by=personas.therapist)
    return letter_approve(letter=draft, by=personas.therapist, version=draft.version)


def _sent(letter: Letter, by, django_capture_on_commit_callbacks) -> LetterMessage:
    with django_capture_on_commit_callbacks(execute=True):
        receipt = letter_send_electronically(letter=letter, by=by)
    assert receipt is not None and receipt.via == SentVia.MESSAGE
    return LetterMessage.objects.get(msg_id=receipt.reference)


def apprec(msg_id: str, status: str = "1", errors=(), namespace: str = APPREC_V11) -> bytes:
    """An AppRec as the GP's system writes one (AppRec v1.1 elements, in schema order)."""
    root = etree.Element(f"{{{namespace}}}AppRec", nsmap={None: namespace})

    def sub(parent, tag, text=None, **attributes):
        element = etree.SubElement(parent, f"{{{namespace}}}{tag}")
        for key, value in attributes.items():
            element.set(key, value)
        element.text = text
        return element

    sub(root, "MsgType", V="APPREC")
    sub(root, "MIGversion", "v1.1 2012-02-15")
    sub(root, "GenDate", timezone.now().isoformat())
    sub(root, "Id", "apprec-1")
    for role in ("Sender", "Receiver"):
        sub(sub(sub(root, role), "HCP"), "Inst")
    sub(root, "Status", V=status, DN={"1": "OK", "2": "Avvist"}.get(status, ""))
    for code, text in errors:
        sub(root, "Error", V=code, S="2.16.578.1.12.4.1.1.8221", DN=text)
    original = sub(root, "OriginalMsgId")
    sub(original, "MsgType", V="DIALOG_NOTAT")
    sub(original, "IssueDate", timezone.now().isoformat())
    sub(original, "Id", msg_id)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


# Sending ------------------------------------------------------------------------------------


def test_approval_writes_the_message_whole_to_the_outbox_under_its_id(
    personas, approved, folders, django_capture_on_commit_callbacks
):
    written: list[int] = []
    outbox.sender_set(
        lambda message_id: written.append(outbox.message_write(message_id=message_id))
    )
    message = _sent(approved, personas.therapist, django_capture_on_commit_callbacks)

    approved.refresh_from_db()
    assert (approved.status, approved.sent_via) == (LetterStatus.SENT, SentVia.MESSAGE)
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and written == ["sent"]
    files = sorted(path.name for path in folders[0].iterdir())
    assert files == [f"{message.msg_id}.xml"]  # no temporary file left behind
    root = etree.fromstring((folders[0] / files[0]).read_bytes())
    assert root.tag == f"{{{MH}}}MsgHead"
    assert root.findtext(f"{{{MH}}}MsgInfo/{{{MH}}}MsgId") == message.msg_id


def test_a_second_run_of_the_task_writes_nothing_twice(personas, approved, folders):
    outbox.sender_set(lambda message_id: None)
    message = LetterMessage.objects.get(
        msg_id=letter_send_electronically(letter=approved, by=personas.therapist).reference
    )

    assert outbox.message_write(message_id=message.pk) == "sent"
    assert outbox.message_write(message_id=message.pk) == "not_claimed"
    assert len(list(folders[0].iterdir())) == 1


def test_an_outbox_that_cannot_be_written_is_retried_then_the_letter_waits_for_post(
    personas, approved, folders, settings, tmp_path
):
    outbox.sender_set(lambda message_id: None)
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the folder should be")
    settings.LETTER_MESSAGE_OUTBOX = blocked
    message = LetterMessage.objects.get(
        msg_id=letter_send_electronically(letter=approved, by=personas.therapist).reference
    )

    assert outbox.message_write(message_id=message.pk) == "retry"
    message.refresh_from_db()
    assert message.status == MessageStatus.PENDING and message.send_after > timezone.now()
    assert "FileExistsError" in message.last_error or "NotADirectoryError" in message.last_error
    for _attempt in range(outbox.MAX_ATTEMPTS - 1):
        LetterMessage.objects.filter(pk=message.pk).update(send_after=timezone.now())
        outcome = outbox.message_write(message_id=message.pk)
    assert outcome == "failed"
    message.refresh_from_db()
    approved.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    assert (approved.status, approved.sent_via) == (LetterStatus.APPROVED, "")
    assert Notification.objects.filter(
        team=personas.team, kind=Notification.Kind.LETTER_MESSAGE_REJECTED
    ).exists()


def test_the_clients_objection_stops_the_electronic_send_as_it_stops_the_post(
    personas, approved, folders
):
    client_objects(personas)

    with pytest.raises(ValidationError) as refused:
        letter_send_electronically(letter=approved, by=personas.therapist)

    assert refused.value.code == "objection"
    assert not LetterMessage.objects.exists()
    approved.refresh_from_db()
    assert approved.status == LetterStatus.APPROVED


def test_a_gp_without_her_id_cannot_be_sent_a_message(personas, approved, folders):
    approved.gp.office_her_id = ""
    approved.gp.save()

    with pytest.raises(ValidationError) as refused:
        letter_send(
            letter=approved,
            by=personas.therapist,
            via=SentVia.MESSAGE,
            sent_on=timezone.localdate(),
        )

    assert "HER-id" in refused.value.message_dict["sent_via"][0]
    assert not LetterMessage.objects.exists()


def test_a_team_that_prints_its_letters_sends_nothing_on_approval(personas, approved, folders):
    personas.team.messaging.transport = "print"
    personas.team.messaging.save()

    assert letter_send_electronically(letter=approved, by=personas.therapist) is None
    assert not LetterMessage.objects.exists()


# Receipts -----------------------------------------------------------------------------------


@pytest.fixture
def sent(personas, approved, folders) -> LetterMessage:
    outbox.sender_set(lambda message_id: None)
    receipt = letter_send_electronically(letter=approved, by=personas.therapist)
    message = LetterMessage.objects.get(msg_id=receipt.reference)
    assert outbox.message_write(message_id=message.pk) == "sent"
    return message


@pytest.mark.parametrize("namespace", [APPREC_V11, APPREC_V10])
def test_an_ok_receipt_marks_the_letter_received(sent, folders, namespace):
    (folders[1] / "kvittering.xml").write_bytes(apprec(sent.msg_id, namespace=namespace))

    assert outbox.receipts_read() == {"delivered": 1}

    sent.refresh_from_db()
    assert (sent.status, sent.receipt_status) == (MessageStatus.DELIVERED, "1")
    assert sent.letter.status == LetterStatus.SENT
    assert (folders[1] / "behandlet" / "kvittering.xml").exists()
    assert not (folders[1] / "kvittering.xml").exists()


def test_an_error_receipt_fails_the_message_with_its_code_and_text_and_the_letter_can_go_by_post(
    personas, sent, folders
):
    errors = [("E10", "Ugyldig fødselsnummer på pasienten"), ("T2", "Mottaker finnes ikke")]
    (folders[1] / "avvist.xml").write_bytes(apprec(sent.msg_id, "2", errors))

    assert outbox.receipts_read() == {"rejected": 1}

    sent.refresh_from_db()
    assert sent.status == MessageStatus.REJECTED
    assert sent.receipt_errors == [{"code": code, "text": text} for code, text in errors]
    letter = Letter.objects.get(pk=sent.letter_id)
    assert (letter.status, letter.sent_via) == (LetterStatus.APPROVED, "")
    task = Notification.objects.get(kind=Notification.Kind.LETTER_MESSAGE_REJECTED)
    assert task.team == personas.team and task.recipient is None
    assert personas.client.last_name not in task.title
    # The option to send it by post instead.
    letter_send(letter=letter, by=personas.clerical, via="post", sent_on=timezone.localdate())
    letter.refresh_from_db()
    assert (letter.status, letter.sent_via) == (LetterStatus.SENT, "post")


def test_a_receipt_for_an_unknown_message_is_kept_in_the_error_folder_with_the_reason(
    sent, folders
):
    content = apprec("not-a-message-of-ours")
    (folders[1] / "ukjent.xml").write_bytes(content)

    assert outbox.receipts_read() == {"unknown_msg_id": 1}

    assert (folders[1] / "feil" / "ukjent.xml").read_bytes() == content
    reason = (folders[1] / "feil" / "ukjent.xml.feil.txt").read_text()
    assert "not-a-message-of-ours" in reason and "Ingen melding sendt fra RPH" in reason
    sent.refresh_from_db()
    assert sent.status == MessageStatus.SENT


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"<AppRec><Status V='1'>", "ikke velformet XML"),
        (b"", "ikke velformet XML"),
        (b"<?xml version='1.0'?><MsgHead xmlns='x'/>", "ikke en applikasjonskvittering"),
        (
            b"<!DOCTYPE a [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>"
            b"<AppRec xmlns='http://www.kith.no/xmlstds/apprec/2012-02-15'>&e;</AppRec>",
            "dokumenttypedeklarasjon",
        ),
    ],
)
def test_a_malformed_receipt_is_kept_with_a_clear_reason_and_changes_nothing(
    sent, folders, content, reason
):
    (folders[1] / "rot.xml").write_bytes(content)

    assert outbox.receipts_read() == {"malformed": 1}

    assert (folders[1] / "feil" / "rot.xml").read_bytes() == content
    assert reason in (folders[1] / "feil" / "rot.xml.feil.txt").read_text()
    sent.refresh_from_db()
    assert sent.status == MessageStatus.SENT


def test_the_same_receipt_twice_changes_nothing_the_second_time(sent, folders):
    (folders[1] / "a.xml").write_bytes(apprec(sent.msg_id))
    outbox.receipts_read()
    (folders[1] / "a.xml").write_bytes(apprec(sent.msg_id, "2", [("X", "sent twice")]))

    assert outbox.receipts_read() == {"duplicate": 1}

    sent.refresh_from_db()
    assert sent.status == MessageStatus.DELIVERED
    assert len(list((folders[1] / "behandlet").iterdir())) == 2  # both kept


def test_a_message_without_receipt_after_the_teams_wait_is_flagged_once(personas, sent):
    LetterMessage.objects.filter(pk=sent.pk).update(sent_at=timezone.now() - timedelta(hours=23))
    assert outbox.receipts_overdue_flag() == 0

    LetterMessage.objects.filter(pk=sent.pk).update(sent_at=timezone.now() - timedelta(hours=25))
    assert outbox.receipts_overdue_flag() == 1
    assert outbox.receipts_overdue_flag() == 0

    sent.refresh_from_db()
    assert sent.overdue_at is not None
    assert (
        Notification.objects.filter(
            team=personas.team, kind=Notification.Kind.LETTER_RECEIPT_MISSING
        ).count()
        == 1
    )
