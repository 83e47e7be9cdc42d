from django.urls import path

from intake import views

app_name = "intake"
urlpatterns = [
    path("klienter/", views.client_list, name="client_list"),
    path("klienter/<int:pk>/", views.client_detail, name="client_detail"),
    path("klienter/<int:pk>/rediger/", views.client_edit, name="client_edit"),
    path("klienter/<int:pk>/nodtilgang/", views.client_break_glass, name="client_break_glass"),
    path("klienter/<int:pk>/innsyn/", views.client_access_log, name="client_access_log"),
    path("klienter/<int:pk>/behandlere/", views.client_care_team, name="client_care_team"),
]
