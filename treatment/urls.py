from django.urls import path

from treatment.booking import views as booking_views
from treatment.caseload import views as caseload_views
from treatment.courses import views as course_views
from treatment.episodes import views as episode_views
from treatment.my_day import views as my_day_views
from treatment.self_help import views as self_help_views
from treatment.sessions import views as session_views

app_name = "treatment"
urlpatterns: list = [
    # Episodes (treatment/episodes/views.py).
    path("forlop/", episode_views.episode_list, name="episode_list"),
    path("forlop/<int:pk>/", episode_views.episode_detail, name="episode_detail"),
    path("kartlegginger/<int:pk>/forlop/", episode_views.episode_create, name="episode_create"),
    path("forlop/<int:pk>/tilbud/", episode_views.offer_add, name="offer_add"),
    path("tilbud/<int:pk>/avslutt/", episode_views.offer_end, name="offer_end"),
    path("forlop/<int:pk>/behandler/", episode_views.episode_therapist, name="episode_therapist"),
    path(
        "forlop/<int:pk>/medbehandlere/",
        episode_views.episode_co_therapists,
        name="episode_co_therapists",
    ),
    path("forlop/<int:pk>/avslutt/", episode_views.episode_end, name="episode_end"),
    path(
        "forlop/<int:pk>/sluttskjema/",
        episode_views.episode_final_questionnaire,
        name="episode_final_questionnaire",
    ),
    # The clinician's whole day (treatment/my_day/views.py).
    path("min-dag/", my_day_views.my_day, name="my_day"),
    # Sessions and the calendar (treatment/sessions/views.py).
    path("kalender/", session_views.calendar, name="calendar"),
    path("forlop/<int:pk>/timer/ny/", session_views.session_book_view, name="session_book"),
    path("timer/<int:pk>/", session_views.session_detail, name="session_detail"),
    path("timer/<int:pk>/flytt/", session_views.session_move_view, name="session_move"),
    path("timer/<int:pk>/avlys/", session_views.session_cancel_view, name="session_cancel"),
    path("timer/<int:pk>/oppmote/", session_views.session_attendance, name="session_attendance"),
    path("timer/<int:pk>/notat/", session_views.session_note, name="session_note"),
    # Booking links (treatment/booking/views.py); the client's page is in rph/urls.py.
    path("forlop/<int:pk>/timelenker/", booking_views.booking_links, name="booking_links"),
    path(
        "timelenker/<int:pk>/utlop/",
        booking_views.booking_link_expire_view,
        name="booking_link_expire",
    ),
    # Guided self-help, caseload and supervision (treatment/self_help/, treatment/caseload/).
    path(
        "forlop/<int:pk>/selvhjelp/ny/",
        self_help_views.self_help_start_view,
        name="self_help_start",
    ),
    path("selvhjelp/<int:pk>/", self_help_views.self_help_detail, name="self_help_detail"),
    path("selvhjelp/<int:pk>/samtale/", self_help_views.self_help_call, name="self_help_call"),
    path("selvhjelp/<int:pk>/avslutt/", self_help_views.self_help_end_view, name="self_help_end"),
    path("selvhjelp/forfalt/", self_help_views.self_help_overdue, name="self_help_overdue"),
    path("saksmengde/", caseload_views.caseload, name="caseload"),
    path("veiledning/", caseload_views.supervision, name="supervision"),
    # Courses (treatment/courses/views.py).
    path("kurs/", course_views.course_list, name="course_list"),
    path("kurs/typer/ny/", course_views.course_type_create, name="course_type_create"),
    path("kurs/typer/<int:pk>/", course_views.course_type_edit, name="course_type_edit"),
    path("kurs/typer/<int:pk>/venteliste/", course_views.waitlist, name="waitlist"),
    path("kurs/venteliste/<int:pk>/plass/", course_views.waitlist_place, name="waitlist_place"),
    path(
        "kurs/venteliste/<int:pk>/fjern/",
        course_views.waitlist_withdraw,
        name="waitlist_withdraw",
    ),
    path("kurs/fyllingsgrad/", course_views.fill_rates, name="fill_rates"),
    path("kurs/ny/", course_views.course_run_create, name="course_run_create"),
    path("kurs/<int:pk>/", course_views.course_run_detail, name="course_run_detail"),
    path("kurs/<int:pk>/rediger/", course_views.course_run_edit, name="course_run_edit"),
    path("kurs/<int:pk>/avslutt/", course_views.course_run_complete, name="course_run_complete"),
    path("kurs/<int:pk>/samlinger/ny/", course_views.course_meeting_add, name="course_meeting_add"),
    path("samlinger/<int:pk>/", course_views.course_meeting_edit, name="course_meeting_edit"),
    path(
        "samlinger/<int:pk>/oppmote/",
        course_views.meeting_attendance,
        name="meeting_attendance",
    ),
    path(
        "samlinger/<int:pk>/skjema/",
        course_views.meeting_invitations,
        name="meeting_invitations",
    ),
    path("forlop/<int:pk>/kurs/", course_views.enrol, name="enrol"),
]
