"""Course pages: course types, runs and their meetings, the waitlist, attendance, links before
a meeting, the end of a run, and fill rates. Access: treatment/courses/access.py."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from rph.accounts.access import Need
from rph.accounts.decorators import require_membership, team_role_required
from rph.forms import add_service_errors, keep_after_conflict
from rph.versioning import StaleVersion
from treatment.courses import attendance, enrolments, rules, services
from treatment.courses.access import (
    COURSE_STAFF_ROLES,
    SCHEDULE_ROLES,
    get_course_type_for_user,
    get_enrolment_for_user,
    get_meeting_for_user,
    get_run_for_user,
)
from treatment.courses.forms import (
    AttendanceForm,
    CourseRunEditForm,
    CourseRunForm,
    CourseTypeForm,
    EnrolForm,
    MeetingForm,
    PlaceForm,
    RunCompleteForm,
)
from treatment.episodes.access import get_episode_for_user
from treatment.models import CourseMeeting, CourseRun, CourseType, Enrolment, EnrolmentStatus


def _to_run(run_id: int) -> HttpResponse:
    return redirect("treatment:course_run_detail", pk=run_id)


# -- The course page and course types ------------------------------------------------------


@team_role_required(SCHEDULE_ROLES)
def course_list(request: HttpRequest) -> HttpResponse:
    membership = require_membership(request)
    team = membership.team
    services.course_types_ensure(team)
    types = CourseType.objects.filter(team=team).annotate(
        waiting=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.WAITING))
    )
    runs = (
        CourseRun.objects.filter(team=team)
        .with_schedule()
        .with_fill_rate()
        .select_related("course_type", "municipality")
        .order_by("-first_meeting_at", "-pk")
    )
    context = {
        "types": types,
        "page": Paginator(runs, 50).get_page(request.GET.get("page")),
        "course_staff": membership.role in COURSE_STAFF_ROLES,
    }
    return render(request, "treatment/course_list.html", context)


@team_role_required(COURSE_STAFF_ROLES)
def course_type_create(request: HttpRequest) -> HttpResponse:
    team = require_membership(request).team
    return _course_type_form(request, CourseType(team=team))


def course_type_edit(request: HttpRequest, pk: int) -> HttpResponse:
    course_type, _role = get_course_type_for_user(request, pk)
    return _course_type_form(request, course_type)


def _course_type_form(request: HttpRequest, course_type: CourseType) -> HttpResponse:
    form = CourseTypeForm(request.POST or None, instance=course_type)
    if request.method == "POST" and form.is_valid():
        try:
            services.course_type_save(course_type=form.instance)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The course type has been saved."))
            return redirect("treatment:course_list")
    return render(request, "treatment/course_type_form.html", {"form": form})


# -- Runs and meetings ---------------------------------------------------------------------


@team_role_required(COURSE_STAFF_ROLES)
def course_run_create(request: HttpRequest) -> HttpResponse:
    team = require_membership(request).team
    initial = {}
    wanted = request.GET.get("type", "")
    chosen = CourseType.objects.filter(team=team, active=True)
    if wanted.isdigit() and (course_type := chosen.filter(pk=int(wanted)).first()) is not None:
        initial = {"course_type": course_type, "count": course_type.meetings}
    form = CourseRunForm(request.POST or None, team=team, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            run = services.course_run_create(
                team=team,
                course_type=data["course_type"],
                title=data["title"],
                location=data["location"],
                time_of_day=data["time_of_day"],
                leaders=list(data["leaders"]),
                capacity=data["capacity"],
                municipality=data["municipality"],
                plan=form.plan(),
                duration_minutes=data["duration_minutes"],
                created_by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The course run and its meetings have been created."))
            return _to_run(run.pk)
    return render(request, "treatment/course_run_form.html", {"form": form, "run": None})


def course_run_edit(request: HttpRequest, pk: int) -> HttpResponse:
    run, _role = get_run_for_user(request, pk, COURSE_STAFF_ROLES)
    form = CourseRunEditForm(
        request.POST or None,
        instance=CourseRun.objects.get(pk=run.pk),  # a copy: a refused edit leaves `run` as is
        team=run.team,
        initial={"leaders": run.leaders.all()},
    )
    changed: list[tuple[str, object]] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.course_run_update(
                run=run,
                title=data["title"],
                location=data["location"],
                time_of_day=data["time_of_day"],
                capacity=data["capacity"],
                municipality=data["municipality"],
                leaders=list(data["leaders"]),
                version=data["version"],
            )
        except StaleVersion as exc:
            changed = [
                (str(CourseRun._meta.get_field(name).verbose_name), saved or "–")
                for name, (saved, _sent) in exc.changed.items()
            ]
            form = keep_after_conflict(
                CourseRunEditForm,
                request.POST,
                exc,
                instance=CourseRun.objects.get(pk=run.pk),
                team=run.team,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The course run has been saved."))
            return _to_run(run.pk)
    context = {"form": form, "run": run, "changed": changed}
    return render(request, "treatment/course_run_form.html", context)


def course_run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run, role = get_run_for_user(request, pk)
    facts = CourseRun.objects.with_fill_rate().get(pk=run.pk)
    meetings = run.course_meetings.annotate(
        attended=Count("attendances", filter=Q(attendances__attended=True))
    ).order_by("starts_at", "pk")
    participants = (
        run.enrolments.filter(status__in=rules.PLACED_STATUSES)
        .select_related("episode__client")
        .order_by("episode__client__last_name", "episode__client__first_name", "pk")
    )
    context = {
        "run": run,
        "facts": facts,
        "leaders": run.leaders.order_by("first_name", "last_name"),
        "meetings": meetings,
        "participants": participants,
        "next_meeting": attendance.next_meeting(run),
        "course_staff": role in COURSE_STAFF_ROLES,
    }
    return render(request, "treatment/course_run_detail.html", context)


def course_meeting_add(request: HttpRequest, pk: int) -> HttpResponse:
    run, _role = get_run_for_user(request, pk, COURSE_STAFF_ROLES)
    return _meeting_form(request, run, CourseMeeting(run=run))


def course_meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting, _role = get_meeting_for_user(request, pk, COURSE_STAFF_ROLES)
    return _meeting_form(request, meeting.run, meeting)


def _meeting_form(request: HttpRequest, run: CourseRun, meeting: CourseMeeting) -> HttpResponse:
    form = MeetingForm(request.POST or None, meeting=meeting if meeting.pk else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.course_meeting_save(meeting=meeting, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The meeting has been saved."))
            return _to_run(run.pk)
    context = {"form": form, "run": run, "meeting": meeting}
    return render(request, "treatment/course_meeting_form.html", context)


@require_POST
def meeting_invitations(request: HttpRequest, pk: int) -> HttpResponse:
    meeting, _role = get_meeting_for_user(request, pk, COURSE_STAFF_ROLES)
    try:
        sent = attendance.meeting_invitations_send(meeting=meeting, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _links_message(sent))
    return _to_run(meeting.run_id)


def _links_message(sent: attendance.LinksSent) -> str:
    parts = [
        ngettext(
            "Questionnaire links made for %(n)d participant.",
            "Questionnaire links made for %(n)d participants.",
            sent.scheduled,
        )
        % {"n": sent.scheduled}
    ]
    if sent.already:
        parts.append(
            ngettext("%(n)d already had one.", "%(n)d already had one.", sent.already)
            % {"n": sent.already}
        )
    if sent.not_sent:
        parts.append(
            ngettext(
                "%(n)d got none: no consent to digital questionnaires, or too little time "
                "before the meeting.",
                "%(n)d got none: no consent to digital questionnaires, or too little time "
                "before the meeting.",
                sent.not_sent,
            )
            % {"n": sent.not_sent}
        )
    return " ".join(parts)


# -- Attendance ----------------------------------------------------------------------------


def meeting_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """The attendance list; clerical staff see it, clinicians record it."""
    roles = COURSE_STAFF_ROLES if request.method == "POST" else SCHEDULE_ROLES
    meeting, role = get_meeting_for_user(request, pk, roles)
    may_record = role in COURSE_STAFF_ROLES
    drop_in = meeting.run.course_type.drop_in
    form = AttendanceForm(
        request.POST or None,
        meeting=meeting,
        participants=attendance.meeting_participants(meeting),
        drop_in_candidates=attendance.drop_in_candidates(meeting)
        if drop_in and may_record
        else None,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            attendance.meeting_attendance_record(
                meeting=meeting,
                marks=form.marks(),
                unregistered=data.get("unregistered") or 0,
                relatives=data["relatives"],
                add_episodes=[data["add_episode"]] if data.get("add_episode") else [],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The attendance has been saved."))
            return redirect("treatment:meeting_attendance", pk=meeting.pk)
    begun = meeting.starts_at <= timezone.now()
    context = {
        "meeting": meeting,
        "run": meeting.run,
        "form": form,
        "drop_in": drop_in,
        "may_record": may_record,
        "begun": begun,
        "editable": may_record and begun and not meeting.cancelled,
    }
    return render(request, "treatment/course_attendance.html", context)


# -- Enrolment and the waitlist ------------------------------------------------------------


def enrol(request: HttpRequest, pk: int) -> HttpResponse:
    """From the episode: on a course type's waitlist, or straight on a run with places."""
    episode, _access = get_episode_for_user(request, pk, Need.CLINICAL_WRITE)
    runs = enrolments.runs_with_places(
        CourseRun.objects.filter(
            team=episode.team, course_type__active=True, course_type__drop_in=False
        )
    )
    form = EnrolForm(request.POST or None, team=episode.team, runs=runs)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            enrolment = enrolments.enrolment_create(
                episode=episode, course_type=data["course_type"], run=data["run"], by=request.user
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _enrolled_message(enrolment))
            return redirect("treatment:episode_detail", pk=episode.pk)
    context = {"episode": episode, "form": form}
    return render(request, "treatment/course_enrol.html", context)


