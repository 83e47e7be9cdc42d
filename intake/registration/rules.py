"""Which referrer fits which channel: pure rules, shared by the forms, the API and the demo.

The figures count contacts by the referrer recorded (reporting.figures.intake), so a GP
referral recorded as "self" would report the team as 100 % self-referred.
"""

from intake.models import Channel, Referrer

# The referrers each channel allows; a channel not listed allows any but the GP.
ALLOWED_REFERRERS: dict[str, frozenset[str]] = {
    Channel.GP_REFERRAL: frozenset({Referrer.GP}),
    Channel.OTHER_REFERRAL: frozenset(
        {Referrer.NAV, Referrer.HELSESTASJON, Referrer.LEGEVAKT, Referrer.OTHER}
    ),
    Channel.WEB_FORM: frozenset({Referrer.SELF}),
    Channel.RELATIVE: frozenset({Referrer.OTHER}),
}
ANY_BUT_GP = frozenset(Referrer.values) - {Referrer.GP}


def referrers_for(channel: str) -> frozenset[str]:
    return ALLOWED_REFERRERS.get(channel, ANY_BUT_GP)


def referrer_fits(channel: str, referrer: str) -> bool:
    """Whether `referrer` can be who referred a contact that came in by `channel`."""
    return referrer in referrers_for(channel)
