"""Pages for individual sessions and the therapist's calendar.

Clerical staff book, move and cancel sessions and record attendance (schedule data); the
note, homework and scores are for clinical eyes only (access.clinical), and only the care
team writes the note.
"""

from dataclasses import dataclass
from datetime import date

from django import forms
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from questionnaires.models import Invitation, Message, Response
from questionnaires.occasions import QuestionnaireStatus
from rph.accounts.access import Access, Basis, Need
from rph.accounts.decorators import require_membership, team_role_required
from rph.accounts.models import Team, User
from rph.accounts.roles import CLIENT_ROLES, CLINICAL_ROLES
from rph.forms import add_service_errors
from treatment.episodes.access import get_episode_for_user
from treatment.models import Attendance, Episode, Session
from treatment.sessions.access import get_session_for_user
from treatment.sessions.calendar import View, calendar_days, clinicians, period, step
from treatment.sessions.forms import AttendanceForm, BookForm, CancelForm, MoveForm, NoteForm
from treatment.sessions.note_templates import note_templates
from treatment.sessions.services import (
    RECORDABLE,
    NoteConflict,
    session_attendance_record,
    session_book,
    session_cancel,
    session_move,
    session_note_save,
)

# -- Calendar ---------------------------------------------------------------------------


class CalendarForm(forms.Form):
    day = forms.DateField(label=gettext_lazy("Date"), required=False)
    view = forms.ChoiceField(
        choices=[(View.DAY, gettext_lazy("Day")), (View.WEEK, gettext_lazy("Week"))],
        required=False,
    )
    therapist = forms.ModelChoiceField(
        label=gettext_lazy("Therapist"), queryset=None, required=False
    )

    def __init__(self, *args: object, team: Team, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["therapist"].queryset = clinicians(team)  # type: ignore[attr-defined]


@team_role_required(CLIENT_ROLES)
def calendar(request: HttpRequest) -> HttpResponse:
    membership = require_membership(request)
    team = membership.team
    form = CalendarForm(request.GET, team=team)
    if not form.is_valid():
        messages.warning(request, _("The choice could not be read and has been reset."))
        form = CalendarForm({}, team=team)
        form.is_valid()
    therapists = list(form.fields["therapist"].queryset)  # type: ignore[attr-defined]
    therapist = form.cleaned_data["therapist"] or _default_therapist(request, therapists)
    day: date = form.cleaned_data["day"] or timezone.localdate()
    view = View(form.cleaned_data["view"] or View.DAY)
    days = period(day, view)
    context = {
        "therapists": therapists,
        "therapist": therapist,
        "view": view,
        "day": day,
        "days": calendar_days(team=team, therapist=therapist, days=days) if therapist else [],
        "previous": (day - step(view)).isoformat(),
        "next": (day + step(view)).isoformat(),
        "today": timezone.localdate(),
        "clinical": membership.role in CLINICAL_ROLES,
    }
    return render(request, "treatment/calendar.html", context)


def _default_therapist(request: HttpRequest, therapists: list[User]) -> User | None:
    """Your own calendar if you are a clinician, else the first clinician's."""
    mine = [user for user in therapists if user.pk == request.user.pk]
    return (mine or therapists or [None])[0]


# -- Booking ----------------------------------------------------------------------------


def session_book_view(request: HttpRequest, pk: int) -> HttpResponse:
    episode, _access = get_episode_for_user(request, pk, Need.CONTACT_WRITE)
    form = BookForm(request.POST or None, episode=episode)
    if request.method == "POST" and form.is_valid():
        try:
            session = session_book(episode=episode, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The session has been booked."))
            return redirect("treatment:session_detail", pk=session.pk)
    return render(request, "treatment/session_book.html", {"episode": episode, "form": form})


# -- One session ------------------------------------------------------------------------


@dataclass(frozen=True)
class Questionnaire:
    status: str
    messages: list[Message]
    scores: list[Response]  # clinical readers only


def _questionnaire(session: Session, clinical: bool) -> Questionnaire:
    occasion = {
        "occasion_type": ContentType.objects.get_for_model(Session),
        "occasion_id": session.pk,
    }
    invitations = list(Invitation.objects.filter(**occasion))
    if any(invitation.completed_at for invitation in invitations):
        status = QuestionnaireStatus.ANSWERED
    elif invitations:
        status = QuestionnaireStatus.SENT
    else:
        status = QuestionnaireStatus.NONE
    sent = Message.objects.filter(invitation__in=invitations).order_by("send_after", "pk")
    scores = (
        list(Response.objects.current().filter(**occasion).order_by("instrument_code"))
        if clinical
        else []
    )
    return Questionnaire(status=status, messages=list(sent), scores=scores)


def _detail(request: HttpRequest, session: Session, access: Access, **forms: Form) -> HttpResponse:
    now = timezone.now()
    booked = session.attendance == Attendance.BOOKED
    context = {
        "session": session,
        "episode": session.episode,
        "client": session.episode.client,
        "access": access,
        "questionnaire": _questionnaire(session, access.clinical),
        "may_move": booked and session.episode.is_open,
        "may_cancel": booked,
        "may_record": now >= session.starts_at
        and session.attendance in (Attendance.BOOKED, *RECORDABLE),
        "may_write_note": access.basis == Basis.CARE_TEAM,
        "attendance_form": forms.get("attendance_form") or AttendanceForm(),
    }
    return render(request, "treatment/session_detail.html", context)


def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session, access = get_session_for_user(request, pk, Need.CONTACT_READ)
    return _detail(request, session, access)


def session_move_view(request: HttpRequest, pk: int) -> HttpResponse:
    session, _access = get_session_for_user(request, pk, Need.CONTACT_WRITE)
    initial = {
        "starts_at": timezone.localtime(session.starts_at),
        "duration_minutes": session.duration_minutes,
        "therapist": session.therapist_id,
        "mode": session.mode,
        "location": session.location,
    }
    form = MoveForm(request.POST or None, session=session, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            session_move(session=session, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The session has been moved."))
            return redirect("treatment:session_detail", pk=session.pk)
    return render(request, "treatment/session_move.html", {"session": session, "form": form})


def session_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    session, _access = get_session_for_user(request, pk, Need.CONTACT_WRITE)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            session_cancel(
                session=session,
                by_client=form.cleaned_data["by"] == "client",
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The session has been cancelled."))
            return redirect("treatment:session_detail", pk=session.pk)
    return render(request, "treatment/session_cancel.html", {"session": session, "form": form})


@require_POST
def session_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    session, access = get_session_for_user(request, pk, Need.CONTACT_WRITE)
    form = AttendanceForm(request.POST)
    if form.is_valid():
        try:
            session_attendance_record(
                session=session, attendance=form.cleaned_data["attendance"], by=request.user
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The attendance has been recorded."))
            return redirect("treatment:session_detail", pk=session.pk)
    return _detail(request, session, access, attendance_form=form)


def session_note(request: HttpRequest, pk: int) -> HttpResponse:
    session, _access = get_session_for_user(request, pk, Need.CLINICAL_WRITE)
    initial = {
        "note": session.note,
        "homework": session.homework,
        "modules_done": session.modules_done,
        "next_step": session.next_step,
        "version": session.note_version,
    }
    form = NoteForm(request.POST or None, session=session, initial=initial)
    theirs = None
    if request.method == "POST" and form.is_valid():
        try:
            session_note_save(session=session, by=request.user, **form.cleaned_data)
        except NoteConflict as conflict:
            theirs = conflict.current
            form = _keep_my_text(request, conflict)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The note has been saved."))
            return redirect("treatment:session_detail", pk=session.pk)
    context = {
        "session": session,
        "form": form,
        "theirs": theirs,
        "templates": note_templates(session.team, session.purpose),
    }
    return render(request, "treatment/session_note.html", context)


def _keep_my_text(request: HttpRequest, conflict: NoteConflict) -> NoteForm:
    """The writer's own text stays in the form; saving it again overwrites knowingly."""
    data = request.POST.copy()
    data["version"] = str(conflict.current.note_version)
    form = NoteForm(data, session=conflict.current)
    form.is_valid()
    form.add_error(None, conflict)
    return form


# -- The episode page's section ---------------------------------------------------------


def sessions_section(request: HttpRequest, episode: Episode, access: Access) -> str:
    """The episode's sessions with attendance, the next one, and a link to book."""
    sessions = list(
        Session.objects.filter(episode=episode).select_related("therapist").order_by("starts_at")
    )
    now = timezone.now()
    upcoming = [s for s in sessions if s.attendance == Attendance.BOOKED and s.starts_at >= now]
    context = {
        "episode": episode,
        "sessions": sessions,
        "next_session": upcoming[0] if upcoming else None,
    }
    return render_to_string("treatment/session_section.html", context, request=request)
