"""The questionnaire section of the client page: open risk alerts, the PHQ-9 / GAD-7 trend,
the scores as a table, and the latest answers item by item. Clinical eyes only.

Registered with intake's client page in QuestionnairesConfig.ready (intake does not import
questionnaires). A fixed number of queries however many responses the client has: the
responses (with their session times), the instruments of the latest ones, the open alerts.
"""

from dataclasses import dataclass
from datetime import datetime

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.translation import get_language

from intake.models import Client
from questionnaires.charts import Point, Series, trend_chart_svg
from questionnaires.definitions import Definition
from questionnaires.models import Instrument, Response, RiskAlert
from questionnaires.risk.services import flag_label
from questionnaires.scoring import GAD7, PHQ9
from rph.accounts.access import Access

TREND_CODES = (PHQ9, GAD7)


@dataclass(frozen=True)
class ScoreRow:
    response: Response
    name: str
    band: str  # the band's label, "" without a total


@dataclass(frozen=True)
class AnswerRow:
    number: int
    text: str
    answer: str | None  # None: not answered
    value: object  # as stored: an option value, a list of them, a text, a number or "na"
    scored: bool
    risk: bool  # a risk item whose answer raised a flag
    is_option: bool = True  # a single option chosen: its value is shown beside its text


@dataclass(frozen=True)
class LatestAnswers:
    definition: Definition
    response: Response
    rows: list[AnswerRow]


def questionnaire_section(request: HttpRequest, client: Client, access: Access) -> str | None:
    if not access.clinical:
        return None
    responses = list(Response.objects.for_trend(client, TREND_CODES))
    latest = {response.instrument_code: response for response in responses}
    instruments = Instrument.objects.in_bulk({r.instrument_id for r in latest.values()})
    definitions = {code: instruments[r.instrument_id].parsed() for code, r in latest.items()}
    alerts = list(RiskAlert.objects.open().filter(client=client).order_by("created_at", "pk"))
    context = {
        "client": client,
        "alerts": [(alert, flag_label(alert.flag)) for alert in alerts],
        "chart": _chart(responses, definitions, client),
        "scores": [_score_row(r, definitions[r.instrument_code]) for r in responses],
        "latest": [
            latest_answers(latest[code], definitions[code])
            for code in TREND_CODES
            if code in latest
        ],
    }
    return render_to_string("questionnaires/client_section.html", context, request=request)


def latest_answers(response: Response, definition: Definition) -> LatestAnswers:
    """Every item of the response with its text from the definition and the chosen option."""
    language = (get_language() or "nb").split("-")[0]
    flagged = {
        risk.item
        for risk in definition.risk_items
        if {risk.flag, risk.unanswered_flag} & set(response.flags)
    }
    rows = []
    for item, value in zip(definition.items, response.answers, strict=False):
        rows.append(
            AnswerRow(
                number=item.number,
                text=item.text.get(language),
                answer=item.answer_text(value, language) or None,
                value=value,
                scored=item.scored,
                risk=item.number in flagged,
                is_option=isinstance(value, int),
            )
        )
    return LatestAnswers(definition=definition, response=response, rows=rows)


def _chart(
    responses: list[Response], definitions: dict[str, Definition], client: Client
) -> str | None:
    series = [
        Series(
            definitions[code],
            tuple(
                Point(r.answered_at, r.total, r.prorated)
                for r in responses
                if r.instrument_code == code and r.total is not None
            ),
        )
        for code in TREND_CODES
        if code in definitions
    ]
    if not any(one.points for one in series):
        return None
    sessions: set[datetime] = {r.occasion_at for r in responses if r.occasion_at is not None}
    return trend_chart_svg(series, sessions=sorted(sessions), chart_id=f"trend-{client.pk}")


def _score_row(response: Response, definition: Definition) -> ScoreRow:
    band = definition.band_for(response.total) if response.total is not None else None
    language = (get_language() or "nb").split("-")[0]
    return ScoreRow(
        response=response, name=definition.name, band=band.label.get(language) if band else ""
    )
