"""A letter's facts (Letter.facts, plain JSON) made ready to show: dates as dates, codes as
labels in the active language, and the trend chart. Used by the letter page, the PDF and the
starting text alike, so they all say the same thing."""

from datetime import date, datetime
from typing import Any

from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from intake.assessments.choices import (
    Decision,
    ExclusionFactor,
    RiskLevel,
    Route,
    Step,
    WorkStatus,
)
from intake.models import Channel, Concern, Referrer
from questionnaires.charts import Point, Series, trend_chart_svg
from questionnaires.models import Instrument
from referrals.letters.risk import screening, statement
from referrals.models import AcuteService, Letter, LetterKind, LetterStatus, ReferralTo
from treatment.models import EndReason, EnrolmentStatus, OfferEnd, OfferStart, Programme
from treatment.outcomes import Headline, Unclassified

LETTER_LANGUAGE = "nb"  # letters go to Norwegian GPs, whatever language the writer's UI speaks
CHART_CODES = ("phq9", "gad7")

HEADLINE_WORDS: dict[str, Promise] = {
    Headline.RELIABLE_RECOVERY: _(
        "Recovered and reliably improved: above the clinical cut-off at the start, below it at"
        " the end, and the change is larger than the measurement error."
    ),
    Headline.RECOVERY: _(
        "Recovered: above the clinical cut-off at the start, below it at the end."
    ),
    Headline.RELIABLE_IMPROVEMENT: _(
        "Reliably improved, but still above the clinical cut-off at the end."
    ),
    Headline.RELIABLE_DETERIORATION: _("Reliably worse at the end than at the start."),
    Headline.NO_RELIABLE_CHANGE: _("No reliable change between the start and the end."),
    Headline.NOT_A_CASE: _("Below the clinical cut-off already at the start."),
}
UNCLASSIFIED_WORDS: dict[str, Promise] = {
    Unclassified.STILL_OPEN: _("The episode is still open: no outcome yet."),
    Unclassified.TREATED_ONCE: _(
        "Ended after fewer than two treatment sessions: no outcome is reported."
    ),
    Unclassified.NO_PAIRED_SCORES: _(
        "No PHQ-9 and GAD-7 answered together at both the start and the end: no outcome."
    ),
}


def _label(choices: Any, value: object) -> str:
    """The label in the active language (plain str: templates join them)."""
    return str(dict(choices.choices).get(value, value)) if value not in ("", None) else ""


def _labels(choices: Any, values: list[object] | None) -> list[str]:
    return [_label(choices, value) for value in values or []]


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _yes_no(value: bool | None) -> str:
    if value is None:
        return gettext("not recorded")
    return gettext("yes") if value else gettext("no")