def _enrolled_message(enrolment: Enrolment) -> str:
    if enrolment.run is None:
        return _("The client is on the waitlist for %(course)s.") % {
            "course": enrolment.course_type
        }
    return _("The client is enrolled on %(run)s.") % {"run": enrolment.run}


def waitlist(request: HttpRequest, pk: int) -> HttpResponse:
    course_type, _role = get_course_type_for_user(request, pk)
    waiting = (
        Enrolment.objects.filter(course_type=course_type, status=EnrolmentStatus.WAITING)
        .select_related("episode__client", "episode__primary_therapist")
        .order_by("waiting_since", "pk")
    )
    runs = enrolments.runs_with_places(CourseRun.objects.filter(course_type=course_type))
    context = {
        "course_type": course_type,
        "waiting": waiting,
        "place_form": PlaceForm(runs=runs),
        "runs": runs,
    }
    return render(request, "treatment/course_waitlist.html", context)


@require_POST
def waitlist_place(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment, _role = get_enrolment_for_user(request, pk)
    runs = enrolments.runs_with_places(CourseRun.objects.filter(course_type=enrolment.course_type))
    form = PlaceForm(request.POST, runs=runs)
    if not form.is_valid():
        messages.error(request, _("Choose a course run with free places."))
    else:
        try:
            enrolments.enrolment_place(enrolment=enrolment, run=form.cleaned_data["run"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("%(name)s is enrolled on %(run)s.")
                % {"name": enrolment.episode.client, "run": form.cleaned_data["run"]},
            )
    return redirect("treatment:waitlist", pk=enrolment.course_type_id)


@require_POST
def waitlist_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment, _role = get_enrolment_for_user(request, pk)
    try:
        enrolments.enrolment_withdraw(enrolment=enrolment)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("%(name)s has been taken off the waitlist.") % {"name": enrolment.episode.client},
        )
    return redirect("treatment:waitlist", pk=enrolment.course_type_id)


# -- The end of a run, and fill rates ------------------------------------------------------


def course_run_complete(request: HttpRequest, pk: int) -> HttpResponse:
    run, _role = get_run_for_user(request, pk, COURSE_STAFF_ROLES)
    placed = list(
        run.enrolments.filter(status__in=rules.PLACED_STATUSES)
        .select_related("episode__client")
        .order_by("episode__client__last_name", "episode__client__first_name", "pk")
    )
    form = RunCompleteForm(request.POST or None, enrolments=placed)
    if request.method == "POST" and form.is_valid():
        endings = [
            enrolments.RunEnding(
                enrolment_id=enrolment.pk,
                status=form.cleaned_data[f"s{enrolment.pk}"],
                evaluation=form.cleaned_data[f"e{enrolment.pk}"],
            )
            for enrolment in placed
        ]
        try:
            enrolments.course_run_complete(run=run, endings=endings)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The end of the course run has been recorded."))
            return _to_run(run.pk)
    return render(request, "treatment/course_run_complete.html", {"run": run, "form": form})


@team_role_required(COURSE_STAFF_ROLES)
def fill_rates(request: HttpRequest) -> HttpResponse:
    team = require_membership(request).team
    runs = (
        CourseRun.objects.filter(team=team)
        .with_schedule()
        .with_fill_rate()
        .select_related("course_type", "municipality")
        .order_by("-first_meeting_at", "-pk")
    )
    page = Paginator(runs, 50).get_page(request.GET.get("page"))
    return render(request, "treatment/course_fill_rates.html", {"page": page})
