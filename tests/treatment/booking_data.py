"""Shared by the booking-link tests: a pinned Monday morning and a therapist's hours."""

from datetime import datetime, time

from tests.treatment.session_data import open_episode
from treatment.booking.services import booking_link_send
from treatment.models import WorkingHours

# Monday 2 March 2026, 08:00 in Oslo: the first offered time is 10:00 (two hours' notice).
NOW = datetime.fromisoformat("2026-03-02T08:00:00+01:00")


def working_hours(team, therapist, starts=time(9), ends=time(12)) -> None:
    WorkingHours.objects.bulk_create(
        WorkingHours(team=team, therapist=therapist, weekday=day, starts=starts, ends=ends)
        for day in range(5)
    )


def send(p, *, by=None, days_ahead=2, **changes):
    working_hours(p.team, p.therapist)
    fields = {
        "therapist": p.therapist,
        "purpose": "treatment",
        "mode": "face_to_face",
        "duration_minutes": 60,
        "location": "Rom 2",
        "days_ahead": days_ahead,
    } | changes
    return booking_link_send(episode=open_episode(p), by=by or p.clerical, **fields)
