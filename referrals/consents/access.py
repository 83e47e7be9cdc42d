"""Who may read the consent register, the collaboration log and acute contacts.

Decision: the register and the log are clinical: the care team reads and writes them, a
colleague breaks the glass to read, and the team lead reads them for oversight. Clerical
staff see the GP line of the register only (whether the client objects to the epikrise),
which they need to post letters, and nothing of the collaboration log. Writing needs the
care team (`Need.CLINICAL_WRITE` through `get_client_for_user`).
"""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.urls import reverse

from intake.access import get_client_for_user
from intake.models import Client
from rph.accounts.access import Access, BreakGlassRequired, Need
from rph.accounts.roles import LEAD_ROLES
from rph.accounts.teams import role_in_team


def get_client_for_register(request: HttpRequest, pk: int) -> tuple[Client, Access, bool]:
    """The client for anyone who works with them (logged), and whether they see it all."""
    client, access = get_client_for_user(request, pk, Need.CONTACT_READ)
    return client, access, _reads_clinical(request, client, access)


def get_client_for_clinical_read(request: HttpRequest, pk: int) -> tuple[Client, Access]:
    """Clinical access or the team lead's oversight; others are refused (logged if let in)."""
    client, access = get_client_for_user(request, pk, Need.CONTACT_READ)
    if _reads_clinical(request, client, access):
        return client, access
    if access.can_break_glass:
        refused = BreakGlassRequired()
        refused.break_glass_url = reverse("intake:client_break_glass", args=[client.pk])
        raise refused
    raise PermissionDenied


def _reads_clinical(request: HttpRequest, client: Client, access: Access) -> bool:
    return access.clinical or role_in_team(request.user, client.team_id) in LEAD_ROLES
