"""Who may see what of a client. Pure rules; the per-object helpers fetch and log."""

from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from rph.accounts.roles import CLIENT_ROLES, CLINICAL_ROLES, LEAD_ROLES, Role


class Need(StrEnum):
    CONTACT_READ = "contact_read"
    CONTACT_WRITE = "contact_write"
    CLINICAL_READ = "clinical_read"
    CLINICAL_WRITE = "clinical_write"
    OVERSIGHT = "oversight"


class Basis(models.TextChoices):
    CARE_TEAM = "care_team", _("Care team")
    TEAM_ROLE = "team_role", _("Role in the team")
    BREAK_GLASS = "break_glass", _("Emergency access")


class BreakGlassRequired(PermissionDenied):
    """A clinical colleague outside the care team must give a reason first."""

    break_glass_url = ""


@dataclass(frozen=True)
class Access:
    basis: Basis
    clinical: bool
    can_break_glass: bool


def decide(role: Role | None, need: Need, *, in_care_team: bool, break_glass: bool) -> Access:
    """Raise Http404 for outsiders, PermissionDenied for a role too weak for `need`."""
    if role is None:
        raise Http404
    clinical_role = role in CLINICAL_ROLES
    cares = clinical_role and in_care_team
    clinical = cares or (clinical_role and break_glass)
    if cares:
        basis = Basis.CARE_TEAM
    elif clinical:
        basis = Basis.BREAK_GLASS
    else:
        basis = Basis.TEAM_ROLE
    access = Access(basis=basis, clinical=clinical, can_break_glass=clinical_role and not clinical)

    allowed = {
        Need.CONTACT_READ: role in CLIENT_ROLES,
        Need.CONTACT_WRITE: role in CLIENT_ROLES,
        Need.OVERSIGHT: role in LEAD_ROLES,
        Need.CLINICAL_READ: clinical,
        Need.CLINICAL_WRITE: cares,
    }[need]
    if allowed:
        return access
    if need == Need.CLINICAL_READ and access.can_break_glass:
        raise BreakGlassRequired
    raise PermissionDenied
