"""Writing the export log: one row per file handed out, before any of it is sent."""

from reporting.models import ExportKind, ExportLog
from rph.accounts.models import Team, User
from rph.audit.models import AccessEvent


def export_log_record(
    *,
    user: User,
    team: Team,
    kind: ExportKind,
    file_format: str,
    row_count: int,
    parameters: dict[str, object],
    channel: str = AccessEvent.Channel.UI,
) -> ExportLog:
    """`parameters` say what was asked for (year, area, dates shifted, whose key); never the
    key itself and never anything about a client."""
    return ExportLog.objects.create(
        user=user,
        team=team,
        kind=kind,
        file_format=file_format,
        row_count=row_count,
        parameters=parameters,
        channel=channel,
    )
