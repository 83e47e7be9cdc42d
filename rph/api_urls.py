from django.urls import path

from intake import api as intake_api
from intake.consents import api as reach_api
from questionnaires import api as questionnaires_api
from questionnaires import fhir_api
from referrals.collaboration import api as collaboration_api
from referrals.consents import api as consent_api
from referrals.gps import api as gp_api
from referrals.letters import api as letter_api
from reporting.dashboard import api as reporting_api
from reporting.fhi import api as fhi_api
from reporting.grant import api as grant_api
from rph.accounts.api import Me
from treatment.courses import api as course_api
from treatment.episodes import api as treatment_api
from treatment.self_help import api as self_help_api
from treatment.sessions import api as session_api

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
    path(
        "clients/<int:pk>/reach-consents/",
        reach_api.ClientReachConsents.as_view(),
        name="api-client-reach-consents",
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
        fhir_api.QuestionnaireResponseRead.as_view(),
        name="api-response-fhir",
    ),
    path(
        "fhir/Questionnaire",
        fhir_api.QuestionnaireSearch.as_view(),
        name="api-fhir-questionnaire-search",
    ),
    path(
        "fhir/Questionnaire/<str:name>",
        fhir_api.QuestionnaireRead.as_view(),
        name="api-fhir-questionnaire",
    ),
    path(
        "fhir/QuestionnaireResponse",
        fhir_api.QuestionnaireResponseSearch.as_view(),
        name="api-fhir-response-search",
    ),
    path(
        "fhir/QuestionnaireResponse/<int:pk>",
        fhir_api.QuestionnaireResponseRead.as_view(),
        name="api-fhir-response",
    ),
    path("fhir/Patient/<int:pk>", fhir_api.PatientRead.as_view(), name="api-fhir-patient"),
    path("gps/", gp_api.GpList.as_view(), name="api-gp-list"),
    path("gps/<int:pk>/", gp_api.GpDetail.as_view(), name="api-gp-detail"),
    path(
        "clients/<int:pk>/consents/",
        consent_api.ClientConsents.as_view(),
        name="api-consent-list",
    ),
    path(
        "clients/<int:pk>/collaboration/",
        collaboration_api.ClientCollaboration.as_view(),
        name="api-collaboration-list",
    ),
    path("episodes/", treatment_api.EpisodeList.as_view(), name="api-episode-list"),
    path("episodes/<int:pk>/", treatment_api.EpisodeDetail.as_view(), name="api-episode-detail"),
    path(
        "episodes/<int:pk>/offers/",
        treatment_api.EpisodeOffers.as_view(),
        name="api-episode-offers",
    ),
    path("episodes/<int:pk>/end/", treatment_api.EpisodeEnd.as_view(), name="api-episode-end"),
    path("sessions/", session_api.SessionList.as_view(), name="api-session-list"),
    path("sessions/<int:pk>/", session_api.SessionDetail.as_view(), name="api-session-detail"),
    path(
        "sessions/<int:pk>/cancel/",
        session_api.SessionCancel.as_view(),
        name="api-session-cancel",
    ),
    path(
        "sessions/<int:pk>/attendance/",
        session_api.SessionAttendance.as_view(),
        name="api-session-attendance",
    ),
    path("sessions/<int:pk>/note/", session_api.SessionNote.as_view(), name="api-session-note"),
    path("self-help/", self_help_api.SelfHelpList.as_view(), name="api-self-help-list"),
    path(
        "self-help/<int:pk>/", self_help_api.SelfHelpDetail.as_view(), name="api-self-help-detail"
    ),
    path(
        "self-help/<int:pk>/calls/",
        self_help_api.SelfHelpCalls.as_view(),
        name="api-self-help-calls",
    ),
    path("self-help/<int:pk>/end/", self_help_api.SelfHelpEnd.as_view(), name="api-self-help-end"),
    path("caseload/", self_help_api.Caseload.as_view(), name="api-caseload"),
    path("course-types/", course_api.CourseTypeList.as_view(), name="api-course-type-list"),
    path(
        "course-types/<int:pk>/",
        course_api.CourseTypeDetail.as_view(),
        name="api-course-type-detail",
    ),
    path("course-runs/", course_api.CourseRunList.as_view(), name="api-course-run-list"),
    path(
        "course-runs/<int:pk>/", course_api.CourseRunDetail.as_view(), name="api-course-run-detail"
    ),
    path(
        "course-meetings/<int:pk>/",
        course_api.CourseMeetingDetail.as_view(),
        name="api-course-meeting-detail",
    ),
    path(
        "course-meetings/<int:pk>/attendance/",
        course_api.CourseMeetingAttendance.as_view(),
        name="api-course-meeting-attendance",
    ),
    path(
        "course-enrolments/",
        course_api.EnrolmentList.as_view(),
        name="api-course-enrolment-list",
    ),
    path(
        "course-enrolments/<int:pk>/",
        course_api.EnrolmentDetail.as_view(),
        name="api-course-enrolment-detail",
    ),
    path("dashboard/", reporting_api.Dashboard.as_view(), name="api-dashboard"),
    path(
        "dashboard/<str:key>/",
        reporting_api.DashboardFigure.as_view(),
        name="api-dashboard-figure",
    ),
    path("reports/grant/", grant_api.GrantReportApi.as_view(), name="api-grant-report"),
    path("reports/grant/pdf/", grant_api.GrantPdfApi.as_view(), name="api-grant-pdf"),
    path("reports/grant/xlsx/", grant_api.GrantXlsxApi.as_view(), name="api-grant-xlsx"),
    path(
        "exports/fhi/dictionary/",
        fhi_api.FhiDictionaryApi.as_view(),
        name="api-fhi-dictionary",
    ),
    path("exports/fhi/<str:table>/", fhi_api.FhiExportApi.as_view(), name="api-fhi-export"),
    path("letters/", letter_api.LetterList.as_view(), name="api-letter-list"),
    path("letters/<int:pk>/", letter_api.LetterDetail.as_view(), name="api-letter-detail"),
    path("letters/<int:pk>/pdf/", letter_api.LetterPdf.as_view(), name="api-letter-pdf"),
    path(
        "letters/<int:pk>/approve/", letter_api.LetterApprove.as_view(), name="api-letter-approve"
    ),
    path("letters/<int:pk>/send/", letter_api.LetterSend.as_view(), name="api-letter-send"),
]
