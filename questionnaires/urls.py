from django.urls import path

from questionnaires import link_views, outstanding_views, staff_views
from questionnaires.risk import views as risk_views

app_name = "questionnaires"
urlpatterns = [
    # The client's link (no login). "takk" comes first: a token is 43 characters.
    path("skjema/takk/", link_views.link_done, name="link_done"),
    path("skjema/<str:token>/", link_views.link, name="link"),
    # Staff pages for one client's questionnaires.
    path("klienter/<int:pk>/skjema/", staff_views.response_list, name="response_list"),
    path("klienter/<int:pk>/skjema/papir/", staff_views.paper_entry, name="paper_entry"),
    path("klienter/<int:pk>/skjema/nettbrett/", staff_views.kiosk_start, name="kiosk_start"),
    path(
        "klienter/<int:pk>/skjema/<int:response_id>/",
        staff_views.response_detail,
        name="response_detail",
    ),
    path(
        "klienter/<int:pk>/skjema/<int:response_id>/rett/",
        staff_views.response_correct_view,
        name="response_correct",
    ),
    # Risk alerts: acknowledgement, and the team lead's list.
    path("risiko/", risk_views.risk_alert_list, name="risk_alert_list"),
    path("risiko/<int:pk>/", risk_views.risk_alert_detail, name="risk_alert"),
    # The team's unanswered links, and resending one (questionnaires/outstanding_views.py).
    path("skjemaer/utestaende/", outstanding_views.outstanding, name="outstanding"),
    path("skjemaer/<int:pk>/send-igjen/", outstanding_views.resend, name="resend"),
]
