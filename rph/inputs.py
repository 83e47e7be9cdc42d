"""Hostile input, refused once for every form, filter, serializer and upload.

Each kind of input that used to reach the database or the date arithmetic and fail there
(a 500) is checked here, before any view runs (`BadInputMiddleware`):

- **NUL characters** in a query parameter, a form field, a JSON string or key, or a text
  upload (PostgreSQL cannot store them: psycopg's DataError);
- **integers** outside 64 bits (-2^63 .. 2^63-1) in a query parameter, a form field or a
  JSON number (a filter on a BigAutoField overflows in the database);
- **dates** outside 01.01.1000-31.12.8999, in ISO (`2026-03-02`, also the date of a date
  and time) or Norwegian (`02.03.2026`) form, in any of those places (a week or month
  around year 9999 overflows Python's date arithmetic), and a four-digit `year` parameter
  outside the same years. The range is wide on purpose: a date that is merely implausible
  (a birth date in 2999) is left to its form, which says why in its own words;
- **JSON** bodies nested deeper than `JSON_MAX_DEPTH` (Python's parser recurses) or larger
  than Django's `DATA_UPLOAD_MAX_MEMORY_SIZE` (2.5 MB, Django's own check).

The answer is 400 with a Norwegian message: `{"detail": ..., "code": "bad_input"}` under
/api/, the 400 page elsewhere. Nothing has run, so nothing has changed. A value that passes
still goes through its form or serializer as before. As a last net, the same kinds of error
raised inside a view (OverflowError, RecursionError, a DataError from the database) answer
400 too, after the request's transaction has been rolled back.
"""

import json
import logging
import math
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import date

from django.db import DataError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

DATE_MIN = date(1000, 1, 1)
DATE_MAX = date(8999, 12, 31)
INT_MIN = -(2**63)
INT_MAX = 2**63 - 1
JSON_MAX_DEPTH = 32
_INTEGER = re.compile(r"[+-]?\d+")
_ISO_DATE = re.compile(r"(\d{4,})-(\d{1,2})-(\d{1,2})(?:[T ].*)?", re.S)
_NORWEGIAN_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4,})")
_YEAR_PARAMETERS = frozenset({"year", "aar", "år"})
_TEXT_UPLOAD = re.compile(r"\.(csv|txt|tsv|json|xml)$", re.I)


class BadInput(Exception):
    """What is wrong, in the user's language, without repeating the value."""


def _nul() -> BadInput:
    return BadInput(_("The input contains a character that is not allowed (NUL)."))


def _date_out_of_range() -> BadInput:
    return BadInput(
        _("Dates must be between %(first)s and %(last)s.")
        % {"first": f"{DATE_MIN:%d.%m.%Y}", "last": f"{DATE_MAX:%d.%m.%Y}"}
    )


def check_integer(number: int) -> None:
    if not INT_MIN <= number <= INT_MAX:
        raise BadInput(_("A number is too large."))


def check_text(value: str, *, name: str = "") -> None:
    """One query parameter, form field or JSON string (or key)."""
    if "\x00" in value:
        raise _nul()
    value = value.strip()
    if len(value) > 40:  # no number or date is longer; long texts are just text
        return
    if _INTEGER.fullmatch(value):
        digits = value.lstrip("+-")
        if len(digits) > 19:
            raise BadInput(_("A number is too large."))
        check_integer(int(value))
        if name.lower() in _YEAR_PARAMETERS and not DATE_MIN.year <= int(value) <= DATE_MAX.year:
            raise _date_out_of_range()
        return
    if match := _ISO_DATE.fullmatch(value):
        year = match.group(1)
    elif match := _NORWEGIAN_DATE.fullmatch(value):
        year = match.group(3)
    else:
        return
    if not DATE_MIN.year <= int(year[:6]) <= DATE_MAX.year:
        raise _date_out_of_range()


def check_pairs(pairs: Iterable[tuple[str, str]]) -> None:
    for name, value in pairs:
        check_text(name)
        check_text(value, name=name)


def json_depth_exceeds(body: str, limit: int = JSON_MAX_DEPTH) -> bool:
    """Whether brackets nest deeper than `limit`, outside strings, without recursing."""
    depth = 0
    in_string = escaped = False
    for char in body:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


def _walk(data: object) -> Iterator[tuple[str, object]]:
    """Every (key, scalar) in parsed JSON, without recursing."""
    stack: list[tuple[str, object]] = [("", data)]
    while stack:
        key, value = stack.pop()
        if isinstance(value, dict):
            for inner_key, inner in value.items():
                check_text(inner_key)
                stack.append((inner_key, inner))
        elif isinstance(value, list):
            stack.extend((key, item) for item in value)
        else:
            yield key, value


def check_json(body: bytes) -> None:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return  # the parser answers that itself, with 400
    if json_depth_exceeds(text):
        raise BadInput(_("The JSON body is nested too deeply."))
    try:
        data = json.loads(text)
    except ValueError:
        return  # not JSON: the parser's own 400
    for key, value in _walk(data):
        if isinstance(value, bool):
            continue
        if isinstance(value, int):
            check_integer(value)
        elif isinstance(value, float) and not math.isfinite(value):
            raise BadInput(_("A number is too large."))
        elif isinstance(value, str):
            check_text(value, name=key)


def check_request(request: HttpRequest) -> None:
    check_pairs((name, value) for name in request.GET for value in request.GET.getlist(name))
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    content_type = request.content_type or ""
    if content_type == "application/json" or content_type.endswith("+json"):
        check_json(request.body)
    elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        check_pairs((name, value) for name in request.POST for value in request.POST.getlist(name))
        for upload in request.FILES.values():
            if _TEXT_UPLOAD.search(upload.name or "") or (upload.content_type or "").startswith(
                "text/"
            ):
                if any(b"\x00" in chunk for chunk in upload.chunks()):
                    raise _nul()
                upload.seek(0)


def bad_input_response(request: HttpRequest, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message, "code": "bad_input"}, status=400)
    return render(request, "400.html", {"message": message}, status=400)


# Raised inside a view by input that slipped past the checks: the request's fault, not ours.
_INPUT_ERRORS = (OverflowError, RecursionError, DataError)


class BadInputMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            check_request(request)
        except BadInput as refusal:
            logger.info("bad input refused (%s)", request.method)
            return bad_input_response(request, str(refusal))
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, _INPUT_ERRORS):
            return None
        logger.warning("bad input raised %s in a view", type(exception).__name__)
        return bad_input_response(request, _("A value is outside what we can handle."))
