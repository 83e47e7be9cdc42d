import datetime

import factory
from django.utils import timezone

from intake.models import Consent, GeneralPractitioner, Party
from referrals.models import (
    AcuteContact,
    AcuteService,
    Letter,
    LetterKind,
    LetterTransportKind,
    TeamMessaging,
)


class GeneralPractitionerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GeneralPractitioner

    hpr_number = factory.Sequence(lambda n: f"{1000000 + n}")
    name = factory.Faker("name", locale="no_NO")
    practice = factory.Sequence(lambda n: f"Fosen legesenter {n}")
    address = "Storgata 1"
    postcode = "7100"
    town = "Rissa"
    phone = "+4772000000"


class ConsentFactory(factory.django.DjangoModelFactory):
    """Pass `client` and `recorded_by`; consent given to the GP by default."""

    class Meta:
        model = Consent

    team = factory.SelfAttribute("client.team")
    party = Party.GP
    given = True
    recorded_at = factory.LazyFunction(timezone.now)


class LetterFactory(factory.django.DjangoModelFactory):
    """A draft epikrise; pass `client` and `drafted_by`. See tests/referrals/letter_data.py for
    letters drafted from a real record."""

    class Meta:
        model = Letter
        skip_postgeneration_save = True

    team = factory.SelfAttribute("client.team")
    kind = LetterKind.EPIKRISE_ASSESSMENT
    gp = factory.SelfAttribute("client.gp")
    reason_for_contact = "Henvendte seg selv på telefon."
    treatment_summary = "Kartlegging og plan."

    @factory.post_generation
    def identified(self, create: bool, extracted: bool | None) -> None:
        """A letter is approved only for a client the GP can identify: the client gets a
        birth date unless `identified=False`."""
        client = self.client
        if create and extracted is not False and not (client.fodselsnummer or client.birth_date):
            client.birth_date = datetime.date(1990, 3, 14)
            client.save(update_fields=["birth_date"])


class AcuteContactFactory(factory.django.DjangoModelFactory):
    """Pass `client` and `contacted_by`; the legevakt, contacted just now."""

    class Meta:
        model = AcuteContact

    team = factory.SelfAttribute("client.team")
    service = AcuteService.LEGEVAKT
    contacted_at = factory.LazyFunction(timezone.now)
    outcome = "Legevakten vurderer klienten i dag."


class TeamMessagingFactory(factory.django.DjangoModelFactory):
    """Pass `team`; the team sends its letters to GPs as electronic messages."""

    class Meta:
        model = TeamMessaging

    her_id = factory.Sequence(lambda n: f"{8100000 + n}")
    transport = LetterTransportKind.FILE_DROP
    receipt_wait_hours = 24
    version = 1


def reachable_gp(**fields) -> GeneralPractitioner:
    """A GP whose GP office and GP have HER-ids: electronic letters can reach them."""
    gp = GeneralPractitionerFactory(**fields)
    gp.her_id, gp.office_her_id = f"{8200000 + gp.pk}", f"{8300000 + gp.pk}"
    gp.save()
    return gp
