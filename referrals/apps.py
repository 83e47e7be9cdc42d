from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = _("Letters and collaboration")

    def ready(self) -> None:
        # intake must not import referrals: the assessment's epikrise agreement seeds the
        # consent register, and the client page gets its consent/collaboration section.
        from django.db.models.signals import post_save

        from intake.clients.page import register_client_section
        from intake.models import Assessment
        from referrals.consents.section import consent_section
        from referrals.consents.signals import assessment_saved

        post_save.connect(assessment_saved, sender=Assessment, dispatch_uid="consent_seed")
        register_client_section(consent_section)

        # Letters on the client page and the episode page (treatment must not import us).
        from referrals.letters.section import client_letters_section, episode_letters_section
        from treatment.episodes.page import register_episode_section

        register_client_section(client_letters_section)
        register_episode_section(episode_letters_section)
