"""The migration that moves the ticks on each contact into the client's consent register
(intake 0007) loses no consent given, and flags what later contacts contradicted."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("intake", "0006_consent_moved_from_referrals")]
AFTER = [("intake", "0007_consent_register")]


def _migrate(targets):  # type: ignore[no-untyped-def]
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_every_consent_ever_ticked_is_kept_and_a_later_empty_box_is_flagged(personas):
    old = _migrate(BEFORE)
    Contact = old.get_model("intake", "Contact")
    client_id, team_id = personas.client.pk, personas.team.pk
    start = datetime.datetime(2026, 1, 5, 10, 0, tzinfo=datetime.UTC)

    def contact(days: int, by, **ticks):  # type: ignore[no-untyped-def]
        at = start + datetime.timedelta(days=days)
        return Contact.objects.create(
            team_id=team_id,
            client_id=client_id,
            registered_at=at,
            registered_by_id=by,
            channel="web_form" if by is None else "phone",
            referrer="self",
            deadline=at + datetime.timedelta(hours=48),
            status="closed",
            **ticks,
        )

    contact(0, None, consent_call=True, consent_sms=True, consent_digital_questionnaires=True)
    contact(30, personas.clerical.pk, consent_call=True)  # the bug: SMS and digital unticked
    try:
        _migrate(AFTER)
        new = MigrationExecutor(connection).loader.project_state(AFTER).apps
        Consent = new.get_model("intake", "Consent")
        lines = {line.party: line for line in Consent.objects.filter(client_id=client_id)}

        assert set(lines) == {"call", "sms", "digital_questionnaires"}
        assert all(line.given for line in lines.values())
        assert lines["sms"].method == "self_referral"
        assert lines["sms"].recorded_at == start
        assert lines["sms"].recorded_by_id is None
        assert lines["sms"].needs_review and lines["digital_questionnaires"].needs_review
        assert not lines["call"].needs_review
        assert "04.02.2026" in lines["sms"].note
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
