"""Editing, approving and sending a letter: the lock, the frozen PDF and the client's objection."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from referrals.letters.services import letter_approve, letter_discard, letter_send, letter_update
from referrals.letters.transport import Receipt
from referrals.models import Letter, LetterStatus
from rph.notifications.models import Notification
from tests.referrals.factories import GeneralPractitionerFactory, LetterFactory
from tests.referrals.letter_data import client_objects

pytestmark = pytest.mark.django_db

REASON = "Klienten har konkrete selvmordsplaner; fastlegen må følge opp medisineringen i dag."


@pytest.fixture
def draft(personas) -> Letter:
    personas.client.gp = GeneralPractitionerFactory()
    personas.client.save()
    return LetterFactory(client=personas.client, drafted_by=personas.therapist)


@pytest.fixture
def approved(personas, draft) -> Letter:
    return letter_approve(letter=draft, by=personas.therapist, version=draft.version)


def _send(letter: Letter, by, **changes) -> Receipt:
    arguments = {"via": "post", "sent_on": timezone.localdate()} | changes
    return letter_send(letter=letter, by=by, **arguments)


# Editing ------------------------------------------------------------------------------------


def test_a_save_based_on_an_older_version_is_refused_and_changes_nothing(draft):
    first_tab = Letter.objects.get(pk=draft.pk)
    second_tab = Letter.objects.get(pk=draft.pk)
    letter_update(letter=first_tab, version=0, changes={"advice": "Fra første fane."})

    with pytest.raises(ValidationError) as conflict:
        letter_update(letter=second_tab, version=0, changes={"advice": "Fra andre fane."})

    assert conflict.value.code == "conflict"
    draft.refresh_from_db()
    assert (draft.advice, draft.version) == ("Fra første fane.", 1)


def test_the_end_work_status_is_kept_in_the_facts_of_the_end_epikrise(draft):
    Letter.objects.filter(pk=draft.pk).update(kind="epikrise_end")
    draft.refresh_from_db()
    end = {"statuses": ["in_work"], "sick_leave_percentage": None}

    letter_update(letter=draft, version=0, changes={"work_status_end": end})

    assert Letter.objects.get(pk=draft.pk).facts["work_status_end"] == end


def test_an_approved_letter_cannot_be_edited(approved):
    with pytest.raises(ValidationError) as refused:
        letter_update(letter=approved, version=approved.version, changes={"advice": "Nytt."})

    assert refused.value.code == "not_draft"


# Approving ----------------------------------------------------------------------------------


def test_approval_freezes_the_pdf_signed_by_the_approver(personas, approved):
    assert approved.status == LetterStatus.APPROVED
    assert approved.approved_by == personas.therapist
    assert bytes(approved.pdf).startswith(b"%PDF-")


def test_approving_what_someone_has_changed_since_is_refused(personas, draft):
    letter_update(letter=Letter.objects.get(pk=draft.pk), version=0, changes={"advice": "Ny."})

    with pytest.raises(ValidationError) as refused:
        letter_approve(letter=draft, by=personas.therapist, version=0)

    assert refused.value.code == "conflict"
    assert Letter.objects.get(pk=draft.pk).status == LetterStatus.DRAFT


def test_a_letter_without_a_recipient_is_not_approved(personas):
    letter = LetterFactory(client=personas.client, drafted_by=personas.therapist, gp=None)

    with pytest.raises(ValidationError, match="ingen mottaker"):
        letter_approve(letter=letter, by=personas.therapist, version=0)


# Sending ------------------------------------------------------------------------------------


def test_clerical_staff_record_an_approved_letter_as_posted(personas, approved):
    receipt = _send(approved, personas.clerical)

    approved.refresh_from_db()
    assert approved.status == LetterStatus.SENT
    assert (approved.sent_via, approved.sent_by) == ("post", personas.clerical)
    assert receipt.via == "post"
    assert approved.override_at is None


def test_a_letter_is_sent_once(personas, approved):
    _send(approved, personas.clerical)

    with pytest.raises(ValidationError) as refused:
        _send(Letter.objects.get(pk=approved.pk), personas.therapist)

    assert refused.value.code == "already_sent"


def test_a_draft_is_not_sent(personas, draft):
    with pytest.raises(ValidationError) as refused:
        _send(draft, personas.therapist)

    assert refused.value.code == "draft"
    assert Letter.objects.get(pk=draft.pk).status == LetterStatus.DRAFT


def test_the_date_sent_cannot_be_in_the_future(personas, approved):
    with pytest.raises(ValidationError, match="fram i tid"):
        _send(approved, personas.clerical, sent_on=timezone.localdate() + datetime.timedelta(1))

    assert Letter.objects.get(pk=approved.pk).status == LetterStatus.APPROVED


def test_an_objection_stops_the_sending_without_a_weighty_reason(personas, approved):
    client_objects(personas)

    with pytest.raises(ValidationError, match="tungtveiende"):
        _send(approved, personas.therapist, may_override=True)
    with pytest.raises(ValidationError, match="Bare en behandler i behandlerteamet"):
        _send(approved, personas.clerical, override_reason=REASON)

    approved.refresh_from_db()
    assert approved.status == LetterStatus.APPROVED
    assert not Notification.objects.filter(kind="letter_despite_objection").exists()


def test_sending_despite_an_objection_is_recorded_and_the_team_lead_told(personas, approved):
    client_objects(personas)

    _send(approved, personas.therapist, override_reason=REASON, may_override=True)

    approved.refresh_from_db()
    assert approved.status == LetterStatus.SENT
    assert (approved.override_reason, approved.override_by) == (REASON, personas.therapist)
    assert approved.override_at is not None
    notice = Notification.objects.get(kind="letter_despite_objection")
    assert notice.recipient == personas.team_lead
    assert notice.url == f"/brev/{approved.pk}/"
    assert personas.client.last_name not in notice.title
    assert list(Letter.objects.sent_despite_objection(personas.team)) == [approved]


def test_a_failed_transport_leaves_the_letter_waiting_to_be_sent(personas, approved):
    class Broken:
        def send(self, letter, pdf):
            raise OSError("the network is down")

    with pytest.raises(OSError):
        _send(approved, personas.clerical, transport=Broken())

    assert Letter.objects.get(pk=approved.pk).status == LetterStatus.APPROVED


def test_the_transport_gets_the_frozen_pdf(personas, approved):
    handed = []

    class Recording:
        def send(self, letter, pdf):
            handed.append(pdf)
            return Receipt(via="post", at=timezone.now(), reference="X-1")

    receipt = _send(approved, personas.clerical, transport=Recording())

    assert handed == [bytes(approved.pdf)]
    assert receipt.reference == "X-1"


# Recipient, identity, discarding ----------------------------------------------------------


def test_a_letter_for_a_client_without_fodselsnummer_or_birth_date_is_not_approved(personas):
    personas.client.gp = GeneralPractitionerFactory()
    personas.client.save()
    letter = LetterFactory(client=personas.client, drafted_by=personas.therapist, identified=False)

    with pytest.raises(ValidationError, match="fødselsnummer eller fødselsdato"):
        letter_approve(letter=letter, by=personas.therapist, version=letter.version)

    assert Letter.objects.get(pk=letter.pk).status == LetterStatus.DRAFT


def test_a_gp_added_after_the_draft_is_chosen_on_the_draft_and_the_text_kept(personas):
    letter = LetterFactory(
        client=personas.client, drafted_by=personas.therapist, advice="Min tekst."
    )
    with pytest.raises(ValidationError):
        letter_approve(letter=letter, by=personas.therapist, version=letter.version)
    gp = GeneralPractitionerFactory()

    letter_update(letter=letter, version=letter.version, changes={"gp": gp})
    letter_approve(letter=letter, by=personas.therapist, version=letter.version)

    assert letter.gp == gp and letter.advice == "Min tekst."
    assert letter.status == LetterStatus.APPROVED


def test_a_draft_is_discarded_and_a_stale_discard_refused(personas, draft):
    with pytest.raises(ValidationError, match="Noen andre lagret"):
        letter_discard(letter=draft, version=draft.version + 1)
    letter_discard(letter=draft, version=draft.version)

    assert not Letter.objects.filter(pk=draft.pk).exists()


def test_an_approved_letter_is_not_discarded(personas, approved):
    with pytest.raises(ValidationError):
        letter_discard(letter=approved, version=approved.version)

    assert Letter.objects.filter(pk=approved.pk).exists()
