"""Activity: sessions, offers by step, guided self-help and courses in the period."""

from collections import defaultdict

from django.utils.translation import gettext_lazy as _

from intake.assessments.choices import Step
from reporting.figures.base import (
    Figure,
    Group,
    Rows,
    Section,
    Unit,
    count,
    share,
)
from reporting.figures.facts import (
    Context,
    Facts,
)
from treatment.models import Attendance, SessionPurpose
from treatment.outcomes import Rate

LOW_INTENSITY_STEPS = (Step.GUIDED_SELF_HELP, Step.COURSE)


def activity_section(facts: Facts, ctx: Context) -> Section:
    period = ctx.period
    open_episodes = [e for e in facts.episodes if e.ended_at is None]
    sessions = [s for s in facts.sessions if period.has_moment(s.starts_at)]
    attended = [s for s in sessions if s.attendance == Attendance.ATTENDED]
    not_attended = [s for s in sessions if s.attendance == Attendance.DID_NOT_ATTEND]
    offers = [o for o in facts.offers if period.has_day(o.started_on)]
    runs = [
        r
        for r in facts.runs
        if not r.drop_in and any(period.has_day(day) for day in r.meeting_days)
    ]
    taken, places = sum(r.taken for r in runs), sum(r.capacity for r in runs)
    figures = (
        count(
            "activity.caseload",
            _("Open episodes now"),
            Rows.EPISODES,
            open_episodes,
            definition=_("Episodes not yet ended, whenever they started."),
        ),
        count(
            "activity.sessions_attended",
            _("Sessions attended"),
            Rows.SESSIONS,
            attended,
            definition=_("Individual sessions in the period the client attended (any purpose)."),
        ),
        count(
            "activity.sessions_not_attended",
            _("Sessions not attended"),
            Rows.SESSIONS,
            not_attended,
            definition=_("Individual sessions in the period the client did not come to."),
        ),
        share(
            "activity.not_attended_rate",
            _("Did not attend, share"),
            Rows.SESSIONS,
            not_attended,
            attended + not_attended,
            definition=_("Sessions not attended, of those attended or not attended."),
        ),
        count(
            "activity.follow_ups",
            _("Guided self-help follow-ups done"),
            Rows.SESSIONS,
            [s for s in attended if s.purpose == SessionPurpose.FOLLOW_UP],
            definition=_("Attended guided self-help follow-up calls in the period."),
        ),
        share(
            "activity.low_intensity",
            _("Low-intensity share of offers"),
            Rows.OFFERS,
            [o for o in offers if o.step in LOW_INTENSITY_STEPS],
            offers,
            definition=_("Offers started in the period on step 1 or 2, of all offers started."),
        ),
        Figure(
            key="activity.course_fill",
            label=_("Course fill rate"),
            value=Rate(taken, places).percent,
            rows=Rows.RUNS,
            ids=tuple(r.id for r in runs),
            unit=Unit.PERCENT,
            numerator=taken,
            denominator=places,
            definition=_(
                "Places taken (enrolled or completed) of places offered, over "
                "course runs with a meeting in the period. Drop-in courses have no places "
                "and are left out."
            ),
            values={r.id: f"{r.taken} / {r.capacity}" for r in runs},
            value_label=_("Places taken"),
        ),
    )
    by_therapist = defaultdict(list)
    for episode in open_episodes:
        by_therapist[episode.therapist_id].append(episode)
    therapist_ids = list(ctx.therapists) + [t for t in by_therapist if t not in ctx.therapists]
    groups = (
        Group(
            "caseload",
            _("Caseload per therapist (open episodes by primary therapist)"),
            tuple(
                count(
                    f"activity.caseload.{therapist}",
                    ctx.therapists.get(therapist, _("Former member")),
                    Rows.EPISODES,
                    by_therapist.get(therapist, []),
                )
                for therapist in therapist_ids
            ),
        ),
        Group(
            "steps",
            _("Offers started by step"),
            tuple(
                share(
                    f"activity.step.{step}",
                    label,
                    Rows.OFFERS,
                    [o for o in offers if o.step == step],
                    offers,
                )
                for step, label in Step.choices
            ),
            definition=_("FHI found too little low-intensity work (steps 1 and 2)."),
        ),
    )
    return Section("activity", _("Activity"), figures, groups)
