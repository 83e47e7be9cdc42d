"""The assessment pages, through the eyes of each persona, and what bad input does."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from intake.assessments.choices import AssessmentStatus
from intake.models import Assessment
from rph.audit.models import AccessEvent
from rph.audit.services import break_glass_open
from tests.intake.assessment_data import AssessmentFactory, AssessmentOfferFactory, completed
from tests.intake.factories import ContactFactory

REASON = "Klienten ringte i krise, behandleren er syk."
BREAK_GLASS_LINK = "Be om nødtilgang"


@pytest.fixture
def contact(personas):
    return ContactFactory(team=personas.team, client=personas.client)


def detail_url(contact) -> str:
    return reverse("intake:assessment_detail", args=[contact.pk])


def edit_url(contact) -> str:
    return reverse("intake:assessment_edit", args=[contact.pk])


def form_data(**changes: object) -> dict[str, object]:
    """What the browser posts for a record that may be completed."""
    data: dict[str, object] = {
        "held_at": "02.03.2026 13:00",
        "mode": "face_to_face",
        "phq9_answers": ["1", "2", "1", "0", "1", "2", "1", "0", "0", "1"],
        "gad7_answers": ["2", "1", "1", "0", "2", "1", ""],
        "suicidal_thoughts": "False",
        "suicide_plans": "False",
        "earlier_suicide_attempts": "False",
        "has_minor_children": "False",
        "decision": "in_target_group",
        "step": "2",
        "epikrise_to_gp": "on",
    }
    return data | changes


HIGH_RISK = {
    "suicidal_thoughts": "True",
    "suicide_plans": "True",
    "risk_level": "high",
    "risk_actions": "Kriseplan laget.",
    "risk_conferred_with": "Psykolog Hansen",
}


# Who may read the record: only the care team, or a clinician after breaking the glass.
@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("therapist", 200),
        ("clerical", 403),
        ("colleague", 403),
        ("psychologist", 403),
        ("team_lead", 403),
        ("admin", 403),
        ("outsider", 404),
    ],
)
def test_reading_the_assessment_needs_the_care_team(personas, login, contact, persona, status):
    AssessmentFactory(contact=contact, therapist=personas.therapist, sleep="Våkner tidlig")

    response = login(getattr(personas, persona)).get(detail_url(contact))

    assert response.status_code == status
    assert ("Våkner tidlig" in response.content.decode()) is (status == 200)


# Who may write: only the care team; breaking the glass never gives write access.
@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("therapist", 200),
        ("clerical", 403),
        ("colleague", 403),
        ("psychologist", 403),
        ("team_lead", 403),
        ("admin", 403),
        ("outsider", 404),
    ],
)
def test_writing_the_assessment_needs_the_care_team(personas, login, contact, persona, status):
    http = login(getattr(personas, persona))

    page = http.get(edit_url(contact))
    post = http.post(edit_url(contact), form_data())

    assert page.status_code == status
    assert post.status_code == (302 if status == 200 else status)
    assert Assessment.objects.exists() is (status == 200)


@pytest.mark.parametrize("persona", ["colleague", "psychologist", "team_lead"])
def test_a_clinician_outside_the_care_team_is_offered_emergency_access(
    personas, login, contact, persona
):
    response = login(getattr(personas, persona)).get(detail_url(contact))

    assert response.status_code == 403
    page = response.content.decode()
    assert BREAK_GLASS_LINK in page
    assert reverse("intake:client_break_glass", args=[personas.client.pk]) in page


def test_clerical_staff_are_refused_without_an_emergency_access_link(personas, login, contact):
    response = login(personas.clerical).get(detail_url(contact))

    assert response.status_code == 403
    assert BREAK_GLASS_LINK not in response.content.decode()


def test_after_breaking_the_glass_a_colleague_can_read_but_not_write(personas, login, contact):
    AssessmentFactory(contact=contact, therapist=personas.therapist, sleep="Våkner tidlig")
    http = login(personas.colleague)
    http.post(reverse("intake:client_break_glass", args=[personas.client.pk]), {"reason": REASON})

    read = http.get(detail_url(contact))
    edit = http.get(edit_url(contact))
    post = http.post(edit_url(contact), form_data(sleep="Endret"))

    assert read.status_code == 200
    assert "Våkner tidlig" in read.content.decode()
    assert "nødtilgang" in read.content.decode()
    assert edit.status_code == post.status_code == 403
    assert Assessment.objects.get().sleep == "Våkner tidlig"


def test_the_break_glass_read_is_logged_with_its_grant(personas, login, contact):
    grant = break_glass_open(user=personas.colleague, team=personas.team, subject=personas.client,
                             reason=REASON)  # fmt: skip

    login(personas.colleague).get(detail_url(contact))

    event = AccessEvent.objects.get(user=personas.colleague)
    assert event.break_glass == grant
    assert event.action == "intake:assessment_detail"


@pytest.mark.parametrize("url", [detail_url, edit_url], ids=["detail", "edit"])
def test_each_view_writes_one_access_log_row_for_the_client(personas, login, contact, url):
    login(personas.therapist).get(url(contact))

    event = AccessEvent.objects.get()
    assert event.subject == personas.client
    assert event.user == personas.therapist


def test_a_refused_view_writes_no_access_log_row(personas, login, contact):
    login(personas.clerical).get(detail_url(contact))
    login(personas.outsider).get(edit_url(contact))

    assert not AccessEvent.objects.exists()


def test_an_unknown_contact_is_not_found(personas, login):
    response = login(personas.therapist).get(reverse("intake:assessment_edit", args=[9999]))

    assert response.status_code == 404


def test_a_new_assessment_starts_from_the_offered_time_and_mode(personas, login, contact):
    AssessmentOfferFactory(contact=contact, therapist=personas.therapist)

    response = login(personas.therapist).get(edit_url(contact))

    form = response.context["form"]
    assert form["mode"].value() == "video"


def test_saving_a_draft_stays_on_the_form(personas, login, contact):
    response = login(personas.therapist).post(
        edit_url(contact), form_data(sleep="Sover dårlig"), follow=True
    )

    assert response.redirect_chain[-1][0] == edit_url(contact)
    assert "Utkastet er lagret." in response.content.decode()
    draft = Assessment.objects.get()
    assert draft.status == AssessmentStatus.DRAFT
    assert draft.sleep == "Sover dårlig"


def test_completing_shows_the_record(personas, login, contact):
    response = login(personas.therapist).post(
        edit_url(contact), form_data(complete="1"), follow=True
    )

    assert response.redirect_chain[-1][0] == detail_url(contact)
    page = response.content.decode()
    assert "Kartleggingen er fullført." in page
    assert "Trinn 2: kurs eller gruppe" in page
    saved = Assessment.objects.get()
    assert saved.is_complete
    assert saved.phq9_answers == [1, 2, 1, 0, 1, 2, 1, 0, 0, 1]
    assert saved.gad7_answers == [2, 1, 1, 0, 2, 1, None]
    assert saved.suicidal_thoughts is False


def test_a_completed_assessment_opens_read_only(personas, login, contact):
    completed(contact=contact, therapist=personas.therapist, sleep="Godt")
    http = login(personas.therapist)

    page = http.get(edit_url(contact), follow=True)
    post = http.post(edit_url(contact), form_data(sleep="Endret"))

    assert page.redirect_chain[-1][0] == detail_url(contact)
    assert "En fullført kartlegging kan ikke endres." in page.content.decode()
    assert post.status_code == 302
    assert Assessment.objects.get().sleep == "Godt"


def test_high_risk_without_an_acute_action_is_not_completed(personas, login, contact):
    response = login(personas.therapist).post(
        edit_url(contact), form_data(complete="1", **HIGH_RISK)
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert 'role="alert" id="urgent-warning"' in page
    assert 'alert-danger d-none" role="alert" id="urgent-warning"' not in page
    assert "registrer det akutte tiltaket før kartleggingen kan fullføres" in page
    assert 'href="#id_urgent_action"' in page
    assert not Assessment.objects.exists()


def test_high_risk_with_the_acute_action_recorded_is_completed(personas, login, contact):
    data = form_data(
        complete="1",
        urgent_action="Ringte legevakten kl. 14:20, fulgte klienten dit.",
        urgent_action_at="02.03.2026 14:20",
        **HIGH_RISK,
    )

    response = login(personas.therapist).post(edit_url(contact), data, follow=True)

    saved = Assessment.objects.get()
    assert saved.is_complete
    assert saved.urgent_action_by == personas.therapist
    assert "Ringte legevakten kl. 14:20" in response.content.decode()


def test_the_warning_is_hidden_until_the_risk_calls_for_it(personas, login, contact):
    page = login(personas.therapist).get(edit_url(contact)).content.decode()

    assert 'alert-danger d-none" role="alert" id="urgent-warning"' in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"phq9_answers": ["1", "2", "1", "0", "7", "2", "1", "0", "0", "1"]},
            "phq9_answers",
            "Hvert svar må være 0, 1, 2, 3 eller tomt.",
        ),
        ({"phq9_answers": ["1", "2", "1"]}, "phq9_answers", "Ventet 10 svar, fikk 3."),
        ({"gad7_answers": ["0"] * 8}, "gad7_answers", "Ventet 7 svar, fikk 8."),
        ({"exclusion_factors": ["werewolf"]}, "exclusion_factors", "Velg et gyldig valg."),
        ({"children_ages": "tre, sju"}, "children_ages", "Skriv alderen som hele tall"),
        ({"held_at": "2. mars"}, "held_at", "Oppgi gyldig dato og tidspunkt."),
        ({"risk_actions": "x" * 1024 * 1024}, "risk_actions", "2000 eller færre tegn"),
        ({"sleep": "x" * 1024 * 1024}, "sleep", "1000 eller færre tegn"),
    ],
    ids=["phq item 7", "phq too few", "gad too many", "bad factor", "ages", "date", "1 MB", "1MB"],
)
def test_bad_input_is_explained_and_nothing_is_saved(
    personas, login, contact, changes, field, message
):
    response = login(personas.therapist).post(edit_url(contact), form_data(complete="1", **changes))

    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    page = response.content.decode()
    assert 'data-testid="error-summary"' in page
    assert f'href="#{response.context["form"][field].id_for_label}"' in page
    assert not Assessment.objects.exists()


def test_a_draft_with_bad_input_is_not_saved_either(personas, login, contact):
    response = login(personas.therapist).post(edit_url(contact), form_data(phq9_answers=["9"]))

    assert list(response.context["form"].errors) == ["phq9_answers"]
    assert not Assessment.objects.exists()


def test_script_in_text_is_shown_as_text(personas, login, contact):
    script = "<script>alert('x')</script>"
    http = login(personas.therapist)
    http.post(edit_url(contact), form_data(risk_actions=script, sleep=script))

    detail = http.get(detail_url(contact)).content.decode()
    edit = http.get(edit_url(contact)).content.decode()

    assert Assessment.objects.get().risk_actions == script
    for page in (detail, edit):
        assert script not in page
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page


class _Inputs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.inputs: list[dict[str, str | None]] = []
        self.labels: set[str] = set()
        self.legends = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag in ("input", "select", "textarea") and attributes.get("type") not in (
            "hidden",
            "submit",
        ):
            self.inputs.append(attributes)
        if tag == "label" and attributes.get("for"):
            self.labels.add(attributes["for"] or "")
        if tag == "legend":
            self.legends += 1


def test_every_input_of_the_form_has_a_label(personas, login, contact):
    page = login(personas.therapist).get(edit_url(contact)).content.decode()
    main = page[page.index('id="assessment-form"') :]
    parser = _Inputs()
    parser.feed(main)

    unlabelled = [i.get("name") for i in parser.inputs if i.get("id") not in parser.labels]
    assert len(parser.inputs) > 60
    assert unlabelled == []
    assert parser.legends >= 11  # one fieldset per part of the conversation


def test_the_phq9_form_offers_ten_labelled_items(personas, login, contact):
    page = login(personas.therapist).get(edit_url(contact)).content.decode()

    assert page.count('name="phq9_answers"') == 10
    assert page.count('name="gad7_answers"') == 7
    assert "9. Tanker om at du ville vært bedre død, eller om å skade deg selv" in page


def test_a_second_tab_saving_an_older_draft_is_refused_and_keeps_its_text(personas, login, contact):
    http = login(personas.therapist)
    http.post(edit_url(contact), form_data(substance_notes="Først"))
    version = Assessment.objects.get().version
    http.post(edit_url(contact), form_data(substance_notes="Andre fane", version=version))

    response = http.post(
        edit_url(contact), form_data(substance_notes="Gammel fane", version=version)
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="conflict-changes"' in page
    assert "Andre fane" in page  # what the other tab saved
    assert response.context["form"]["substance_notes"].value() == "Gammel fane"
    assert Assessment.objects.get().substance_notes == "Andre fane"
