"""The client page's section on consents, collaboration and acute contacts (clinical eyes).

Registered with intake's client page in ReferralsConfig.ready (intake does not import
referrals). Three queries however much is recorded.
"""

from django.http import HttpRequest
from django.template.loader import render_to_string

from intake.models import Client, Party
from referrals.acute.services import acute_contacts
from referrals.collaboration.services import collaboration_rows
from referrals.consents.services import current_consents
from rph.accounts.access import Access, Basis

SHOWN = 5


def consent_section(request: HttpRequest, client: Client, access: Access) -> str | None:
    if not access.clinical:
        return None
    current = current_consents(client)
    rows = collaboration_rows(client)
    acute = acute_contacts(client)
    # Names of their own: the client page's context is read by tests and by its template.
    context = {
        "client": client,
        "may_write": access.basis == Basis.CARE_TEAM,
        "consents_now": current,
        "objects_to_epikrise": any(row.party == Party.GP and not row.given for row in current),
        "collaboration_rows": rows[:SHOWN],
        "more_collaboration": len(rows) > SHOWN,
        "acute_contacts": acute[:SHOWN],
    }
    return render_to_string("referrals/consent_section.html", context, request=request)
