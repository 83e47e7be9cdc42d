from django.urls import path

from intake import api as intake_api
from rph.accounts.api import Me

urlpatterns = [
    path("me/", Me.as_view(), name="api-me"),
    path("clients/", intake_api.ClientList.as_view(), name="api-client-list"),
    path("clients/<int:pk>/", intake_api.ClientDetail.as_view(), name="api-client-detail"),
    path(
        "clients/<int:pk>/access-log/",
        intake_api.ClientAccessLog.as_view(),
        name="api-client-access-log",
    ),
    path(
        "clients/<int:pk>/break-glass/",
        intake_api.ClientBreakGlass.as_view(),
        name="api-client-break-glass",
    ),
    path("contacts/", intake_api.ContactList.as_view(), name="api-contact-list"),
    path("contacts/<int:pk>/", intake_api.ContactDetail.as_view(), name="api-contact-detail"),
    path(
        "contacts/<int:pk>/attempts/",
        intake_api.ContactAttempts.as_view(),
        name="api-contact-attempts",
    ),
    path(
        "self-referrals/",
        intake_api.SelfReferralCreate.as_view(),
        name="api-self-referral",
    ),
]
