"""The suicide risk in a letter: the draft text, the facts table, the PDF and the API say the
same thing for every outcome of the screening (not done, done negative, with risk, acute)."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from intake.assessments.choices import ExclusionFactor, RiskLevel
from intake.models import Assessment
from referrals.letters.drafting import letter_draft
from referrals.letters.risk import Screening, screening
from referrals.letters.services import letter_approve
from referrals.models import LetterKind
from tests.referrals.letter_data import known_episode

NO = {"suicidal_thoughts": False, "suicide_plans": False, "earlier_attempts": False}

OUTCOMES = {
    "not_done": (
        {
            "suicidal_thoughts": None,
            "suicide_plans": None,
            "earlier_suicide_attempts": None,
            "risk_level": "",
            "risk_actions": "",
        },
        "Ikke vurdert: kartleggingen av selvmordsrisiko er ikke registrert.",
    ),
    "negative": (
        {
            "suicidal_thoughts": False,
            "suicide_plans": False,
            "earlier_suicide_attempts": False,
            "risk_level": "",
            "risk_actions": "",
        },
        "Vurdert: ingen tegn til selvmordsrisiko ved kartleggingen.",
    ),
    "risk": (
        {"suicidal_thoughts": True, "risk_level": RiskLevel.MODERATE, "risk_actions": "Plan."},
        "Vurdert: tegn til selvmordsrisiko ved kartleggingen; risikoen vurdert som moderat.",
    ),
    "acute": (
        {
            "suicide_plans": True,
            "risk_level": RiskLevel.HIGH,
            "exclusion_factors": [ExclusionFactor.HIGH_SUICIDE_RISK],
            "urgent_action": "Fulgt til legevakten.",
        },
        "Vurdert: akutt selvmordsrisiko eller akutte behov; risikoen vurdert som høy.",
    ),
}


@pytest.mark.parametrize(
    ("risk", "expected"),
    [
        (None, Screening.NOT_DONE),
        ({**NO, "suicide_plans": None}, Screening.NOT_DONE),
        (NO, Screening.NEGATIVE),
        ({**NO, "level": RiskLevel.LOW}, Screening.NEGATIVE),
        ({**NO, "earlier_attempts": True, "level": RiskLevel.LOW}, Screening.RISK),
        ({**NO, "level": RiskLevel.MODERATE}, Screening.RISK),
        ({**NO, "suicide_plans": None, "level": RiskLevel.LOW}, Screening.RISK),
        ({**NO, "suicidal_thoughts": True, "level": RiskLevel.HIGH}, Screening.ACUTE),
        ({**NO, "exclusion_factors": [ExclusionFactor.ACUTE_NEEDS]}, Screening.ACUTE),
    ],
)
def test_the_screening_outcome_follows_the_answers(risk, expected):
    assert screening(risk) == expected


def _epikrise(p, assessment_fields):
    record = known_episode(p)
    Assessment.objects.filter(pk=record.assessment.pk).update(**assessment_fields)
    return letter_draft(
        client=p.client,
        kind=LetterKind.EPIKRISE_END,
        episode=record.episode,
        assessment=None,
        by=p.therapist,
    )


def _pdf_text(pdf: bytes) -> str:
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    return " ".join(" ".join(pages).split())


@pytest.mark.django_db
@pytest.mark.parametrize("outcome", list(OUTCOMES))
def test_draft_text_facts_table_pdf_and_api_state_the_same_risk(personas, login, outcome):
    fields, sentence = OUTCOMES[outcome]
    letter = _epikrise(personas, fields)
    http = login(personas.therapist)

    page = http.get(reverse("referrals:letter_detail", args=[letter.pk])).text
    api = http.get(reverse("api-letter-detail", args=[letter.pk])).json()
    approved = letter_approve(letter=letter, by=personas.therapist, version=letter.version)

    assert letter.risk_summary.startswith(sentence)
    assert f'data-screening="{outcome}">{sentence}</td>' in page
    assert "ikke vurdert" not in page.lower() or outcome == "not_done"
    assert api["risk"] == {"screening": outcome, "statement": sentence}
    assert sentence in _pdf_text(bytes(approved.pdf))


@pytest.mark.django_db
def test_clerical_staff_get_no_risk_fact_from_the_api(personas, login):
    letter = _epikrise(personas, OUTCOMES["negative"][0])
    letter_approve(letter=letter, by=personas.therapist, version=letter.version)

    api = login(personas.clerical).get(reverse("api-letter-detail", args=[letter.pk]))

    assert api.status_code == 200
    assert api.json()["risk"] is None
