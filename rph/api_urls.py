from django.urls import path

from intake import api as intake_api
from questionnaires import api as questionnaires_api
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
    path("instruments/", questionnaires_api.InstrumentList.as_view(), name="api-instrument-list"),
    path(
        "clients/<int:pk>/invitations/",
        questionnaires_api.ClientInvitations.as_view(),
        name="api-client-invitations",
    ),
    path(
        "clients/<int:pk>/responses/",
        questionnaires_api.ClientResponses.as_view(),
        name="api-client-responses",
    ),
    path("responses/<int:pk>/", questionnaires_api.ResponseDetail.as_view(), name="api-response"),
    path(
        "responses/<int:pk>/corrections/",
        questionnaires_api.ResponseCorrections.as_view(),
        name="api-response-corrections",
    ),
    path(
        "responses/<int:pk>/fhir/",
        questionnaires_api.ResponseFhir.as_view(),
        name="api-response-fhir",
    ),
]
