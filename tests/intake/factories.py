import factory
from django.utils import timezone

from intake.deadlines import deadline_for
from intake.models import (
    Channel,
    Client,
    Consent,
    ConsentMethod,
    Contact,
    ContactAttempt,
    ReachKind,
    Referrer,
)
from tests.accounts.factories import TeamFactory


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client
        skip_postgeneration_save = True

    first_name = factory.Faker("first_name", locale="no_NO")
    last_name = factory.Faker("last_name", locale="no_NO")
    phone = "+4741234567"
    email = factory.Faker("free_email", locale="no_NO")
    home_municipality = factory.LazyAttribute(lambda c: c.team.municipalities.first())

    @factory.post_generation
    def care_team(self, create: bool, extracted: list | None) -> None:
        if create and extracted:
            self.care_team.set(extracted)


class ContactFactory(factory.django.DjangoModelFactory):
    """An open contact; the deadline follows the clock rule from the team's promise."""

    class Meta:
        model = Contact

    team = factory.SubFactory(TeamFactory)
    client = factory.SubFactory(ClientFactory, team=factory.SelfAttribute("..team"))
    registered_at = factory.LazyFunction(timezone.now)
    channel = Channel.PHONE
    referrer = Referrer.SELF
    deadline = factory.LazyAttribute(
        lambda c: deadline_for(c.registered_at, c.team.response_promise_hours)
    )


def give_consents(client: Client, *kinds: str, given: bool = True, by=None) -> list[Consent]:
    """Lines in the client's consent register, as recorded from the client page."""
    return [
        Consent.objects.create(
            team=client.team,
            client=client,
            party=kind,
            given=given,
            method=ConsentMethod.PHONE,
            recorded_by=by,
        )
        for kind in kinds
    ]


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    client = factory.SubFactory(ClientFactory)
    team = factory.SelfAttribute("client.team")
    party = ReachKind.SMS
    given = True
    method = ConsentMethod.PHONE


class ContactAttemptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactAttempt

    contact = factory.SubFactory(ContactFactory)
    by = factory.LazyAttribute(lambda a: a.contact.team.members.first())
    method = ContactAttempt.Method.PHONE
    outcome = ContactAttempt.Outcome.NO_ANSWER
