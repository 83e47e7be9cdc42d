from django.urls import path

from reporting.dashboard import views as dashboard_views
from reporting.fhi import views as fhi_views
from reporting.grant import views as grant_views
from reporting.satisfaction import views as satisfaction_views

app_name = "reporting"
urlpatterns: list = [
    path("styringstall/", dashboard_views.dashboard, name="dashboard"),
    path("styringstall/kapasitet/", dashboard_views.capacity, name="capacity"),
    path("styringstall/tall/<str:key>/", dashboard_views.drilldown, name="drilldown"),
    path("styringstall/tilfredshet/", satisfaction_views.satisfaction, name="satisfaction"),
    path("rapporter/eksport/", grant_views.exports, name="exports"),
    path("rapporter/tilskudd/", grant_views.grant_report_page, name="grant_report"),
    path("rapporter/tilskudd/pdf/", grant_views.grant_report_pdf, name="grant_report_pdf"),
    path("rapporter/tilskudd/xlsx/", grant_views.grant_report_xlsx, name="grant_report_xlsx"),
    path("rapporter/bemanning/", grant_views.staffing, name="staffing"),
    path("rapporter/fhi/", fhi_views.fhi_export, name="fhi_export"),
    path("rapporter/fhi/datakatalog/", fhi_views.fhi_dictionary, name="fhi_dictionary"),
    path(
        "rapporter/fhi/datakatalog.csv", fhi_views.fhi_dictionary_file, name="fhi_dictionary_file"
    ),
]
