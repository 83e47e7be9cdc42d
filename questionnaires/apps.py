from django.apps import AppConfig
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.signals import post_migrate, post_save
from django.utils.translation import gettext_lazy as _


def _sync_shipped(sender: AppConfig, using: str = DEFAULT_DB_ALIAS, **kwargs: object) -> None:
    from questionnaires.models import Instrument
    from questionnaires.services import shipped_instruments_sync

    if using == DEFAULT_DB_ALIAS and Instrument._meta.db_table in (
        connections[using].introspection.table_names()
    ):
        shipped_instruments_sync()


class QuestionnairesConfig(AppConfig):
    name = "questionnaires"
    verbose_name = _("Questionnaires")

    def ready(self) -> None:
        # The data migration loads the files once; later corrections reach the database here
        # (and a test database flushed between transactional tests gets them back).
        post_migrate.connect(_sync_shipped, sender=self)
        # A booked session gets its questionnaire link (intake must not import us).
        from intake.models import Assessment, AssessmentOffer
        from questionnaires.signals import assessment_saved, offer_booked

        post_save.connect(offer_booked, sender=AssessmentOffer, dispatch_uid="questionnaire_link")
        post_save.connect(assessment_saved, sender=Assessment, dispatch_uid="baseline_scores")
        # The trend chart and latest answers on the client page (intake must not import us).
        from intake.clients.page import register_client_section
        from questionnaires.client_section import questionnaire_section

        register_client_section(questionnaire_section)
        # The outbox enqueues through the task module, which hands it its sender on import.
        from questionnaires import tasks  # noqa: F401
