"""Fetch course objects for a user: the user's role in the object's team decides.

Course pages are team pages (like the client list), not one client's record: they show
participants' names and attendance, never clinical content, so they write no access-log
row. Clerical staff see runs, meeting times, participants and attendance (the schedule);
clinicians and the team lead also plan, enrol and record. Another team's object is 404.
Anything of one client (enrolling from an episode) goes through the episode's access check.
"""

from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest

from rph.accounts.roles import CLIENT_ROLES, CLINICAL_ROLES, Role
from rph.accounts.teams import role_in_team
from treatment.models import CourseMeeting, CourseRun, CourseType, Enrolment

Owned = TypeVar("Owned", CourseType, CourseRun, CourseMeeting, Enrolment)

# Who sees the schedule, and who plans and records.
SCHEDULE_ROLES = CLIENT_ROLES
COURSE_STAFF_ROLES = CLINICAL_ROLES


def _in_team(
    request: HttpRequest,
    queryset: models.QuerySet[Owned],
    pk: int,
    team_field: str,
    roles: frozenset[Role],
) -> tuple[Owned, Role]:
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise Http404
    team_id = obj
    for part in team_field.split("__"):
        team_id = getattr(team_id, part)
    role = role_in_team(request.user, team_id)
    if role is None:
        raise Http404
    if role not in roles:
        raise PermissionDenied
    return obj, role


def get_course_type_for_user(
    request: HttpRequest, pk: int, roles: frozenset[Role] = COURSE_STAFF_ROLES
) -> tuple[CourseType, Role]:
    return _in_team(request, CourseType.objects.select_related("team"), pk, "team_id", roles)


def get_run_for_user(
    request: HttpRequest, pk: int, roles: frozenset[Role] = SCHEDULE_ROLES
) -> tuple[CourseRun, Role]:
    queryset = CourseRun.objects.select_related("course_type", "municipality", "team")
    return _in_team(request, queryset, pk, "team_id", roles)


def get_meeting_for_user(
    request: HttpRequest, pk: int, roles: frozenset[Role] = SCHEDULE_ROLES
) -> tuple[CourseMeeting, Role]:
    queryset = CourseMeeting.objects.select_related("run__course_type", "run__team")
    return _in_team(request, queryset, pk, "run__team_id", roles)


def get_enrolment_for_user(
    request: HttpRequest, pk: int, roles: frozenset[Role] = COURSE_STAFF_ROLES
) -> tuple[Enrolment, Role]:
    queryset = Enrolment.objects.select_related("course_type", "run", "episode__client")
    return _in_team(request, queryset, pk, "course_type__team_id", roles)