def facts_for_display(facts: dict[str, Any]) -> dict[str, Any]:
    contact = facts.get("contact")
    assessment = facts.get("assessment")
    risk = facts.get("risk")
    work = facts.get("work_start")
    work_end = facts.get("work_status_end")
    episode = facts.get("episode")
    scores = facts.get("scores") or {}
    outcome = facts.get("outcome")
    level = _label(RiskLevel, risk["level"]) if risk else ""
    return {
        "risk_screening": screening(risk).value,
        "risk_statement": statement(risk, level),
        "contact": contact
        and {
            "registered_on": _date(contact["registered_on"]),
            "channel": _label(Channel, contact["channel"]),
            "referrer": _label(Referrer, contact["referrer"]),
            "referrer_code": contact["referrer"],
            "referrer_name": contact["referrer_name"],
            "concerns": _labels(Concern, contact["concerns"]),
        },
        "assessment": assessment
        and {
            "held_on": _date(assessment["held_on"]),
            "decision": _label(Decision, assessment["decision"]),
            "decision_code": assessment["decision"],
            "step": _label(Step, assessment["step"]),
            "route": _label(Route, assessment["route"]),
            "decision_reason": assessment["decision_reason"],
        },
        "risk": risk
        and {
            "level": level,
            "actions": risk["actions"],
            "suicidal_thoughts": _yes_no(risk["suicidal_thoughts"]),
            "suicide_plans": _yes_no(risk["suicide_plans"]),
            "earlier_attempts": _yes_no(risk["earlier_attempts"]),
            "exclusion_factors": _labels(ExclusionFactor, risk["exclusion_factors"]),
            "urgent_action": risk["urgent_action"],
            "substance_severe": risk["substance_severe"],
            "alerts": risk["alerts_since_contact"],
        },
        "work_start": work
        and {
            "statuses": _labels(WorkStatus, work["statuses"]),
            "percentage": work["percentage"],
            "sick_leave_percentage": work["sick_leave_percentage"],
            "sick_leave_since": _date(work["sick_leave_since"]),
        },
        "work_end": work_end
        and {
            "statuses": _labels(WorkStatus, work_end["statuses"]),
            "sick_leave_percentage": work_end["sick_leave_percentage"],
        },
        "episode": episode
        and {
            "started_on": _date(episode["started_on"]),
            "ended_on": _date(episode["ended_on"]),
            "end_reason": _label(EndReason, episode["end_reason"]),
        },
        "offers": [
            {
                "step": _label(Step, offer["step"]),
                "started_on": _date(offer["started_on"]),
                "ended_on": _date(offer["ended_on"]),
                "start_reason": _label(OfferStart, offer["start_reason"]),
                "end_reason": _label(OfferEnd, offer["end_reason"]),
            }
            for offer in facts.get("offers", [])
        ],
        "courses": [
            {
                "name": course["name"],
                "status": _label(EnrolmentStatus, course["status"]),
                "meetings_attended": course["meetings_attended"],
            }
            for course in facts.get("courses", [])
        ],
        "self_help": [
            {
                "programme": _label(Programme, item["programme"]),
                "detail": item["detail"],
                "given_on": _date(item["given_on"]),
                "ended_on": _date(item["ended_on"]),
            }
            for item in facts.get("self_help", [])
        ],
        "sessions": facts.get("sessions"),
        "first": _score(scores.get("first")),
        "last": _score(scores.get("last")),
        "outcome": outcome
        and {
            "headline": outcome["headline"],
            "words": str(
                HEADLINE_WORDS.get(outcome["headline"], "")
                if outcome["headline"]
                else UNCLASSIFIED_WORDS.get(outcome["unclassified"], "")
            ),
            "finished": outcome["finished"],
            "counts": outcome["unclassified"] is None,
            "rule_version": outcome["rule_version"],
        },
        "acute_contacts": [
            {
                "service": _label(AcuteService, item["service"]),
                "contacted_at": datetime.fromisoformat(item["contacted_at"]),
                "outcome": item["outcome"],
            }
            for item in facts.get("acute_contacts", [])
        ],
    }


def letter_risk(facts: dict[str, Any]) -> dict[str, str]:
    """The risk fact as the letter states it (the API's `risk`), in the letter's language."""
    risk = facts.get("risk")
    with translation.override(LETTER_LANGUAGE):
        level = _label(RiskLevel, risk["level"]) if risk else ""
        return {"screening": screening(risk).value, "statement": statement(risk, level)}


def _score(point: dict[str, Any] | None) -> dict[str, Any] | None:
    if point is None:
        return None
    return {"on": _date(point["on"]), "phq9": point["phq9"], "gad7": point["gad7"]}


def letter_chart(facts: dict[str, Any], chart_id: str) -> SafeString | None:
    """The client page's trend chart (questionnaires.charts) for the scores in the facts."""
    points = facts.get("series", [])
    if not points:
        return None
    latest = {point["code"]: point["instrument"] for point in points}
    instruments = Instrument.objects.in_bulk(set(latest.values()))
    series = [
        Series(
            instruments[latest[code]].parsed(),
            tuple(
                Point(datetime.fromisoformat(p["at"]), p["total"], p["prorated"])
                for p in points
                if p["code"] == code
            ),
        )
        for code in CHART_CODES
        if code in latest and latest[code] in instruments
    ]
    if not series:
        return None
    sessions = [datetime.fromisoformat(moment) for moment in facts.get("session_times", [])]
    return trend_chart_svg(series, sessions=sessions, chart_id=chart_id)


def letter_title(letter: Letter) -> str:
    if letter.kind == LetterKind.REFERRAL_REQUEST:
        where = dict(ReferralTo.choices).get(letter.referral_to, "")
        return gettext("Request for referral: %(where)s") % {"where": where}
    if letter.kind == LetterKind.EPIKRISE_END:
        return gettext("Epikrise")
    return gettext("Epikrise after the assessment")


def letter_context(letter: Letter) -> dict[str, Any]:
    """What the letter page and the PDF show: the same letter, signed by whoever approved it."""
    approved = letter.approved_at is not None
    return {
        "letter": letter,
        "client": letter.client,
        "team": letter.team,
        "municipality": letter.client.home_municipality,
        "title": letter_title(letter),
        "facts": facts_for_display(letter.facts),
        "chart": letter_chart(letter.facts, f"letter-chart-{letter.pk}"),
        "signer": letter.approved_by if approved else letter.drafted_by,
        "signed_on": timezone.localdate(letter.approved_at) if approved else timezone.localdate(),
        "draft": letter.status == LetterStatus.DRAFT,
    }
