"""The letters on the client page and the episode page (registered in ReferralsConfig.ready,
so intake and treatment do not import referrals). Clinical eyes only, like the pages."""

from django.http import HttpRequest
from django.template.loader import render_to_string

from intake.models import Client
from referrals.models import Letter, LetterKind
from rph.accounts.access import Access, Basis
from treatment.models import Episode


def client_letters_section(request: HttpRequest, client: Client, access: Access) -> str | None:
    if not access.clinical:
        return None
    context = {
        "client": client,
        "letters": Letter.objects.listed().filter(client=client),
        "can_write": access.basis == Basis.CARE_TEAM,
    }
    return render_to_string("referrals/letter_client_section.html", context, request=request)


def episode_letters_section(request: HttpRequest, episode: Episode, access: Access) -> str | None:
    if not access.clinical:
        return None
    ended = episode.ended_at is not None
    context = {
        "episode": episode,
        "letters": Letter.objects.listed().filter(episode=episode),
        "can_write": access.basis == Basis.CARE_TEAM,
        "epikrise_kind": LetterKind.EPIKRISE_END if ended else LetterKind.EPIKRISE_ASSESSMENT,
        "referral_kind": LetterKind.REFERRAL_REQUEST,
    }
    return render_to_string("referrals/letter_episode_section.html", context, request=request)
