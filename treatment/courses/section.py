"""The courses section of the episode page: the client's enrolments with their attendance,
drop-in meetings attended, and a link to enrol. Registered in TreatmentConfig.ready."""

from django.db.models import Count, Q
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

from rph.accounts.access import Access, Basis
from treatment.models import Episode, MeetingAttendance


def course_section(request: HttpRequest, episode: Episode, access: Access) -> str | None:
    if not access.clinical:
        return None
    now = timezone.now()
    held = Q(
        run__course_meetings__cancelled=False,
        run__course_meetings__starts_at__lte=now,
    )
    enrolments = (
        episode.enrolments.select_related("course_type", "run")
        .annotate(
            meetings_held=Count("run__course_meetings", filter=held, distinct=True),
            attended=Count(
                "attendances",
                filter=Q(attendances__attended=True, attendances__meeting__cancelled=False),
                distinct=True,
            ),
        )
        .order_by("-waiting_since", "-pk")
    )
    drop_ins = (
        MeetingAttendance.objects.filter(
            episode=episode, enrolment__isnull=True, meeting__cancelled=False
        )
        .select_related("meeting__run")
        .order_by("-meeting__starts_at")
    )
    context = {
        "episode": episode,
        "enrolments": enrolments,
        "drop_ins": drop_ins,
        "may_enrol": access.basis == Basis.CARE_TEAM and episode.is_open,
    }
    return render_to_string("treatment/course_section.html", context, request=request)
