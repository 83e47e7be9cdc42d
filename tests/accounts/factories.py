import factory
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from rph.accounts.models import Municipality, Team, TeamMembership, User
from rph.accounts.roles import Role

PASSWORD = "correct-horse-battery-staple"


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ["number"]

    # 9000-9999: no real municipality has such a number; wrap so it stays four digits.
    number = factory.Sequence(lambda n: f"{9000 + n % 1000:04d}")
    name = factory.Faker("city", locale="no_NO")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"RPH Team {n}")

    @factory.post_generation
    def municipalities(self, create: bool, extracted: list[Municipality] | None) -> None:
        if create:
            self.municipalities.set(extracted or [MunicipalityFactory(), MunicipalityFactory()])


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="no_NO")
    last_name = factory.Faker("last_name", locale="no_NO")
    email = factory.LazyAttribute(lambda u: f"{u.username}@rph.example")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def totp(self, create: bool, extracted: bool | None) -> None:
        """Staff have a second factor unless a test asks for a user without one."""
        if not create:
            return
        self.save()  # the password set just before, with or without an authenticator
        if extracted is not False:
            self.totp_secret = generate_totp_secret()
            TOTP.activate(self, self.totp_secret)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamMembership

    user = factory.SubFactory(UserFactory)
    team = factory.SubFactory(TeamFactory)
    role = Role.THERAPIST


def member(team: Team, role: Role, **user_fields: object) -> User:
    return MembershipFactory(team=team, role=role, user=UserFactory(**user_fields)).user
