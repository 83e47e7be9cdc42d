from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class TreatmentConfig(AppConfig):
    name = "treatment"
    verbose_name = _("Treatment")

    def ready(self) -> None:
        # A completed assessment starts the episode, and the client page lists episodes
        # (intake must not import us).
        from intake.clients.page import register_client_section
        from intake.models import Assessment
        from treatment.episodes.section import episode_section
        from treatment.episodes.signals import assessment_saved

        post_save.connect(assessment_saved, sender=Assessment, dispatch_uid="episode_start")
        register_client_section(episode_section)
        # Sessions on the episode page.
        from treatment.episodes.page import register_episode_section
        from treatment.sessions.views import sessions_section

        register_episode_section(sessions_section)
        # Guided self-help on the episode page.
        from treatment.self_help.views import self_help_section

        register_episode_section(self_help_section)
        # Courses on the episode page.
        from treatment.courses.section import course_section

        register_episode_section(course_section)
        # Follow-up after the end: on the episode page, and read when answered.
        from questionnaires.models import Response
        from treatment.follow_up.section import follow_up_section
        from treatment.follow_up.services import follow_up_response_saved

        register_episode_section(follow_up_section)
        post_save.connect(follow_up_response_saved, sender=Response, dispatch_uid="follow_up")
        # Booking links on the episode page.
        from treatment.booking.views import booking_section

        register_episode_section(booking_section)
