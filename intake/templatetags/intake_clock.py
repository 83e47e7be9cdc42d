from datetime import timedelta

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def hours_minutes(value: timedelta) -> str:
    """A span of time as whole hours and minutes, sign dropped ("3 h 05 min")."""
    minutes = int(abs(value.total_seconds())) // 60
    return _("%(hours)d h %(minutes)02d min") % {"hours": minutes // 60, "minutes": minutes % 60}
