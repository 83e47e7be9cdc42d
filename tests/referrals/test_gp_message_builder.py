"""The letter as a Dialogmelding in a MsgHead envelope (referrals/letters/messages.py).

Each check names the part of the standard it comes from (the schemas read in
navikt/syfo-xml-codegen: MsgHead-v1_2.xsd, dialogmelding.xsd, kith-base64.xsd); the element
sequences are in tests/referrals/kith_structure.py.
"""

import base64
import datetime

import pytest
from django.utils import timezone, translation
from lxml import etree

from intake.fodselsnummer import synthetic
from referrals.letters.display import letter_title
from referrals.letters.messages import addressing_for, dialog_message
from referrals.models import Letter, LetterKind, LetterStatus, ReferralTo
from tests.referrals.factories import LetterFactory, reachable_gp
from tests.referrals.kith_structure import B64, DIA, MH, structure_problems

pytestmark = pytest.mark.django_db

NS = {"mh": MH, "dia": DIA, "b64": B64}
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3 a frozen letter\n%%EOF"
MSG_ID = "0b5f0b7e-8f7a-4d3e-9a53-2d1c6f4b9e11"
SENDER_HER_ID = "8100001"


def _approved(p, **fields) -> Letter:
    p.client.gp = reachable_gp(name="Kari Nordmann Ås", practice="Rissa legesenter")
    p.client.save()
    letter = LetterFactory(
        client=p.client,
        drafted_by=p.therapist,
        status=LetterStatus.APPROVED,
        approved_by=p.therapist,
        approved_at=timezone.now(),
        **fields,
    )
    return Letter.objects.select_related("client", "gp", "team", "approved_by").get(pk=letter.pk)


def _build(letter: Letter) -> etree._Element:
    data = dialog_message(
        letter,
        addressing=addressing_for(letter, SENDER_HER_ID),
        msg_id=MSG_ID,
        generated_at=timezone.now(),
        pdf=PDF,
    )
    assert data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    # Well-formed: a strict parser reads it back.
    return etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False))


def _notes(root) -> list[tuple[str, str]]:
    return [
        (note.findtext("dia:Tema", namespaces=NS), note.findtext("dia:TekstNotatInnhold", "", NS))
        for note in root.iterfind(".//dia:Notat", NS)
    ]


@pytest.mark.parametrize(
    ("kind", "referral_to"),
    [
        (LetterKind.EPIKRISE_ASSESSMENT, ""),
        (LetterKind.EPIKRISE_END, ""),
        (LetterKind.REFERRAL_REQUEST, ReferralTo.DPS),
    ],
)
def test_each_letter_kind_is_a_namespaced_message_with_every_required_element(
    personas, kind, referral_to
):
    root = _build(_approved(personas, kind=kind, referral_to=referral_to, advice="Følg opp."))

    # MsgHead v1.2: the root in the Hodemelding namespace; the sequences and cardinalities.
    assert root.tag == f"{{{MH}}}MsgHead"
    assert structure_problems(root) == []
    # MsgHead v1.2 MsgInfo: MIGversion is fixed to "v1.2 2006-05-24"; MsgId is ours.
    assert root.findtext("mh:MsgInfo/mh:MIGversion", namespaces=NS) == "v1.2 2006-05-24"
    assert root.findtext("mh:MsgInfo/mh:MsgId", namespaces=NS) == MSG_ID
    assert root.find("mh:MsgInfo/mh:Type", NS).get("V") == "DIALOG_NOTAT"
    # GenDate is an xs:dateTime.
    datetime.datetime.fromisoformat(root.findtext("mh:MsgInfo/mh:GenDate", namespaces=NS))
    # Dialogmelding 1.1: the first Document's RefDoc Content holds the Dialogmelding.
    documents = root.findall("mh:Document", NS)
    assert len(documents) == 2
    content = documents[0].find("mh:RefDoc/mh:Content", NS)
    assert [child.tag for child in content] == [f"{{{DIA}}}Dialogmelding"]
    # Dialogmelding Notat: TemaKodet (a kith:CV) is required in every note.
    for note in root.iterfind(".//dia:Notat", NS):
        assert note.find("dia:TemaKodet", NS).get("S") == "2.16.578.1.12.4.1.1.7322"
    assert ("Råd om videre oppfølging", "Følg opp.") in _notes(root)


def test_sender_and_receiver_are_addressed_by_her_id(personas):
    letter = _approved(personas)
    root = _build(letter)

    def ident(path: str, kind: str) -> str:
        for element in root.iterfind(f"{path}/mh:Ident", NS):
            if element.find("mh:TypeId", NS).get("V") == kind:
                return element.findtext("mh:Id", namespaces=NS)
        return ""

    # MsgHead v1.2 Sender/Organisation and Receiver/Organisation: Ident 1..n (Id, TypeId).
    assert ident("mh:MsgInfo/mh:Sender/mh:Organisation", "HER") == SENDER_HER_ID
    office = "mh:MsgInfo/mh:Receiver/mh:Organisation"
    assert ident(office, "HER") == letter.gp.office_her_id
    assert root.findtext(f"{office}/mh:OrganisationName", namespaces=NS) == "Rissa legesenter"
    # Organisation/HealthcareProfessional: the GP, by HER-id and HPR number.
    gp = f"{office}/mh:HealthcareProfessional"
    assert ident(gp, "HER") == letter.gp.her_id
    assert ident(gp, "HPR") == letter.gp.hpr_number
    assert root.findtext(f"{gp}/mh:FamilyName", namespaces=NS) == "Ås"
    assert root.findtext(f"{gp}/mh:GivenName", namespaces=NS) == "Kari Nordmann"


