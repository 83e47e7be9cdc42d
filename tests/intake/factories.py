import factory

from intake.models import Client


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
