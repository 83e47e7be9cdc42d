"""Invitations: a random link token stored only as a hash, valid for a set window."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from questionnaires.models import Invitation
from questionnaires.services import invitation_create, invitation_for_token
from questionnaires.validity import link_expires_at

NOW = timezone.make_aware(timezone.datetime(2026, 11, 23, 9, 0))


def test_the_link_is_valid_until_two_hours_after_the_session_starts():
    session = NOW + timedelta(days=1)
    expires = link_expires_at(created_at=NOW, occasion_at=session, grace_hours=2)
    assert expires == session + timedelta(hours=2)


def test_the_link_is_never_valid_for_more_than_seven_days():
    session = NOW + timedelta(days=30)
    assert link_expires_at(created_at=NOW, occasion_at=session, grace_hours=2) == NOW + timedelta(
        days=7
    )
    assert link_expires_at(created_at=NOW, occasion_at=None, grace_hours=2) == NOW + timedelta(
        days=7
    )


def test_only_a_hash_of_the_token_is_stored(personas):
    invitation, token = invitation_create(client=personas.client, instrument_codes=["phq9"])

    assert len(token) >= 43, "at least 256 bits, url-safe"
    stored = Invitation.objects.filter(pk=invitation.pk).values().get()
    assert token not in str(stored)
    assert invitation_for_token(token) == invitation


def test_a_wrong_used_or_expired_token_finds_nothing(personas):
    with time_machine.travel(NOW, tick=False):
        invitation, token = invitation_create(
            client=personas.client,
            instrument_codes=["phq9", "gad7"],
            occasion_at=NOW + timedelta(hours=5),
        )
        assert invitation_for_token(token + "x") is None
    with time_machine.travel(NOW + timedelta(hours=7), tick=False):
        assert invitation_for_token(token) is None
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        Invitation.objects.filter(pk=invitation.pk).update(completed_at=timezone.now())
        assert invitation_for_token(token) is None


def test_an_unknown_instrument_is_refused(personas):
    with pytest.raises(ValidationError):
        invitation_create(client=personas.client, instrument_codes=["isi"])
    assert not Invitation.objects.exists()
