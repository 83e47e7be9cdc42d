import factory
from django.utils import timezone

from intake.models import GeneralPractitioner
from referrals.models import Consent, Party


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
