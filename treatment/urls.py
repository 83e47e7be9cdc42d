from django.urls import path  # noqa: F401 (the paths come with the pages)

app_name = "treatment"
urlpatterns: list = []
