from django.urls import path

from intake.assessments import views as assessment_views
from intake.clients import views
from intake.consents import views as consent_views
from intake.data_check import views as data_check_views
from intake.queue import views as queue_views
from intake.registration import views as registration_views
from intake.self_referral import views as selfreferral_views

app_name = "intake"
urlpatterns = [
    path("klienter/", views.client_list, name="client_list"),
    path("klienter/<int:pk>/", views.client_detail, name="client_detail"),
    path("klienter/<int:pk>/rediger/", views.client_edit, name="client_edit"),
    path("klienter/<int:pk>/nodtilgang/", views.client_break_glass, name="client_break_glass"),
    path("klienter/<int:pk>/innsyn/", views.client_access_log, name="client_access_log"),
    path("klienter/<int:pk>/behandlere/", views.client_care_team, name="client_care_team"),
    path(
        "klienter/<int:pk>/kontaktsamtykke/",
        consent_views.reach_consents,
        name="client_reach_consents",
    ),
    path("henvendelser/datasjekk/", data_check_views.data_check, name="data_check"),
    path(
        "henvendelser/datasjekk/<int:pk>/slaa-sammen/",
        data_check_views.data_check_merge,
        name="data_check_merge",
    ),
    path(
        "henvendelser/datasjekk/samtykke/<int:pk>/",
        data_check_views.data_check_settle,
        name="data_check_settle",
    ),
    path("henvendelser/", queue_views.queue, name="queue"),
    path(
        "henvendelser/ny/",
        registration_views.contact_register_view,
        name="contact_register",
    ),
    path("henvendelse/", selfreferral_views.self_referral, name="self_referral"),
    path("henvendelse/mottatt/", selfreferral_views.self_referral_done, name="self_referral_done"),
    path("henvendelser/<int:pk>/", queue_views.contact_detail, name="contact_detail"),
    path("henvendelser/<int:pk>/forsok/", queue_views.contact_attempt, name="contact_attempt"),
    path("henvendelser/<int:pk>/tilbud/", queue_views.contact_offer, name="contact_offer"),
    path("henvendelser/<int:pk>/kartlagt/", queue_views.contact_held, name="contact_held"),
    path("henvendelser/<int:pk>/avslutt/", queue_views.contact_close, name="contact_close"),
    path("henvendelser/<int:pk>/avsluttet/", queue_views.contact_closed, name="contact_closed"),
    path(
        "henvendelser/<int:contact_id>/kartlegging/",
        assessment_views.assessment_detail,
        name="assessment_detail",
    ),
    path(
        "henvendelser/<int:contact_id>/kartlegging/rediger/",
        assessment_views.assessment_edit,
        name="assessment_edit",
    ),
]
