"""Two leaders editing one course run: the second, older form is refused and keeps its text."""

from django.urls import reverse
from django.utils import timezone

from tests.treatment.course_data import run_with_meetings


def _form(run, **changes) -> dict:
    data = {
        "title": run.title,
        "location": run.location,
        "time_of_day": "day",
        "capacity": run.capacity,
        "municipality": "",
        "leaders": [leader.pk for leader in run.leaders.all()],
        "version": run.version,
    }
    return data | changes


def test_a_stale_edit_is_refused_shows_what_was_saved_and_keeps_the_typing(personas, login):
    run = run_with_meetings(
        personas.team, [personas.therapist, personas.psychologist], [timezone.now()]
    )
    url = reverse("treatment:course_run_edit", args=[run.pk])
    stale = _form(run, title="Gammel fane")
    login(personas.psychologist).post(url, _form(run, location="Rom 7"))

    response = login(personas.therapist).post(url, stale)

    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="conflict-changes"' in page
    assert "Rom 7" in page
    assert response.context["form"]["title"].value() == "Gammel fane"
    run.refresh_from_db()
    assert (run.location, run.title != "Gammel fane") == ("Rom 7", True)
