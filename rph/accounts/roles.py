from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CLERICAL = "clerical", _("Clerical")
    THERAPIST = "therapist", _("Therapist")
    PSYCHOLOGIST = "psychologist", _("Psychologist")
    TEAM_LEAD = "team_lead", _("Team lead")
    ADMIN = "admin", _("Administrator")


# Roles that may treat clients: they read clinical content of clients in their care,
# and may break the glass for a colleague's client.
CLINICAL_ROLES = frozenset({Role.THERAPIST, Role.PSYCHOLOGIST, Role.TEAM_LEAD})
# Roles that work with the team's clients at all (contact details, schedule).
CLIENT_ROLES = CLINICAL_ROLES | {Role.CLERICAL}
# Roles that oversee the team: access log, break-glass review, care-team assignment.
LEAD_ROLES = frozenset({Role.TEAM_LEAD})