def test_norwegian_characters_and_markup_arrive_as_written(personas):
    personas.client.first_name, personas.client.last_name = "Åse Marie", "Ødegård-Bæk"
    personas.client.save()
    text = 'Søvn <bedre> & "mindre" uro – ÆØÅ æøå é ü; 5 < 7 > 3'
    root = _build(_approved(personas, reason_for_contact=text))

    patient = root.find("mh:MsgInfo/mh:Patient", NS)
    assert patient.findtext("mh:FamilyName", namespaces=NS) == "Ødegård-Bæk"
    assert patient.findtext("mh:GivenName", namespaces=NS) == "Åse Marie"
    assert ("Årsak til henvendelsen", text) in _notes(root)
    # Escaped by the XML library: no stray element from the text.
    assert root.find(".//bedre") is None


def test_long_text_is_kept_whole(personas):
    long_text = ("Behandlingen gikk over mange uker med jevn fremgang. " * 95).strip()
    assert len(long_text) > 4900
    root = _build(_approved(personas, treatment_summary=long_text))

    assert ("Behandling", long_text) in _notes(root)


def test_characters_xml_cannot_carry_are_dropped_not_fatal(personas):
    root = _build(_approved(personas, advice="Ring\x07 fastlegen\x0b i morgen.\x1f"))

    assert ("Råd om videre oppfølging", "Ring fastlegen i morgen.") in _notes(root)


def test_a_client_with_fodselsnummer_is_identified_by_it(personas):
    number = synthetic(datetime.date(1990, 3, 4), __import__("random").Random(3))
    personas.client.fodselsnummer = number
    personas.client.save()
    root = _build(_approved(personas))

    # MsgHead v1.2 Patient/Ident: Id and TypeId (kodeverk 8116, FNR).
    ident = root.find("mh:MsgInfo/mh:Patient/mh:Ident", NS)
    assert ident.findtext("mh:Id", namespaces=NS) == number
    type_id = ident.find("mh:TypeId", NS)
    assert (type_id.get("V"), type_id.get("S")) == ("FNR", "2.16.578.1.12.4.1.1.8116")


def test_a_client_without_fodselsnummer_is_named_with_birth_date(personas):
    personas.client.fodselsnummer = ""
    personas.client.birth_date = datetime.date(1984, 5, 17)
    personas.client.save()
    root = _build(_approved(personas))

    # MsgHead v1.2 Patient: Ident is 0..n since v1.1, "name or Id must always be given".
    patient = root.find("mh:MsgInfo/mh:Patient", NS)
    assert patient.find("mh:Ident", NS) is None
    assert patient.findtext("mh:FamilyName", namespaces=NS) == personas.client.last_name
    assert patient.findtext("mh:DateOfBirth", namespaces=NS) == "1984-05-17"
    assert structure_problems(root) == []


def test_the_pdf_is_a_base64_attachment(personas):
    letter = _approved(personas)
    root = _build(letter)

    # MsgHead v1.2 RefDoc: MsgType A (attachment), MimeType, Content; Base64Container v1.0.
    refdoc = root.findall("mh:Document", NS)[1].find("mh:RefDoc", NS)
    assert refdoc.find("mh:MsgType", NS).get("V") == "A"
    assert refdoc.findtext("mh:MimeType", namespaces=NS) == "application/pdf"
    with translation.override("nb"):
        assert refdoc.findtext("mh:Description", namespaces=NS) == letter_title(letter)
    container = refdoc.find("mh:Content/b64:Base64Container", NS)
    assert base64.b64decode(container.text, validate=True) == PDF


def test_the_approver_is_named_as_author_of_the_first_note(personas):
    personas.therapist.first_name, personas.therapist.last_name = "Siri", "Bø"
    personas.therapist.save()
    root = _build(_approved(personas))

    # Dialogmelding RollerRelatertNotat: RolleNotat (kodeverk 9057 "Forfatter").
    role = root.find(".//dia:Notat/dia:RollerRelatertNotat", NS)
    assert role.find("dia:RolleNotat", NS).get("DN") == "Forfatter"
    assert role.findtext("dia:HealthcareProfessional/dia:FamilyName", namespaces=NS) == "Bø"


def test_the_checker_notices_a_missing_required_element(personas):
    root = _build(_approved(personas))
    info = root.find("mh:MsgInfo", NS)
    info.remove(info.find("mh:MsgId", NS))

    assert structure_problems(root) == ["/*/*[1]: MsgId required (minOccurs 1)"]
