from django.urls import path

from referrals.acute import views as acute_views
from referrals.collaboration import views as collaboration_views
from referrals.consents import views as consent_views
from referrals.gps import views as gp_views
from referrals.letters import views as letter_views

app_name = "referrals"
urlpatterns: list = [
    path("fastleger/", gp_views.gp_list, name="gp_list"),
    path("fastleger/import/", gp_views.gp_import, name="gp_import"),
    path("fastleger/<int:pk>/rediger/", gp_views.gp_edit, name="gp_edit"),
    path("klienter/<int:pk>/samtykker/", consent_views.consents, name="consents"),
    path("klienter/<int:pk>/samarbeid/", collaboration_views.collaboration, name="collaboration"),
    path("klienter/<int:pk>/akutt/", acute_views.acute_contact, name="acute_contact"),
    # Letters: the epikrise and the request to the GP for onward referral.
    path("brev/", letter_views.letter_list, name="letter_list"),
    path("brev/innstillinger/", letter_views.letter_settings, name="letter_settings"),
    path("klienter/<int:pk>/brev/nytt/", letter_views.letter_create, name="letter_create"),
    path("brev/<int:pk>/", letter_views.letter_detail, name="letter_detail"),
    path("brev/<int:pk>/rediger/", letter_views.letter_edit, name="letter_edit"),
    path("brev/<int:pk>/godkjenn/", letter_views.letter_approve_view, name="letter_approve"),
    path("brev/<int:pk>/forkast/", letter_views.letter_discard_view, name="letter_discard"),
    path("brev/<int:pk>/send/", letter_views.letter_send_view, name="letter_send"),
    path("brev/<int:pk>/pdf/", letter_views.letter_pdf_view, name="letter_pdf"),
]
