"""The follow-ups after the end on the episode page, with the answers' scores (clinical)."""

from django.http import HttpRequest
from django.template.loader import render_to_string

from questionnaires.models import Response
from rph.accounts.access import Access
from treatment.models import Episode, FollowUp


def follow_up_section(request: HttpRequest, episode: Episode, access: Access) -> str | None:
    follow_ups = list(FollowUp.objects.filter(episode=episode).select_related("invitation"))
    if not follow_ups and episode.is_open:
        return None
    invitation_ids = [f.invitation_id for f in follow_ups if f.invitation_id]
    scores: dict[int, list[Response]] = {}
    if access.clinical and invitation_ids:
        responses = Response.objects.current().filter(invitation_id__in=invitation_ids)
        for response in responses.order_by("instrument_code"):
            scores.setdefault(response.invitation_id, []).append(response)
    rows = [(f, scores.get(f.invitation_id, [])) for f in follow_ups]
    context = {"episode": episode, "rows": rows, "clinical": access.clinical}
    return render_to_string("treatment/follow_up_section.html", context, request=request)
