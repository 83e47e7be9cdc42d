"""Shared by the session and calendar tests: a pinned Monday, an open episode for the
personas' client, a client who agreed to digital questionnaires, and a booking."""

from datetime import datetime

from intake.models import Contact, ReachKind
from tests.intake.factories import ContactFactory, give_consents
from tests.treatment.factories import EpisodeFactory
from treatment.models import Episode, Session, SessionMode, SessionPurpose
from treatment.sessions.services import session_book

MONDAY_10 = "2026-03-02T10:00:00+01:00"
THURSDAY_13 = datetime.fromisoformat("2026-03-05T13:00:00+01:00")


def open_episode(p) -> Episode:
    return EpisodeFactory(team=p.team, client=p.client, primary_therapist=p.therapist)


def consent_to_links(client) -> Contact:
    """The client agreed to get PHQ-9/GAD-7 links by SMS before sessions."""
    give_consents(client, ReachKind.SMS, ReachKind.DIGITAL_QUESTIONNAIRES)
    return ContactFactory(team=client.team, client=client)


def book(episode: Episode, at: datetime, *, by=None, **changes) -> Session:
    fields = {
        "purpose": SessionPurpose.TREATMENT,
        "mode": SessionMode.FACE_TO_FACE,
        "duration_minutes": 45,
        "location": "Rom 2",
        "therapist": episode.primary_therapist,
    } | changes
    return session_book(episode=episode, starts_at=at, by=by or episode.primary_therapist, **fields)
