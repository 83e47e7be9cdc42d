"""Loaded by allauth for the provider (its package's `urls`), under /accounts/."""

from django.urls import include, path

from rph.accounts.sso import views

urlpatterns = [
    path(
        "oidc/<str:provider_id>/",
        include(
            [
                path("login/", views.login, name="openid_connect_login"),
                path("login/callback/", views.callback, name="openid_connect_callback"),
            ]
        ),
    )
]
