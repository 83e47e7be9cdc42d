"""The session note: two people editing at once never lose text (optimistic locking)."""

import re
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.urls import reverse
from rest_framework.test import APIClient

from tests.treatment.factories import GuidedSelfHelpFactory, SessionFactory
from tests.treatment.session_data import open_episode
from treatment.models import Session, SessionPurpose
from treatment.sessions.services import NoteConflict, session_note_save

FIRST = "Tema: søvn. Agenda avtalt."
SECOND = "Tema: bekymring. Hjemmeoppgave gjennomgått."


@pytest.fixture
def session(personas):
    return SessionFactory(episode=open_episode(personas))


def _version_in(page: str) -> str:
    match = re.search(r'name="version" value="(\d+)"', page)
    assert match, "the form carries the version it was opened at"
    return match.group(1)


def test_a_save_moves_the_version_on(personas, session):
    saved = session_note_save(
        session=session, note=FIRST, homework="Pusteøvelse", version=0, by=personas.therapist
    )

    assert (saved.note, saved.homework, saved.note_version) == (FIRST, "Pusteøvelse", 1)
    assert saved.note_updated_by == personas.therapist


def test_a_save_from_an_old_version_is_refused_with_the_saved_text(personas, session):
    session_note_save(session=session, note=FIRST, homework="", version=0, by=personas.therapist)

    with pytest.raises(NoteConflict) as conflict:
        session_note_save(
            session=session, note=SECOND, homework="", version=0, by=personas.therapist
        )

    assert conflict.value.current.note == FIRST
    assert conflict.value.current.note_version == 1
    assert Session.objects.get(pk=session.pk).note == FIRST


def test_the_second_tab_gets_the_conflict_and_keeps_its_text(personas, login, session):
    """Two tabs open the same note; the first saves; the second is told, sees the first
    one's text, and still has its own in the form. Saving again then is a choice."""
    url = reverse("treatment:session_note", args=[session.pk])
    first_tab, second_tab = login(personas.therapist), login(personas.therapist)
    version = _version_in(first_tab.get(url).content.decode())
    assert _version_in(second_tab.get(url).content.decode()) == version

    first = first_tab.post(url, {"note": FIRST, "homework": "", "version": version})
    second = second_tab.post(url, {"note": SECOND, "homework": "Logg", "version": version})

    assert first.status_code == 302
    assert second.status_code == 200
    page = second.content.decode()
    assert "Noen andre lagret dette notatet mens du skrev" in page
    their_block = page[page.index('data-testid="their-note"') :]
    assert FIRST in their_block[: their_block.index("</div>")]
    assert f"\n{SECOND}</textarea>" in page
    assert "\nLogg</textarea>" in page
    assert Session.objects.get(pk=session.pk).note == FIRST

    again = second_tab.post(url, {"note": SECOND, "homework": "Logg", "version": _version_in(page)})

    assert again.status_code == 302
    assert Session.objects.get(pk=session.pk).note == SECOND


def test_the_api_answers_a_stale_version_with_409_and_the_saved_text(personas, session):
    api = APIClient()
    api.force_login(personas.therapist)
    url = reverse("api-session-note", args=[session.pk])
    api.put(url, {"note": FIRST, "homework": "", "version": 0}, format="json")

    response = api.put(url, {"note": SECOND, "homework": "", "version": 0}, format="json")

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "note_conflict"
    assert body["current"]["version"] == 1
    assert body["current"]["note"] == FIRST
    assert Session.objects.get(pk=session.pk).note == FIRST


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL")
def test_two_saves_at_the_same_moment_one_wins_and_one_is_told(personas):
    """The conditional UPDATE waits for the other writer's commit, then finds the version
    gone: exactly one save wins, the other gets the conflict, nothing is overwritten."""
    session = SessionFactory(episode=open_episode(personas))
    first_updated = threading.Event()
    outcome: dict[str, object] = {}

    def first_writer() -> None:
        try:
            with transaction.atomic():
                session_note_save(
                    session=session, note=FIRST, homework="", version=0, by=personas.therapist
                )
                first_updated.set()
                threading.Event().wait(0.3)  # hold the row while the second writer tries
            outcome["first"] = "saved"
        finally:
            connection.close()

    def second_writer() -> None:
        try:
            first_updated.wait(5)
            try:
                session_note_save(
                    session=session, note=SECOND, homework="", version=0, by=personas.therapist
                )
                outcome["second"] = "saved"
            except NoteConflict as conflict:
                outcome["second"] = conflict.current.note
        finally:
            connection.close()

    threads = [threading.Thread(target=first_writer), threading.Thread(target=second_writer)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)

    assert outcome == {"first": "saved", "second": FIRST}
    assert Session.objects.get(pk=session.pk).note == FIRST


def test_a_follow_up_call_saves_the_progress_with_the_note(personas):
    self_help = GuidedSelfHelpFactory(episode=open_episode(personas), modules_total=8)
    call = SessionFactory(
        episode=self_help.episode, guided_self_help=self_help, purpose=SessionPurpose.FOLLOW_UP
    )

    saved = session_note_save(
        session=call,
        note="Godt i gang.",
        homework="",
        version=0,
        by=personas.therapist,
        modules_done=3,
        next_step="Modul 4 til neste gang",
    )

    assert (saved.modules_done, saved.next_step) == (3, "Modul 4 til neste gang")
    with pytest.raises(ValidationError) as refused:
        session_note_save(
            session=call, note="", homework="", version=1, by=personas.therapist, modules_done=9
        )
    assert "modules_done" in refused.value.message_dict


def test_a_treatment_session_has_no_follow_up_fields(personas, login, session):
    page = login(personas.therapist).get(reverse("treatment:session_note", args=[session.pk]))

    assert 'name="modules_done"' not in page.content.decode()


def test_the_note_form_offers_the_templates_for_the_purpose(personas, login, session):
    page = login(personas.therapist).get(reverse("treatment:session_note", args=[session.pk]))

    html = page.content.decode()
    assert "Behandlingstime (KAT)" in html
    assert "Gjennomgang av hjemmeoppgave:" in html
    assert "treatment/note_template" in html
