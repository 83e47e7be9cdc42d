"""Sections that parts of treatment (sessions, courses, guided self-help) and later apps add
to the episode page, so the page's view does not import them all."""

from collections.abc import Callable

from django.http import HttpRequest

from rph.accounts.access import Access
from treatment.models import Episode

# fn(request, episode, access) -> the section's HTML, or None to show nothing.
EpisodeSection = Callable[[HttpRequest, Episode, Access], str | None]
_sections: list[EpisodeSection] = []


def register_episode_section(section: EpisodeSection) -> EpisodeSection:
    """Add a section to the episode page (from an AppConfig.ready)."""
    if section not in _sections:
        _sections.append(section)
    return section


def episode_sections(request: HttpRequest, episode: Episode, access: Access) -> list[str]:
    rendered = (section(request, episode, access) for section in _sections)
    return [html for html in rendered if html]
