"""Reports and exports may read from a streaming replica; everything else uses the primary.

With DATABASE_REPLICA_URL set, the `replica` database exists and `ReplicaReadsMiddleware`
sends the reads of the views named in settings.REPLICA_VIEWS (the dashboard, the grant
report, the FHI export and their API twins: read-only, heavy, and fine a second behind) to
it. Everything else reads from the primary, and inside those views:

- every write goes to the primary, and after the first one (`select_for_update` and
  `get_or_create` count) the rest of the request reads from the primary too, so a view
  always sees what it wrote; append-only logs the view never reads back (the export log
  and the access log) are exempt, as those views write them before or while they read;
- who the user is and what they may see (accounts, sessions, second factor, tokens, the
  access log and break-the-glass grants) is always read from the primary: a revoked role or
  a closed session must not live on for the length of the replica's lag;
- a replica that does not answer sends the request to the primary, with a warning in the log.

The request transaction (ATOMIC_REQUESTS) is the primary's only: the replica has none, so
a report's queries each see the replica as it is then, as they would on the primary under
READ COMMITTED. A CSV export streamed after the view returned keeps reading from where the
view read.
"""

import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connections
from django.db.models import Model
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse

logger = logging.getLogger(__name__)

REPLICA = "replica"
PRIMARY = "default"
# Apps whose rows decide who may do what: always as fresh as the primary has them.
PRIMARY_ONLY_APPS = frozenset(
    {
        "accounts",
        "auth",
        "sessions",
        "mfa",
        "account",
        "authtoken",
        "audit",
        "contenttypes",
        "django_cache",
    }
)
# Append-only logs written by the replica views themselves and never read back by them.
UNPINNED_WRITES = frozenset({"reporting.exportlog", "audit.accessevent"})


@dataclass
class _Reads:
    pinned: bool = False  # a write happened: the rest of the request reads from the primary


_reads: ContextVar[_Reads | None] = ContextVar("rph_replica_reads", default=None)


def replica_configured() -> bool:
    return REPLICA in connections


@contextmanager
def replica_reads() -> Iterator[None]:
    """Reads inside go to the replica as the rules above allow (to the primary without one)."""
    token = _reads.set(_Reads())
    try:
        yield
    finally:
        _reads.reset(token)


class ReplicaRouter:
    def db_for_read(self, model: type[Model], **hints: object) -> str:
        reads = _reads.get()
        if (
            reads is None
            or reads.pinned
            or model._meta.app_label in PRIMARY_ONLY_APPS
            or not replica_configured()
        ):
            return PRIMARY
        return REPLICA

    def db_for_write(self, model: type[Model], **hints: object) -> str:
        reads = _reads.get()
        if reads is not None and model._meta.label_lower not in UNPINNED_WRITES:
            reads.pinned = True
        return PRIMARY

    def allow_relation(self, obj1: Model, obj2: Model, **hints: object) -> bool | None:
        both = {obj1._state.db, obj2._state.db}
        return True if both <= {PRIMARY, REPLICA} else None

    def allow_migrate(self, db: str, app_label: str, **hints: object) -> bool | None:
        return False if db == REPLICA else None  # the replica is a copy of the primary


def _replica_answers() -> bool:
    try:
        connections[REPLICA].ensure_connection()
    except DatabaseError as exc:
        logger.warning("the read replica is unavailable (%s); reading from the primary", exc)
        return False
    return True


def _streamed(content: Iterable[bytes], state: _Reads) -> Iterator[bytes]:
    token = _reads.set(state)
    try:
        yield from content
    finally:
        _reads.reset(token)


class ReplicaReadsMiddleware:
    """Enters replica_reads() for the views in settings.REPLICA_VIEWS (by URL name)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        token = getattr(request, "_replica_reads_token", None)
        if token is not None:
            state = _reads.get()
            _reads.reset(token)
            # A generated CSV reads as it streams; a file (XLSX) was complete before.
            streams = isinstance(response, StreamingHttpResponse)
            if streams and not isinstance(response, FileResponse) and state is not None:
                response.streaming_content = _streamed(response.streaming_content, state)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):  # type: ignore[no-untyped-def]
        match = request.resolver_match
        if (
            replica_configured()
            and match is not None
            and match.view_name in settings.REPLICA_VIEWS
            and _replica_answers()
        ):
            request._replica_reads_token = _reads.set(_Reads())
        return None
