"""The rows behind one figure, for the drill-down list: names, dates, therapist and the
figure's own measure. Never clinical notes, scores or letters.

Decision: a list of names is a look at those clients, so showing one writes one access-log
row per client on the page shown (one INSERT), with the basis "role in the team".
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Min, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from intake.models import Client, Contact
from reporting.figures.base import Figure, Rows
from reporting.filters import Filters
from rph.accounts.access import Basis
from rph.audit.models import AccessEvent
from rph.audit.services import client_ip
from treatment.models import CourseRun, Episode, GuidedSelfHelp, Offer, Session


@dataclass(frozen=True)
class ListRow:
    client: Client | None
    cells: tuple[object, ...]  # after the client's name


@dataclass(frozen=True)
class Listing:
    headers: tuple[str | Promise, ...]  # after "Client" (none for course runs)
    rows: list[ListRow]


def listing(figure: Figure, ids: Sequence[int], filters: Filters) -> Listing:
    """The rows with these ids (a page of the figure's), in the figure's order."""
    loader = {
        Rows.CONTACTS: _contacts,
        Rows.EPISODES: _episodes,
        Rows.SESSIONS: _sessions,
        Rows.OFFERS: _offers,
        Rows.RUNS: _runs,
        Rows.CLIENTS: _clients,
        Rows.SELF_HELP: _self_help,
    }[figure.rows]
    headers, rows = loader(list(ids), filters)
    if figure.value_label:
        headers = (*headers, figure.value_label)
        rows = [
            ListRow(row.client, (*row.cells, figure.values.get(pk, ""))) for pk, row in rows.items()
        ]
    else:
        rows = list(rows.values())
    return Listing(headers=headers, rows=rows)


def _in_order(ids: list[int], objects: object) -> dict[int, object]:
    by_id = {obj.pk: obj for obj in objects}  # type: ignore[attr-defined]
    return {pk: by_id[pk] for pk in ids if pk in by_id}


def _contacts(ids: list[int], filters: Filters) -> tuple[tuple, dict[int, ListRow]]:
    contacts = _in_order(
        ids,
        Contact.objects.filter(pk__in=ids, team=filters.team)
        .defer("free_text")
        .select_related("client", "client__home_municipality", "offer__therapist"),
    )
    headers = (
        _("Registered"),
        _("Municipality"),
        _("Channel"),
        _("Referrer"),
        _("Assessment offered"),
        _("Therapist"),
    )
    return headers, {
        pk: ListRow(
            c.client,
            (
                c.registered_at,
                c.client.home_municipality,
                c.get_channel_display(),
                c.get_referrer_display(),
                c.offered_at,
                getattr(getattr(c, "offer", None), "therapist", ""),
            ),
        )
        for pk, c in contacts.items()  # type: ignore[attr-defined]
    }


def _episodes(ids: list[int], filters: Filters) -> tuple[tuple, dict[int, ListRow]]:
    episodes = _in_order(
        ids,
        Episode.objects.filter(pk__in=ids, team=filters.team)
        .with_treatment_start()
        .select_related("client", "primary_therapist", "assessment__contact")
        .defer("end_note"),
    )
    headers = (
        _("Contact"),
        _("Placed"),
        _("Treatment start"),
        _("Ended"),
        _("Primary therapist"),
    )
    return headers, {
        pk: ListRow(
            e.client,
            (
                e.assessment.contact.registered_at if e.assessment else "",
                e.started_at,
                e.treatment_start or "",
                e.ended_at or "",
                e.primary_therapist,
            ),
        )
        for pk, e in episodes.items()  # type: ignore[attr-defined]
    }


def _sessions(ids: list[int], filters: Filters) -> tuple[tuple, dict[int, ListRow]]:
    sessions = _in_order(
        ids,
        Session.objects.filter(pk__in=ids, team=filters.team)
        .select_related("episode__client", "therapist")
        .defer("note", "homework", "next_step", "cancel_reason"),
    )
    headers = (_("Time"), _("Therapist"), _("Purpose"), _("Attendance"))
    return headers, {
        pk: ListRow(
            s.episode.client,
            (s.starts_at, s.therapist, s.get_purpose_display(), s.get_attendance_display()),
        )
        for pk, s in sessions.items()  # type: ignore[attr-defined]
    }


def _offers(ids: list[int], filters: Filters) -> tuple[tuple, dict[int, ListRow]]:
    offers = _in_order(
        ids,
        Offer.objects.filter(pk__in=ids, episode__team=filters.team).select_related(
            "episode__client", "episode__primary_therapist"
        ),
    )
    headers = (_("Step"), _("Started"), _("Ended"), _("Primary therapist"))
    return headers, {
        pk: ListRow(
            o.episode.client,
            (o.get_step_display(), o.started_on, o.ended_on or "", o.episode.primary_therapist),
        )
        for pk, o in offers.items()  # type: ignore[attr-defined]
    }


def _runs(ids: list[int], filters: Filters) -> tuple[tuple, dict[int, ListRow]]:
    runs = _in_order(
        ids,
        CourseRun.objects.filter(pk__in=ids, team=filters.team)
        .select_related("course_type", "municipality")
        .prefetch_related("leaders")
        .with_fill_rate(),
    )
    headers = (
        _("Course run"),
        _("Course type"),
        _("Municipality"),
        _("Places"),
        _("Places taken"),
        _("Leaders"),
    )
    return headers, {
        pk: ListRow(
            None,
            (
                r.title,
                r.course_type,
                r.municipality or _("All the team's municipalities"),
                r.capacity,
                r.enrolled,
                ", ".join(str(leader) for leader in r.leaders.all()),
            ),
        )
        for pk, r in runs.items()  # type: ignore[attr-defined]
    }


def _clients(ids: list[int], filters: Filters) -> tuple[tuple, dict[int, ListRow]]:
    period = filters.period
    in_period = Q(
        contacts__registered_at__gte=period.starts_at,
        contacts__registered_at__lt=period.ends_before,
    )
    clients = _in_order(
        ids,
        Client.objects.filter(pk__in=ids, team=filters.team)
        .select_related("home_municipality")
        .annotate(first_contact=Min("contacts__registered_at", filter=in_period)),
    )
    headers = (_("First contact in the period"), _("Municipality"))
    return headers, {
        pk: ListRow(c, (c.first_contact or "", c.home_municipality))
        for pk, c in clients.items()  # type: ignore[attr-defined]
    }


def _self_help(ids: list[int], filters: Filters) -> tuple[tuple, dict[int, ListRow]]:
    given = _in_order(
        ids,
        GuidedSelfHelp.objects.filter(pk__in=ids, episode__team=filters.team).select_related(
            "episode__client", "episode__primary_therapist"
        ),
    )
    headers = (_("Programme"), _("Material given"), _("Primary therapist"))
    return headers, {
        pk: ListRow(
            g.episode.client,
            (g.get_programme_display(), g.material_given_on, g.episode.primary_therapist),
        )
        for pk, g in given.items()  # type: ignore[attr-defined]
    }


def list_view_log(*, request: HttpRequest, filters: Filters, clients: Sequence[Client]) -> None:
    """One access-log row per client whose name the list shows."""
    if not clients:
        return
    match = request.resolver_match
    subject_type = ContentType.objects.get_for_model(Client)
    now, ip = timezone.now(), client_ip(request)
    AccessEvent.objects.bulk_create(
        AccessEvent(
            at=now,
            user=request.user,
            team=filters.team,
            subject_type=subject_type,
            subject_id=client.pk,
            action=match.view_name if match else "",
            path=request.path[:500],
            channel=AccessEvent.Channel.UI,
            basis=Basis.TEAM_ROLE,
            ip=ip,
        )
        for client in dict.fromkeys(clients)
    )
