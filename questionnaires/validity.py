"""How long a questionnaire link is valid. Pure."""

from datetime import datetime, timedelta

MAX_VALIDITY = timedelta(days=7)


def link_expires_at(
    *, created_at: datetime, occasion_at: datetime | None, grace_hours: int
) -> datetime:
    """Until the session starts + the team's grace, never more than 7 days after creation."""
    longest = created_at + MAX_VALIDITY
    if occasion_at is None:
        return longest
    return min(occasion_at + timedelta(hours=grace_hours), longest)
