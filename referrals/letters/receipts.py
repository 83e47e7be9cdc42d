"""Application receipts (AppRec) from the GP's system: read and checked, no database.

AppRec v1.0 (namespace http://www.kith.no/xmlstds/apprec/2004-11-21) and v1.1
(http://www.kith.no/xmlstds/apprec/2012-02-15) have the same elements: MsgType, MIGversion,
GenDate, Id, Sender, Receiver, Status (kodeverk 8258: 1 OK, 2 rejected, 3 OK with an error
in a part), Error (code V and text DN, any number) and OriginalMsgId (MsgType, IssueDate, Id:
our MsgId). The parser refuses entities, DTDs and the network, so a hostile file can do
nothing but be refused.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from lxml import etree

NS_APPREC = (
    "http://www.kith.no/xmlstds/apprec/2004-11-21",
    "http://www.kith.no/xmlstds/apprec/2012-02-15",
)
STATUS_OK = "1"
STATUS_REJECTED = "2"
STATUS_OK_WITH_ERRORS = "3"
STATUSES = (STATUS_OK, STATUS_REJECTED, STATUS_OK_WITH_ERRORS)
MAX_RECEIPT_BYTES = 1024 * 1024


class ReceiptError(ValueError):
    """The file is not a usable AppRec; the message says why, in the active language."""


@dataclass(frozen=True)
class ReceiptLine:
    code: str
    text: str


@dataclass(frozen=True)
class AppRec:
    original_msg_id: str
    status: str
    errors: tuple[ReceiptLine, ...]

    @property
    def accepted(self) -> bool:
        return self.status in (STATUS_OK, STATUS_OK_WITH_ERRORS)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False
    )


def apprec_parse(data: bytes) -> AppRec:
    if len(data) > MAX_RECEIPT_BYTES:
        raise ReceiptError(_("The receipt is larger than 1 MB."))
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        raise ReceiptError(
            _("The receipt is not well-formed XML: %(error)s") % {"error": exc}
        ) from None
    docinfo = root.getroottree().docinfo
    if docinfo.internalDTD is not None or docinfo.doctype:
        raise ReceiptError(_("The receipt carries a document type declaration; refused."))
    name = etree.QName(root)
    if name.localname != "AppRec" or name.namespace not in NS_APPREC:
        raise ReceiptError(
            _("The file is not an application receipt (AppRec v1.0 or v1.1): it is %(tag)s.")
            % {"tag": name.text}
        )
    ns = {"ar": name.namespace}
    status = root.find("ar:Status", ns)
    original = root.find("ar:OriginalMsgId/ar:Id", ns)
    if status is None or not (status.get("V") or "").strip():
        raise ReceiptError(_("The receipt has no Status."))
    if original is None or not (original.text or "").strip():
        raise ReceiptError(_("The receipt does not say which message it answers (OriginalMsgId)."))
    value = status.get("V", "").strip()
    if value not in STATUSES:
        raise ReceiptError(_("Unknown receipt status %(status)s.") % {"status": value[:20]})
    errors = tuple(
        ReceiptLine(code=(error.get("V") or "")[:20], text=(error.get("DN") or "")[:500])
        for error in root.findall("ar:Error", ns)
    )
    return AppRec(original_msg_id=original.text.strip(), status=value, errors=errors)
