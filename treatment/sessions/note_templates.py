"""Starting texts for session notes, per purpose. A team's own templates (NoteTemplate, in
the admin) replace the shipped ones for that purpose. The texts are data, in Norwegian."""

from dataclasses import dataclass

from rph.accounts.models import Team
from treatment.models import NoteTemplate, SessionPurpose


@dataclass(frozen=True)
class Template:
    name: str
    text: str


SHIPPED: dict[str, list[Template]] = {
    SessionPurpose.TREATMENT: [
        Template(
            "Behandlingstime (KAT)",
            "Tema:\nAgenda:\nGjennomgang av hjemmeoppgave:\nIntervensjon:\n"
            "Ny hjemmeoppgave:\nPHQ-9/GAD-7 kommentert:\n",
        ),
    ],
    SessionPurpose.FOLLOW_UP: [
        Template(
            "Oppfølgingssamtale veiledet selvhjelp",
            "Moduler gjennomført siden sist:\nHva har fungert:\nUtfordringer:\n"
            "PHQ-9/GAD-7 kommentert:\nAvtalt til neste samtale:\n",
        ),
    ],
    SessionPurpose.REVIEW: [
        Template(
            "Evaluering",
            "Mål fra oppstart:\nEndring i PHQ-9/GAD-7 siden oppstart:\nKlientens vurdering:\n"
            "Arbeid og aktivitet:\nVidere plan (fortsette, trappe opp/ned, avslutte):\n",
        ),
    ],
    SessionPurpose.ASSESSMENT: [
        Template(
            "Kartleggingssamtale",
            "Henvendelsesgrunn:\nKartlegging:\nRisikovurdering:\nAvtalt videre:\n",
        ),
    ],
}


def note_templates(team: Team, purpose: str) -> list[Template]:
    own = [
        Template(t.name, t.text) for t in NoteTemplate.objects.filter(team=team, purpose=purpose)
    ]
    return own or SHIPPED.get(purpose, [])
