from django.http import HttpRequest

from rph.accounts.models import TeamMembership, User
from rph.accounts.roles import Role

SESSION_KEY = "rph_team_id"


def roles_by_team(user: User) -> dict[int, Role]:
    """The user's role in each team, fetched once per request."""
    cached: dict[int, Role] | None = getattr(user, "_rph_roles", None)
    if cached is None:
        cached = {}
        if user.is_authenticated and user.is_active:
            cached = {m.team_id: Role(m.role) for m in TeamMembership.objects.filter(user=user)}
        user._rph_roles = cached  # type: ignore[attr-defined]
    return cached


def role_in_team(user: User, team_id: int) -> Role | None:
    return roles_by_team(user).get(team_id)


def memberships(request: HttpRequest) -> list[TeamMembership]:
    cached: list[TeamMembership] | None = getattr(request, "_rph_memberships", None)
    if cached is None:
        cached = []
        if request.user.is_authenticated:
            cached = list(TeamMembership.objects.for_user(request.user).order_by("team__name"))
        request._rph_memberships = cached  # type: ignore[attr-defined]
    return cached


def current_membership(request: HttpRequest) -> TeamMembership | None:
    """The team the user works in now: chosen in the session, else the first."""
    available = memberships(request)
    chosen = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    for membership in available:
        if membership.team_id == chosen:
            return membership
    return available[0] if available else None
