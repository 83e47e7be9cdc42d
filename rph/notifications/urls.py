from django.urls import path

from rph.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("lest/", views.notification_mark_all_read, name="mark_all_read"),
    path("<int:pk>/lest/", views.notification_mark_read, name="mark_read"),
]
