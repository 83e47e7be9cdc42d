"""The team lead's staffing figures per year, for the grant report."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from reporting.models import Staffing
from rph.accounts.models import Municipality, Team, User


def staffing_save(
    *,
    team: Team,
    year: int,
    municipality: Municipality | None,
    full_time_equivalents: Decimal,
    staff_in_cbt_training: int,
    staff_total: int,
    note: str = "",
    by: User,
) -> Staffing:
    """Record the year's staffing; a second entry for the same year and area replaces it."""
    if municipality is not None and not team.municipalities.filter(pk=municipality.pk).exists():
        raise ValidationError({"municipality": _("The municipality is not in the team's area.")})
    if staff_in_cbt_training > staff_total:
        raise ValidationError(
            {"staff_in_cbt_training": _("More staff in training than staff in all.")}
        )
    staffing = Staffing.objects.filter(team=team, year=year, municipality=municipality).first()
    staffing = staffing or Staffing(team=team, year=year, municipality=municipality)
    staffing.full_time_equivalents = full_time_equivalents
    staffing.staff_in_cbt_training = staff_in_cbt_training
    staffing.staff_total = staff_total
    staffing.note = note
    staffing.updated_by = by
    staffing.updated_at = timezone.now()
    staffing.full_clean()
    staffing.save()
    return staffing
