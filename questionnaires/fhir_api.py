"""The FHIR R4 endpoints under `/api/v1/fhir/`: the base the canonical URLs point into.

- `Questionnaire/<name>` reads an instrument (the newest active version, `?version=` for
  another); `Questionnaire?url=&version=&code=` searches them. The shipped instruments are
  open to every staff user with a team role, a team's own only to that team.
- `QuestionnaireResponse/<id>` reads one response; `QuestionnaireResponse?patient=<id>`
  gives a client's current responses as a searchset Bundle, narrowed by `date` (FHIR
  prefixes `ge`, `le`, `gt`, `lt`, `eq`) and `questionnaire` (the canonical, with or without
  `|version`, or the instrument's code); `_include=QuestionnaireResponse:subject` adds the
  Patient. Clinical read on the client, logged, like the rest of the API.
- `Patient/<id>`: name, birth date and the fødselsnummer (or D-/H-number) under its
  official identifier system, for anyone who may see the client's contact details (logged).
"""

from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, JsonResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.views import APIView

from intake.access import get_client_for_user
from intake.models import Client
from questionnaires import models
from questionnaires.access import get_response_for_user
from questionnaires.fhir import (
    FHIR_PATH,
    date_bounds,
    parse_logical_name,
    patient,
    questionnaire,
    questionnaire_response,
    searchset,
)
from questionnaires.models import Instrument
from rph.accounts.access import Need
from rph.accounts.teams import roles_by_team

FHIR_JSON = "application/fhir+json"
MAX_SEARCH_RESULTS = 500
INCLUDE_SUBJECT = "QuestionnaireResponse:subject"


def fhir_base(request: HttpRequest) -> str:
    root = settings.SITE_URL or request.build_absolute_uri("/").rstrip("/")
    return root + FHIR_PATH


def _language(request: Request) -> str:
    language = request.query_params.get("lang") or translation.get_language() or "nb"
    return language if language in dict(settings.LANGUAGES) else "nb"


def _fhir(resource: dict[str, Any]) -> JsonResponse:
    return JsonResponse(resource, content_type=FHIR_JSON)


def _visible_instruments(request: Request) -> QuerySet[Instrument]:
    teams = list(roles_by_team(request.user))
    if not teams:
        raise Http404
    return Instrument.objects.filter(Q(team__isnull=True) | Q(team__in=teams))


def _questionnaire_resource(instrument: Instrument, request: Request) -> dict[str, Any]:
    return questionnaire(
        instrument.parsed(),
        language=_language(request),
        canonical_base=fhir_base(request),
        team_id=instrument.team_id,
    )


def _instruments_named(queryset: QuerySet[Instrument], name: str) -> QuerySet[Instrument]:
    code, team_id = parse_logical_name(name)
    return queryset.filter(code=code, team_id=team_id)


def response_resource(response: models.Response, request: Request) -> dict[str, Any]:
    """Raises ValueError when the instrument changed under the same version since."""
    resource = questionnaire_response(
        response.instrument.parsed(),
        response.answers,
        timezone.localtime(response.answered_at),
        f"Patient/{response.client_id}",
        language=_language(request),
        canonical_base=fhir_base(request),
        team_id=response.instrument.team_id,
    )
    resource["id"] = str(response.pk)
    if response.supersedes_id:
        resource["status"] = "amended"
    return resource


def patient_resource(client: Client) -> dict[str, Any]:
    return patient(
        patient_id=client.pk,
        family=client.last_name,
        given=client.first_name,
        birth_date=client.birth_date,
        fodselsnummer=client.fodselsnummer,
    )


class QuestionnaireRead(APIView):
    """An instrument as a FHIR Questionnaire: the newest active version, or `?version=`."""

    @extend_schema(
        parameters=[OpenApiParameter("version", str), OpenApiParameter("lang", str)],
        responses={(200, FHIR_JSON): OpenApiTypes.OBJECT},
    )
    def get(self, request: Request, name: str) -> JsonResponse:
        instruments = _instruments_named(_visible_instruments(request), name)
        version = request.query_params.get("version")
        if version:
            instrument = instruments.filter(version=version).first()
        else:
            instrument = instruments.filter(active=True).order_by("-created_at", "-pk").first()
        if instrument is None:
            raise Http404
        return _fhir(_questionnaire_resource(instrument, request))


