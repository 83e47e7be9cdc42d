"""The vocabulary of the assessment conversation (seed 000 §6.2, §9.1-9.3, §5.1.3).

Plain choices, no database: the model, the form and the pure completion rules share them.
"""

from django.db.models import IntegerChoices, TextChoices
from django.utils.translation import gettext_lazy as _


class AssessmentStatus(TextChoices):
    DRAFT = "draft", _("Draft")
    COMPLETE = "complete", _("Complete")


class Sex(TextChoices):
    """Self-reported. Never derived from the national identity number (domain.md §6)."""

    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")
    NOT_STATED = "not_stated", _("Not stated")


class MaritalStatus(TextChoices):
    SINGLE = "single", _("Single")
    MARRIED = "married", _("Married or registered partner")
    COHABITING = "cohabiting", _("Cohabiting")
    SEPARATED = "separated", _("Separated or divorced")
    WIDOWED = "widowed", _("Widowed")
    NOT_STATED = "not_stated", _("Not stated")


class Education(TextChoices):
    PRIMARY = "primary", _("Primary and lower secondary school (grunnskole)")
    UPPER_SECONDARY = "upper_secondary", _("Upper secondary school (videregående)")
    VOCATIONAL = "vocational", _("Tertiary vocational college (fagskole)")
    HIGHER_SHORT = "higher_short", _("University or college, less than 4 years")
    HIGHER_LONG = "higher_long", _("University or college, 4 years or more")
    UNKNOWN = "unknown", _("Unknown")


class IncomeBand(TextChoices):
    """The person's own gross yearly income, in NOK."""

    UNDER_250K = "under_250k", _("Under 250 000")
    FROM_250K = "250k_500k", _("250 000 – 499 999")
    FROM_500K = "500k_750k", _("500 000 – 749 999")
    FROM_750K = "750k_plus", _("750 000 or more")
    NOT_STATED = "not_stated", _("Not stated")


class ImmigrantBackground(TextChoices):
    NO = "no", _("No immigrant background")
    IMMIGRANT = "immigrant", _("Immigrant")
    NORWEGIAN_BORN = "norwegian_born", _("Born in Norway to immigrant parents")
    NOT_STATED = "not_stated", _("Not stated")


class WorkStatus(TextChoices):
    STUDENT = "student", _("Student")
    MILITARY = "military", _("Military or civilian service")
    AT_HOME = "at_home", _("At home")
    IN_WORK = "in_work", _("In work")
    JOB_SEEKER = "job_seeker", _("Job seeker")
    DISABILITY = "disability", _("Disability benefit (ufør)")
    SICK_LEAVE = "sick_leave", _("On sick leave")
    AAP = "aap", _("Work assessment allowance (AAP)")
    RETIRED = "retired", _("Retired")
    OTHER = "other", _("Other")


class Permanence(TextChoices):
    PERMANENT = "permanent", _("Permanent")
    TEMPORARY = "temporary", _("Temporary")


class AbsenceReason(TextChoices):
    SICK_LEAVE = "sick_leave", _("Sick leave")
    LEAVE = "leave", _("Leave of absence")
    OTHER = "other", _("Other")


class RiskLevel(TextChoices):
    LOW = "low", _("Low")
    MODERATE = "moderate", _("Moderate")
    HIGH = "high", _("High")


class ExclusionFactor(TextChoices):
    """Signs that RPH is not the right help, or not now (000 §5.1.3, §9.2)."""

    PSYCHOSIS = "psychosis", _("Psychosis or suspected psychosis")
    BIPOLAR = "bipolar", _("Bipolar disorder or suspected bipolar disorder")
    PERSONALITY = "personality", _("Personality disorder")
    SEVERE_SUBSTANCE = "severe_substance", _("Severe substance problems")
    HIGH_SUICIDE_RISK = "high_suicide_risk", _("High suicide risk")
    ACUTE_NEEDS = "acute_needs", _("Acute needs (suicide plans, psychosis, severe agitation)")


class Decision(TextChoices):
    IN_TARGET_GROUP = "in_target_group", _("In the target group")
    OUTSIDE = "outside", _("Outside the target group: routed onward")
    WANTS_TO_WAIT = "wants_to_wait", _("The person wants to wait")


class Step(IntegerChoices):
    GUIDED_SELF_HELP = 1, _("Step 1: guided self-help")
    COURSE = 2, _("Step 2: course or group")
    INDIVIDUAL = 3, _("Step 3: individual therapy")


class Route(TextChoices):
    GP_DPS = "gp_dps", _("GP, for referral to DPS")
    GP_TSB = "gp_tsb", _("GP, for referral to TSB")
    ACUTE = "acute", _("Emergency clinic (legevakt) or acute team, now")
    MUNICIPAL = "municipal", _("Other municipal service")
    NAV = "nav", _("NAV")
