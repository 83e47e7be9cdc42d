"""Demo team, municipalities and one user per role, with known passwords and TOTP secrets."""

from dataclasses import dataclass

from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP

from rph.accounts.models import Municipality, Team, TeamMembership, User
from rph.accounts.roles import Role


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    title: str
    role: Role
    password: str
    totp_secret: str  # base32, for an authenticator app


DEMO_USERS = [
    DemoUser(
        "merkantil",
        "Marte",
        "Merkantil",
        "Konsulent",
        Role.CLERICAL,
        "demo-merkantil-2026",
        "OJYGQLLEMVWW6LLNMVZGWYLOORUWYLRO",
    ),
    DemoUser(
        "behandler",
        "Bjørn",
        "Behandler",
        "Sykepleier",
        Role.THERAPIST,
        "demo-behandler-2026",
        "OJYGQLLEMVWW6LLCMVUGC3TENRSXELRO",
    ),
    DemoUser(
        "psykolog",
        "Pia",
        "Psykolog",
        "Psykologspesialist",
        Role.PSYCHOLOGIST,
        "demo-psykolog-2026",
        "OJYGQLLEMVWW6LLQON4WW33MN5TS4LRO",
    ),
    DemoUser(
        "teamleder",
        "Tor",
        "Teamleder",
        "Teamleder",
        Role.TEAM_LEAD,
        "demo-teamleder-2026",
        "OJYGQLLEMVWW6LLUMVQW23DFMRSXELRO",
    ),
    DemoUser(
        "admin",
        "Ada",
        "Administrator",
        "Systemansvarlig",
        Role.ADMIN,
        "demo-admin-2026",
        "OJYGQLLEMVWW6LLBMRWWS3ROFYXC4LRO",
    ),
]

MUNICIPALITIES = [("5054", "Indre Fosen"), ("5057", "Ørland")]


def load_team() -> Team:
    municipalities = [
        Municipality.objects.get_or_create(number=number, defaults={"name": name})[0]
        for number, name in MUNICIPALITIES
    ]
    team, _ = Team.objects.get_or_create(
        name="RPH Fosen", defaults={"intake_email": "rph@fosen.example"}
    )
    team.municipalities.set(municipalities)
    for demo in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=demo.username,
            defaults={
                "first_name": demo.first_name,
                "last_name": demo.last_name,
                "title": demo.title,
                "email": f"{demo.username}@fosen.example",
                "is_staff": demo.role == Role.ADMIN,
                "is_superuser": demo.role == Role.ADMIN,
            },
        )
        if created:
            user.set_password(demo.password)
            user.save()
            TOTP.activate(user, demo.totp_secret)
            RecoveryCodes.activate(user)
        TeamMembership.objects.get_or_create(user=user, team=team, defaults={"role": demo.role})
    return team