class QuestionnaireSearch(APIView):
    """Search the instruments: `url` (canonical, `|version` allowed), `version`, `code`."""

    @extend_schema(
        operation_id="v1_fhir_Questionnaire_search",
        parameters=[
            OpenApiParameter("url", str),
            OpenApiParameter("version", str),
            OpenApiParameter("code", str, description="The instrument's code, e.g. phq9."),
        ],
        responses={(200, FHIR_JSON): OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> JsonResponse:
        instruments = _visible_instruments(request)
        url = request.query_params.get("url", "")
        version = request.query_params.get("version", "")
        if url:
            url, _bar, url_version = url.partition("|")
            version = version or url_version
            prefix = fhir_base(request) + "/Questionnaire/"
            if not url.startswith(prefix):
                instruments = instruments.none()
            else:
                instruments = _instruments_named(instruments, url.removeprefix(prefix))
        if version:
            instruments = instruments.filter(version=version)
        if code := request.query_params.get("code"):
            instruments = instruments.filter(code=code)
        resources = [
            _questionnaire_resource(instrument, request)
            for instrument in instruments.order_by("code", "team_id", "version")[
                :MAX_SEARCH_RESULTS
            ]
        ]
        return _fhir(
            searchset(resources, base=fhir_base(request), self_url=request.build_absolute_uri())
        )


class QuestionnaireResponseRead(APIView):
    """The response as a FHIR R4 QuestionnaireResponse (`?lang=en` for English texts)."""

    @extend_schema(responses={(200, FHIR_JSON): OpenApiTypes.OBJECT})
    def get(self, request: Request, pk: int) -> JsonResponse:
        response, _access = get_response_for_user(request, pk, Need.CLINICAL_READ)
        try:
            return _fhir(response_resource(response, request))
        except ValueError:  # the team changed the instrument under the same version since
            detail = _("The questionnaire has changed since this response; it cannot be exported.")
            return JsonResponse({"detail": detail}, status=status.HTTP_409_CONFLICT)


class QuestionnaireResponseSearch(APIView):
    """A client's current responses as a Bundle: `patient` (required), `date`, `questionnaire`."""

    @extend_schema(
        operation_id="v1_fhir_QuestionnaireResponse_search",
        parameters=[
            OpenApiParameter("patient", int, required=True),
            OpenApiParameter("date", str, many=True, description="e.g. ge2026-01-01"),
            OpenApiParameter("questionnaire", str, description="Canonical URL or code."),
            OpenApiParameter("_include", str, enum=[INCLUDE_SUBJECT]),
        ],
        responses={(200, FHIR_JSON): OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> JsonResponse:
        params = request.query_params
        reference = params.get("patient") or params.get("subject", "").removeprefix("Patient/")
        if not reference.isdigit() or len(reference) > 12:
            raise serializers.ValidationError(
                {"patient": [_("Give the client's id as patient=<id>.")]}
            )
        try:
            first, last = date_bounds(params.getlist("date"))
        except ValueError as exc:
            message = _("Give dates as YYYY-MM-DD, optionally after ge, le, gt, lt or eq.")
            raise serializers.ValidationError({"date": [message]}) from exc
        client, _access = get_client_for_user(request, int(reference), Need.CLINICAL_READ)
        responses = (
            models.Response.objects.current()
            .filter(client=client)
            .select_related("instrument")
            .order_by("answered_at", "pk")
        )
        if first:
            responses = responses.filter(answered_at__date__gte=first)
        if last:
            responses = responses.filter(answered_at__date__lte=last)
        if wanted := params.get("questionnaire"):
            canonical, _bar, version = wanted.partition("|")
            name = canonical.rsplit("/Questionnaire/", 1)[-1]
            code, team_id = parse_logical_name(name)
            responses = responses.filter(instrument_code=code, instrument__team_id=team_id)
            if version:
                responses = responses.filter(instrument_version=version)
        resources = []
        for response in responses[:MAX_SEARCH_RESULTS]:
            try:
                resources.append(response_resource(response, request))
            except ValueError:  # an instrument changed under its version: left out, as above
                continue
        included = (
            [patient_resource(client)] if INCLUDE_SUBJECT in params.getlist("_include") else []
        )
        return _fhir(
            searchset(
                resources,
                base=fhir_base(request),
                self_url=request.build_absolute_uri(),
                included=included,
            )
        )


class PatientRead(APIView):
    """The client as a FHIR Patient, with the fødselsnummer under its official system."""

    @extend_schema(responses={(200, FHIR_JSON): OpenApiTypes.OBJECT})
    def get(self, request: Request, pk: int) -> JsonResponse:
        client, _access = get_client_for_user(request, pk, Need.CONTACT_READ)
        return _fhir(patient_resource(client))
