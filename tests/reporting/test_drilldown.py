"""Every number links to the rows behind it: exactly those clients, the same filters, no notes,
and each listed client's access log shows the look."""

import re
from html import unescape

import pytest
import time_machine
from django.urls import reverse

from intake.models import Client
from rph.accounts.access import Basis
from rph.audit.models import AccessEvent
from tests.intake.factories import ContactFactory
from tests.reporting.dashboard_fixture import NOW, build
from tests.treatment.factories import SessionFactory
from treatment.models import Attendance

pytestmark = pytest.mark.django_db
PERIOD = {"fra": "01.01.2026", "til": "28.02.2026"}


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def fx(personas):
    return build(personas)


def _listed(response) -> set[str]:
    """The client names in the drill-down table."""
    html = response.content.decode()
    cells = re.findall(r'data-testid="client">(?:<a [^>]*>)?([^<]*)', html)
    return {unescape(cell).split()[0] for cell in cells}


def _drill(http, key: str, **params: str):
    return http.get(reverse("reporting:drilldown", args=[key]), PERIOD | params)


@pytest.mark.parametrize(
    ("key", "params", "names"),
    [
        ("intake.contacts", {}, {"Anna", "Bjørn", "Cecilie", "David", "Eva", "Gro", "Hans"}),
        ("intake.in_time_48h", {}, {"Anna", "Cecilie"}),
        (
            "intake.in_time_48h",
            {"nevner": "1"},
            {"Anna", "Bjørn", "Cecilie", "David", "Eva", "Gro"},
        ),
        ("intake.open", {}, {"Eva", "Finn"}),
        ("waiting.hidden_over_28", {}, {"Ida", "Jon"}),
        ("outcomes.recovery", {}, {"Anna", "Mona"}),
        ("outcomes.recovery", {"nevner": "1"}, {"Anna", "David", "Ida", "Mona"}),
        ("outcomes.without_paired_scores", {}, {"Lars"}),
        ("activity.sessions_not_attended", {}, {"Anna"}),
        ("reach.age.67_plus", {}, {"Bjørn"}),
        ("work.in_work_end", {}, {"Anna", "Ida"}),
    ],
)
def test_the_list_holds_exactly_the_clients_counted(fx, login, key, params, names):
    response = _drill(login(fx.personas.team_lead), key, **params)

    assert response.status_code == 200
    assert _listed(response) == names


def test_the_list_follows_the_filters(fx, login):
    http = login(fx.personas.team_lead)

    in_b = _drill(http, "intake.contacts", kommune=str(fx.municipality_b.pk))
    for_t1 = _drill(http, "outcomes.ended", behandler=str(fx.personas.therapist.pk))
    february = _drill(http, "intake.contacts", fra="01.02.2026")

    assert _listed(in_b) == {"Cecilie", "Eva", "Gro"}
    assert _listed(for_t1) == {"Anna", "Cecilie", "Ida"}
    assert _listed(february) == {"Eva", "Gro", "Hans"}


def test_the_dashboard_links_each_number_to_its_list_with_the_same_filters(fx, login):
    http = login(fx.personas.team_lead)
    params = PERIOD | {"kommune": str(fx.municipality_b.pk)}

    html = http.get(reverse("reporting:dashboard"), params).content.decode()

    link = reverse("reporting:drilldown", args=["intake.contacts"])
    assert (
        f'href="{link}?fra=01.01.2026&amp;til=28.02.2026&amp;kommune={fx.municipality_b.pk}"'
        in html
    )
    assert "nevner=1" in html  # the denominators link to their own lists


def test_a_list_shows_the_figures_measure_and_no_clinical_notes(fx, login):
    SessionFactory(
        episode=fx.episodes["E1"],
        starts_at=fx.episodes["E1"].started_at,
        attendance=Attendance.DID_NOT_ATTEND,
        note="Hemmelig notat om traumer",
        homework="Pusteøvelser",
    )

    sessions = _drill(login(fx.personas.team_lead), "activity.sessions_not_attended")
    outcomes = _drill(login(fx.personas.team_lead), "outcomes.ended")

    assert "Hemmelig notat" not in sessions.content.decode()
    assert "Pusteøvelser" not in sessions.content.decode()
    html = outcomes.content.decode()
    assert "Pålitelig bedring" in html or "Reliable recovery" in html  # Anna's outcome class
    assert "Færre enn to behandlingstimer" in html or "Fewer than two" in html  # Kari


def test_each_listed_client_gets_one_access_log_row(fx, login):
    before = AccessEvent.objects.count()

    _drill(login(fx.personas.admin), "intake.in_time_48h")

    events = AccessEvent.objects.order_by("pk")[before:]
    clients = Client.objects.filter(pk__in=[e.subject_id for e in events])
    assert sorted(c.first_name for c in clients) == ["Anna", "Cecilie"]
    assert {e.basis for e in events} == {Basis.TEAM_ROLE}
    assert {e.user for e in events} == {fx.personas.admin}
    assert {e.action for e in events} == {"reporting:drilldown"}


def test_course_runs_are_listed_without_clients_and_logged_for_nobody(fx, login):
    before = AccessEvent.objects.count()

    response = _drill(login(fx.personas.team_lead), "activity.course_fill")

    assert response.status_code == 200
    assert len(re.findall('data-testid="drilldown-row"', response.content.decode())) == 1
    assert AccessEvent.objects.count() == before


def test_the_team_lead_links_to_the_client_and_the_administrator_does_not(fx, login):
    anna = fx.clients["Anna"]
    page = reverse("intake:client_detail", args=[anna.pk])

    lead = _drill(login(fx.personas.team_lead), "intake.in_time_48h")
    admin = _drill(login(fx.personas.admin), "intake.in_time_48h")

    assert page in lead.content.decode()
    assert page not in admin.content.decode()
    assert "Anna" in admin.content.decode()


def test_a_long_list_is_paged_and_the_pages_keep_the_filters(personas, login):
    for _ in range(55):
        ContactFactory(team=personas.team)
    http = login(personas.team_lead)

    first = http.get(reverse("reporting:drilldown", args=["intake.contacts"]))
    second = http.get(reverse("reporting:drilldown", args=["intake.contacts"]), {"side": "2"})

    assert len(re.findall('data-testid="drilldown-row"', first.content.decode())) == 50
    assert len(re.findall('data-testid="drilldown-row"', second.content.decode())) == 5
    assert "side=2" in first.content.decode() and "fra=" in first.content.decode()
