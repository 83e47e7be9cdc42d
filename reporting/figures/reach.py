"""Who we reach: age bands, sex and background of the clients who made contact."""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from intake import age as intake_age
from intake.assessments.choices import Education, ImmigrantBackground, Sex
from reporting.figures.base import (
    Group,
    Label,
    Rows,
    Section,
    count,
    share,
)
from reporting.figures.facts import (
    ContactFact,
)
from reporting.filters import Period

# (key, label, youngest, oldest); None: no upper limit.
AGE_BANDS: tuple[tuple[str, str, int, int | None], ...] = (
    ("16_17", "16–17", 16, 17),
    ("18_29", "18–29", 18, 29),
    ("30_39", "30–39", 30, 39),
    ("40_49", "40–49", 40, 49),
    ("50_59", "50–59", 50, 59),
    ("60_66", "60–66", 60, 66),
    ("67_plus", "67+", 67, None),
)
UNDER_16, UNKNOWN = "under_16", "unknown"
NOT_RECORDED = "not_recorded"


def age_band(age: int | None) -> str:
    if age is None:
        return UNKNOWN
    for key, _label, youngest, oldest in AGE_BANDS:
        if age >= youngest and (oldest is None or age <= oldest):
            return key
    return UNDER_16


def age_at_contact(contact: ContactFact) -> int | None:
    return intake_age.age_at_contact(
        contact.birth_date, contact.age_at_contact, timezone.localdate(contact.registered_at)
    )


@dataclass(frozen=True)
class Reached:
    """One client with a contact in the period: age at the first, background from the
    latest assessed one."""

    id: int
    age: int | None
    assessment: ContactFact | None

    @property
    def client_id(self) -> int:
        return self.id


def reached_clients(contacts: Iterable[ContactFact], period: Period) -> list[Reached]:
    by_client: dict[int, list[ContactFact]] = defaultdict(list)
    for contact in sorted(contacts, key=lambda c: (c.registered_at, c.id)):
        if period.has_moment(contact.registered_at):
            by_client[contact.client_id].append(contact)
    return [
        Reached(
            id=client,
            age=age_at_contact(mine[0]),
            assessment=next((c for c in reversed(mine) if c.assessed), None),
        )
        for client, mine in by_client.items()
    ]


def reach_section(contacts: Sequence[ContactFact], period: Period) -> Section:
    clients = reached_clients(contacts, period)
    assessed = [c for c in clients if c.assessment is not None]
    ages = {c.id: c.age for c in clients}
    bands = [(key, label) for key, label, *_limits in AGE_BANDS]
    bands += [(UNDER_16, _("Under 16")), (UNKNOWN, _("Age not known"))]

    def background(
        key: str, title: Label, attribute: str, choices: list[tuple[str, Label]]
    ) -> Group:
        def value_of(client: Reached) -> str:
            return getattr(client.assessment, attribute) or NOT_RECORDED

        choices = [*choices, (NOT_RECORDED, _("Not recorded"))]
        return Group(
            key,
            title,
            tuple(
                share(
                    f"reach.{key}.{value}",
                    label,
                    Rows.CLIENTS,
                    [c for c in assessed if value_of(c) == value],
                    assessed,
                )
                for value, label in choices
            ),
            definition=_("From the assessment, of clients in the period who have been assessed."),
        )

    figures = (
        count(
            "reach.clients",
            _("People with a contact"),
            Rows.CLIENTS,
            clients,
            definition=_("Clients with a contact registered in the period, each counted once."),
            values=ages,
            value_label=_("Age at contact"),
        ),
        count(
            "reach.not_assessed",
            _("Not assessed yet"),
            Rows.CLIENTS,
            [c for c in clients if c.assessment is None],
            definition=_("People with a contact in the period with no assessment recorded."),
        ),
    )
    groups = (
        Group(
            "age",
            _("Age at contact"),
            tuple(
                share(
                    f"reach.age.{key}",
                    label,
                    Rows.CLIENTS,
                    [c for c in clients if age_band(c.age) == key],
                    clients,
                    values=ages,
                    value_label=_("Age at contact"),
                )
                for key, label in bands
            ),
            definition=_(
                "Age at the first contact in the period, from the birth date (or the age given "
                "at registration)."
            ),
        ),
        background("sex", pgettext_lazy("self-reported", "Sex"), "sex", Sex.choices),
        background(
            "immigrant",
            _("Immigrant background"),
            "immigrant_background",
            ImmigrantBackground.choices,
        ),
        background("education", _("Education"), "education", Education.choices),
    )
    return Section("reach", _("Who we reach"), figures, groups)
