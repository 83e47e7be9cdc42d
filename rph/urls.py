from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path, re_path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from rph import api, health
from rph.accounts import views as account_views
from rph.views import favicon, permission_denied
from treatment.booking import views as booking_views

admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]


urlpatterns = [
    path("", account_views.home, name="home"),
    path("team/bytt/", account_views.switch_team, name="switch_team"),
    path("accounts/", include("allauth.urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("favicon.ico", favicon, name="favicon"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("teamleder/", include("rph.audit.urls")),
    path("varsler/", include("rph.notifications.urls")),
    # The client's booking link: a neutral path, no login (treatment/booking/views.py).
    path("time/bestilt/", booking_views.booking_done, name="booking_done"),
    path("time/<str:token>/", booking_views.booking_link_page, name="booking_link"),
    path("", include("intake.urls")),
    path("", include("questionnaires.urls")),
    path("", include("treatment.urls")),
    path("", include("referrals.urls")),
    path("", include("reporting.urls")),
    path("api/v1/", include("rph.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    re_path(r"^api/", api.json_not_found),
]

handler403 = permission_denied
