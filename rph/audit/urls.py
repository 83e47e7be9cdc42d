from django.urls import path

from rph.audit import views

app_name = "audit"
urlpatterns = [
    path("nodtilganger/", views.break_glass_list, name="break_glass_review"),
    path(
        "nodtilganger/<int:pk>/gjennomgatt/",
        views.break_glass_mark_reviewed,
        name="break_glass_mark_reviewed",
    ),
]
