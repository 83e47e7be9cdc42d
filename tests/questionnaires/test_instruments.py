"""The instruments in the database: the shipped ones loaded by migration, a team's own."""

import pytest
from django.db import IntegrityError

from questionnaires.definitions import DefinitionError
from questionnaires.models import Instrument
from questionnaires.scoring import SHIPPED
from questionnaires.services import instrument_save, shipped_instruments_sync
from tests.accounts.factories import TeamFactory
from tests.questionnaires.definition_data import custom_definition

pytestmark = pytest.mark.django_db


def test_the_migration_loads_the_shipped_instruments_for_every_team():
    shipped = Instrument.objects.filter(is_shipped=True).order_by("code")

    assert [(i.code, i.version, i.name, i.team_id) for i in shipped] == [
        ("auditc", "1", "AUDIT-C", None),
        ("gad7", "1", "GAD-7", None),
        ("phq9", "1", "PHQ-9", None),
        ("satisfaction", "1", "Brukertilfredshet", None),
        ("wsas", "1", "WSAS", None),
    ]
    assert all(instrument.active for instrument in shipped)


def test_the_stored_shipped_definitions_parse_to_the_ones_scoring_uses():
    for instrument in Instrument.objects.filter(is_shipped=True):
        assert instrument.parsed() == SHIPPED[instrument.code]


def test_syncing_again_writes_nothing_when_the_files_are_unchanged():
    assert shipped_instruments_sync() == 0


def test_syncing_restores_a_shipped_definition_changed_in_the_database():
    phq9 = Instrument.objects.get(code="phq9", is_shipped=True)
    phq9.definition = {**phq9.definition, "name": "PHQ-9 (changed)"}
    phq9.save()

    assert shipped_instruments_sync() == 1
    phq9.refresh_from_db()
    assert phq9.parsed() == SHIPPED["phq9"]


def test_a_team_sees_the_shipped_instruments_and_its_own_active_ones():
    team, other = TeamFactory(), TeamFactory()
    own = instrument_save(instrument=Instrument(), team=team, data=custom_definition(), active=True)
    instrument_save(instrument=Instrument(), team=other, data=custom_definition(), active=True)
    retired = custom_definition() | {"code": "retired"}
    instrument_save(instrument=Instrument(), team=team, data=retired, active=False)

    available = Instrument.objects.available_to(team)

    assert sorted(i.code for i in available) == [
        "auditc",
        "gad7",
        "phq9",
        "satisfaction",
        "sleep_check",
        "wsas",
    ]
    assert own in available


def test_saving_a_team_instrument_takes_code_version_and_name_from_the_definition():
    team = TeamFactory()

    saved = instrument_save(
        instrument=Instrument(), team=team, data=custom_definition(), active=True
    )

    saved.refresh_from_db()
    assert (saved.code, saved.version, saved.name) == ("sleep_check", "1", "Søvnsjekk")
    assert (saved.team, saved.is_shipped) == (team, False)


def test_a_team_cannot_take_the_code_of_a_shipped_instrument():
    data = custom_definition() | {"code": "phq9"}

    with pytest.raises(DefinitionError, match="phq9"):
        instrument_save(instrument=Instrument(), team=TeamFactory(), data=data, active=True)


def test_a_team_cannot_store_the_same_version_twice_but_may_add_a_new_version():
    team = TeamFactory()
    instrument_save(instrument=Instrument(), team=team, data=custom_definition(), active=True)

    with pytest.raises(DefinitionError):
        instrument_save(instrument=Instrument(), team=team, data=custom_definition(), active=True)
    newer = custom_definition() | {"version": "2"}
    instrument_save(instrument=Instrument(), team=team, data=newer, active=True)

    assert Instrument.objects.filter(team=team).count() == 2


def test_the_database_refuses_a_shipped_instrument_that_belongs_to_a_team():
    with pytest.raises(IntegrityError):
        Instrument.objects.create(
            code="x1", version="1", name="X", definition={}, is_shipped=True, team=TeamFactory()
        )


def test_the_database_refuses_a_second_shipped_row_for_the_same_version():
    with pytest.raises(IntegrityError):
        Instrument.objects.create(
            code="phq9", version="1", name="PHQ-9", definition={}, is_shipped=True
        )
