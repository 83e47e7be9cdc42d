from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from rph.accounts.roles import CLIENT_ROLES, CLINICAL_ROLES, LEAD_ROLES, Role


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str

    @property
    def url(self) -> str:
        return reverse(self.url_name)


def items_for(role: Role | None) -> list[NavItem]:
    items = [NavItem(_("Home"), "home")]
    if role in CLIENT_ROLES:
        items.append(NavItem(_("Clients"), "intake:client_list"))
        items.append(NavItem(_("Intake queue"), "intake:queue"))
        items.append(NavItem(_("Register contact"), "intake:contact_register"))
        items.append(NavItem(_("Outstanding questionnaires"), "questionnaires:outstanding"))
        items.append(NavItem(_("Calendar"), "treatment:calendar"))
        items.append(NavItem(_("Courses"), "treatment:course_list"))
        items.append(NavItem(_("GPs"), "referrals:gp_list"))
        items.append(NavItem(_("Letters"), "referrals:letter_list"))  # by URL name
    if role in CLINICAL_ROLES:
        # By URL name only, like "Risk alerts" below.
        items.append(NavItem(_("My day"), "treatment:my_day"))
        items.append(NavItem(_("Episodes"), "treatment:episode_list"))  # leads are clinical too
        items.append(NavItem(_("My caseload"), "treatment:caseload"))
    if role == Role.PSYCHOLOGIST or role in LEAD_ROLES:
        items.append(NavItem(_("Supervision"), "treatment:supervision"))
    if role in LEAD_ROLES:
        items.append(NavItem(_("Emergency access log"), "audit:break_glass_review"))
        # By URL name only: rph imports nothing from the questionnaires app.
        items.append(NavItem(_("Risk alerts"), "questionnaires:risk_alert_list"))
        items.append(NavItem(_("Data check"), "intake:data_check"))
    if role in LEAD_ROLES or role == Role.ADMIN:
        items.append(NavItem(_("Dashboard"), "reporting:dashboard"))  # by URL name
        items.append(NavItem(_("Reports and export"), "reporting:exports"))  # by URL name
    if role == Role.ADMIN:
        items.append(NavItem(_("GPs"), "referrals:gp_list"))  # the administrator imports them
        items.append(NavItem(_("Administration"), "admin:index"))
    return items
