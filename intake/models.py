import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from intake.age import under_minimum_age
from intake.assessments.choices import (
    AbsenceReason,
    AssessmentStatus,
    Decision,
    Education,
    ExclusionFactor,
    ImmigrantBackground,
    IncomeBand,
    MaritalStatus,
    Permanence,
    RiskLevel,
    Route,
    Sex,
    Step,
    WorkStatus,
)
from intake.assessments.rules import (
    GAD7_ITEMS,
    PHQ9_ITEMS,
    AssessmentFacts,
    item_answer_problems,
    needs_urgent_action,
    screening_positive,
)
from intake.fodselsnummer import validate_fodselsnummer
from intake.registration.duplicates import normalise_phone, similar_names
from rph.accounts.models import Municipality, Team, User


class ClientQuerySet(models.QuerySet["Client"]):
    def for_team_list(self, team: Team) -> "ClientQuerySet":
        return (
            self.filter(team=team)
            .select_related("home_municipality")
            .order_by("last_name", "first_name", "pk")
        )

    def in_care_of(self, user: User) -> "ClientQuerySet":
        return self.filter(care_team=user)

    def possible_duplicates(
        self,
        team: Team,
        *,
        fodselsnummer: str = "",
        birth_date: datetime.date | None = None,
        first_name: str = "",
        last_name: str = "",
        phone: str = "",
    ) -> "ClientQuerySet":
        """The team's clients who may be this person, for the registration form.

        Same fødselsnummer, or same phone (however it was typed), or the same birth date
        and a similar name (the rule is in intake.registration.duplicates). Never another
        team's client.
        """
        mine = self.filter(team=team)
        match = Q(pk__in=[])
        number = "".join(ch for ch in fodselsnummer if ch.isdigit())
        if number:
            match |= Q(fodselsnummer=number)
        e164 = normalise_phone(str(phone or ""))
        if e164:
            match |= Q(phone=e164)
        name = f"{first_name} {last_name}"
        if birth_date is not None and name.strip():
            same_day = mine.filter(birth_date=birth_date).values_list(
                "pk", "first_name", "last_name"
            )
            similar = [pk for pk, first, last in same_day if similar_names(name, f"{first} {last}")]
            match |= Q(pk__in=similar)
        return (
            mine.filter(match)
            .select_related("home_municipality")
            .order_by("last_name", "first_name", "pk")
        )


class GeneralPractitionerQuerySet(models.QuerySet["GeneralPractitioner"]):
    def serving(self, team: Team) -> "GeneralPractitionerQuerySet":
        """GPs serving any of the team's municipalities."""
        return self.filter(_serves(team))

    def for_picker(self, team: Team, keep: int | None = None) -> "GeneralPractitionerQuerySet":
        """Active GPs serving the team, and the client's present GP (`keep`) whatever it is."""
        return self.filter(Q(_serves(team), active=True) | Q(pk=keep)).order_by("name", "practice")

    def matching(self, text: str) -> "GeneralPractitionerQuerySet":
        """Every word of `text` in the name or the practice (case-insensitive)."""
        found = self
        for word in text.split():
            found = found.filter(Q(name__icontains=word) | Q(practice__icontains=word))
        return found


def _serves(team: Team) -> models.Exists:
    served = GeneralPractitioner.municipalities.through.objects.filter(
        generalpractitioner=models.OuterRef("pk"), municipality__teams=team
    )
    return models.Exists(served)


HER_ID_VALIDATOR = RegexValidator(
    r"^[1-9][0-9]{0,8}$", _("A HER-id is a number of 1 to 9 digits, not starting with 0.")
)


class GeneralPractitioner(models.Model):
    """A GP (fastlege) from the registry; shared by all teams (public information).

    A HER-id names one entity: a GP's HER-id is no other GP's, and an office's HER-id is no
    GP's own (`clean`); the GPs of one office share its HER-id.
    """

    hpr_number = models.CharField(
        _("HPR number"),
        max_length=9,
        unique=True,
        validators=[RegexValidator(r"^[0-9]{4,9}$", _("An HPR number is 4 to 9 digits."))],
    )
    name = models.CharField(_("name"), max_length=150)
    practice = models.CharField(_("practice (legekontor)"), max_length=150)
    address = models.CharField(_("address"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=4, blank=True)
    town = models.CharField(_("town"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    # The address register's (Adresseregisteret, Norsk Helsenett) ids: the GP's own and the
    # GP office's. Electronic messages are addressed to both (referrals/letters/messages.py).
    her_id = models.CharField(
        _("HER-id"),
        max_length=9,
        null=True,
        blank=True,
        unique=True,
        validators=[HER_ID_VALIDATOR],
        help_text=_("The GP's id in the address register (Adresseregisteret)."),
    )
    office_her_id = models.CharField(
        _("HER-id of the GP office"),
        max_length=9,
        blank=True,
        validators=[HER_ID_VALIDATOR],
    )
    municipalities = models.ManyToManyField(
        Municipality, blank=True, related_name="gps", verbose_name=_("municipalities served")
    )
    active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = GeneralPractitionerQuerySet.as_manager()

    class Meta:
        ordering = ["name", "practice"]
        verbose_name = _("GP")
        verbose_name_plural = _("GPs")

    def __str__(self) -> str:
        return f"{self.name}, {self.practice}"

    def clean(self) -> None:
        errors = {}
        if self.her_id == "":
            self.her_id = None
        others = GeneralPractitioner.objects.exclude(pk=self.pk)
        if self.her_id and (
            self.her_id == self.office_her_id or others.filter(office_her_id=self.her_id).exists()
        ):
            errors["her_id"] = _("This HER-id belongs to a GP office, not to a GP.")
        if self.office_her_id and others.filter(her_id=self.office_her_id).exists():
            errors["office_her_id"] = _("This HER-id belongs to a GP, not to a GP office.")
        if errors:
            raise ValidationError(errors)

    @property
    def reachable_electronically(self) -> bool:
        return bool(self.her_id and self.office_her_id)


class Client(models.Model):
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="clients")
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    fodselsnummer = models.CharField(
        _("national identity number"),
        max_length=11,
        blank=True,
        validators=[validate_fodselsnummer],
        help_text=_("11 digits. D-numbers are accepted."),
    )
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    phone = PhoneNumberField(_("phone"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    home_municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("home municipality"),
    )
    gp = models.ForeignKey(
        GeneralPractitioner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="clients",
        verbose_name=_("GP"),
    )
    care_team = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="care_clients",
        blank=True,
        verbose_name=_("therapists"),
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    # The optimistic lock on the contact details (rph.versioning).
    version = models.PositiveIntegerField(default=0, editable=False)

    objects = ClientQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["team", "fodselsnummer"],
                condition=~Q(fodselsnummer=""),
                name="unique_fodselsnummer_per_team",
            )
        ]
        verbose_name = _("client")
        verbose_name_plural = _("clients")

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def get_absolute_url(self) -> str:
        return reverse("intake:client_detail", args=[self.pk])

    def clean(self) -> None:
        errors = {}
        if (
            self.team_id
            and self.home_municipality_id
            and not self.team.municipalities.filter(pk=self.home_municipality_id).exists()
        ):
            errors["home_municipality"] = _("The municipality is not in the team's area.")
        # Checked here for a clear message: the constraint would only name itself.
        if (
            self.team_id
            and self.fodselsnummer
            and Client.objects.filter(team_id=self.team_id, fodselsnummer=self.fodselsnummer)
            .exclude(pk=self.pk)
            .exists()
        ):
            errors["fodselsnummer"] = _(
                "A client with this national identity number is already registered in the team."
            )
        if errors:
            raise ValidationError(errors)


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    WEB_FORM = "web_form", _("Web form")
    DROP_IN = "drop_in", _("Drop-in")
    GP_REFERRAL = "gp_referral", _("GP referral")
    OTHER_REFERRAL = "other_referral", _("Other referral")
    RELATIVE = "relative", _("Relative")


class Referrer(models.TextChoices):
    SELF = "self", _("Self")
    GP = "gp", _("GP")
    NAV = "nav", _("NAV")
    HELSESTASJON = "helsestasjon", _("Health centre (helsestasjon)")
    LEGEVAKT = "legevakt", _("Emergency clinic (legevakt)")
    OTHER = "other", _("Other")


class Concern(models.TextChoices):
    ANXIETY = "anxiety", _("Anxiety")
    DEPRESSION = "depression", _("Depression")
    SLEEP = "sleep", _("Sleep problems")
    SUBSTANCE = "substance", _("Substance use")
    STRESS = "stress", _("Stress / life crisis")
    OTHER = "other", _("Other")


class ContactQuerySet(models.QuerySet["Contact"]):
    def open(self) -> "ContactQuerySet":
        return self.filter(status=Contact.Status.OPEN)

    def for_client_page(self, client: "Client", *, clinical: bool) -> "ContactQuerySet":
        """The client's contacts, newest first; their assessments only for clinical eyes."""
        contacts = (
            self.filter(client=client)
            .select_related("team", "offer")
            .annotate(attempt_count=models.Count("attempts"))
            .order_by("-registered_at", "-pk")
        )
        return contacts.select_related("assessment") if clinical else contacts

    def for_queue(self, team: Team) -> "ContactQuerySet":
        """The team's open contacts, least time left first, with their attempts summed up."""
        latest = ContactAttempt.objects.filter(contact=models.OuterRef("pk")).order_by("-at", "-pk")
        return (
            self.open()
            .filter(team=team)
            .select_related("client", "client__home_municipality")
            .annotate(
                attempt_count=models.Count("attempts"),
                last_attempt_at=models.Subquery(latest.values("at")[:1]),
                last_attempt_outcome=models.Subquery(latest.values("outcome")[:1]),
            )
            .order_by("deadline", "pk")
        )


class Contact(models.Model):
    """A henvendelse: one person reaching out, through one channel, at one time.

    The 48-hour clock runs from `registered_at` to `deadline` and stops at `offered_at`,
    when the person has been reached and offered an assessment.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        OFFERED = "offered", _("Assessment offered")
        CLOSED = "closed", _("Closed")

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="contacts")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="contacts")
    registered_at = models.DateTimeField(_("registered"), default=timezone.now)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty for self-referrals through the public form."),
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    referrer = models.CharField(_("referrer"), max_length=20, choices=Referrer.choices)
    referrer_name = models.CharField(_("referrer's name"), max_length=200, blank=True)
    concerns = models.JSONField(_("what it is about"), default=list)
    free_text = models.TextField(_("notes"), blank=True, max_length=5000)
    age_at_contact = models.PositiveSmallIntegerField(_("age"), null=True, blank=True)
    best_time_to_call = models.CharField(_("best time to call"), max_length=200, blank=True)
    deadline = models.DateTimeField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    offered_at = models.DateTimeField(_("assessment offered"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    close_reason = models.CharField(_("reason for closing"), max_length=500, blank=True)
    # The public form's (or its JSON twin's) key for one submission: a reload or a double
    # click with the same key finds this contact instead of making a second.
    idempotency_key = models.CharField(max_length=64, blank=True, editable=False)
    due_soon_alerted_at = models.DateTimeField(null=True, blank=True, editable=False)
    overdue_alerted_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ContactQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["team", "status", "deadline"])]
        constraints = [
            models.UniqueConstraint(
                fields=["idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="unique_contact_idempotency_key",
            )
        ]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return f"{self.client} {self.registered_at:%Y-%m-%d}"

    @property
    def under_minimum_age(self) -> bool:
        """Younger than the service's 16 years: registered, but to be helped onward."""
        return under_minimum_age(self.age_at_contact)


class ContactAttempt(models.Model):
    class Method(models.TextChoices):
        PHONE = "phone", _("Phone")
        SMS = "sms", _("SMS")
        EMAIL = "email", _("E-mail")
        LETTER = "letter", _("Letter")

    class Outcome(models.TextChoices):
        REACHED = "reached", _("Reached")
        NO_ANSWER = "no_answer", _("No answer")
        MESSAGE_LEFT = "message_left", _("Message left")
        WRONG_NUMBER = "wrong_number", _("Wrong number")

    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="attempts")
    at = models.DateTimeField(_("time"), default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    method = models.CharField(_("channel"), max_length=10, choices=Method.choices)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("contact attempt")
        verbose_name_plural = _("contact attempts")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.outcome}"


class Mode(models.TextChoices):
    FACE_TO_FACE = "face_to_face", _("Face to face")
    PHONE = "phone", _("Phone")
    VIDEO = "video", _("Video")


class AssessmentOffer(models.Model):
    """The assessment time offered when the person was reached; stops the clock."""

    contact = models.OneToOneField(Contact, on_delete=models.PROTECT, related_name="offer")
    offered_at = models.DateTimeField(_("offered"), default=timezone.now)
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    scheduled_for = models.DateTimeField(_("assessment time"))
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="assessment_offers",
        verbose_name=_("therapist"),
    )
    mode = models.CharField(_("mode"), max_length=20, choices=Mode.choices)
    held_at = models.DateTimeField(_("assessment held"), null=True, blank=True)

    class Meta:
        verbose_name = _("assessment offer")
        verbose_name_plural = _("assessment offers")

    def __str__(self) -> str:
        return f"{self.contact} → {self.scheduled_for:%Y-%m-%d %H:%M}"


def validate_phq9_answers(value: object) -> None:
    if problems := item_answer_problems(value, PHQ9_ITEMS):
        raise ValidationError(problems)


def validate_gad7_answers(value: object) -> None:
    if problems := item_answer_problems(value, GAD7_ITEMS):
        raise ValidationError(problems)


def _validate_choice_list(value: object, allowed: frozenset[str]) -> None:
    if not isinstance(value, list) or not all(v in allowed for v in value):
        raise ValidationError(_("Choose only from the listed options."))


def validate_work_statuses(value: object) -> None:
    _validate_choice_list(value, frozenset(WorkStatus.values))


def validate_exclusion_factors(value: object) -> None:
    _validate_choice_list(value, frozenset(ExclusionFactor.values))


def validate_children_ages(value: object) -> None:
    if not isinstance(value, list) or not all(type(age) is int and 0 <= age <= 99 for age in value):
        raise ValidationError(_("Ages are whole numbers from 0 to 99."))


def _yes_no(label: str) -> models.BooleanField:
    """Yes, no, or not recorded yet (None)."""
    return models.BooleanField(label, null=True, blank=True)


class Assessment(models.Model):
    """The assessment conversation (kartleggingssamtale, seed 000 §9.1) for one contact.

    A draft may be saved incomplete; `assessment_save(complete=True)` enforces the rules in
    `intake.assessments.rules`. A completed assessment is read-only.
    """

    contact = models.OneToOneField(Contact, on_delete=models.PROTECT, related_name="assessment")
    # The optimistic lock on the draft (rph.versioning): two tabs never overwrite each other.
    version = models.PositiveIntegerField(default=0, editable=False)
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("therapist"),
    )
    held_at = models.DateTimeField(_("held"), default=timezone.now)
    mode = models.CharField(_("mode"), max_length=20, choices=Mode.choices)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=AssessmentStatus.choices,
        default=AssessmentStatus.DRAFT,
    )
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    # Background (000 §6.2).
    sex = models.CharField(_("sex (self-reported)"), max_length=12, choices=Sex.choices, blank=True)
    marital_status = models.CharField(
        _("marital status"), max_length=12, choices=MaritalStatus.choices, blank=True
    )
    has_children = _yes_no(_("has children"))
    children_ages = models.JSONField(
        _("children's ages"), default=list, blank=True, validators=[validate_children_ages]
    )
    education = models.CharField(
        _("education"), max_length=20, choices=Education.choices, blank=True
    )
    income_band = models.CharField(
        _("income"), max_length=12, choices=IncomeBand.choices, blank=True
    )
    immigrant_background = models.CharField(
        _("immigrant background"), max_length=16, choices=ImmigrantBackground.choices, blank=True
    )
    physical_activity = models.CharField(_("physical activity"), max_length=1000, blank=True)
    social_support = models.CharField(_("social support"), max_length=1000, blank=True)
    alcohol_habits = models.CharField(_("alcohol habits"), max_length=1000, blank=True)
    sleep = models.CharField(_("sleep"), max_length=1000, blank=True)

    # Work (000 §6.2): several may apply, e.g. in work and on sick leave.
    work_statuses = models.JSONField(
        _("work status"), default=list, blank=True, validators=[validate_work_statuses]
    )
    work_percentage = models.PositiveSmallIntegerField(
        _("position (%)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    work_permanence = models.CharField(
        _("permanent or temporary"), max_length=10, choices=Permanence.choices, blank=True
    )
    work_kind = models.CharField(_("kind of work"), max_length=200, blank=True)
    sick_leave_since = models.DateField(_("on sick leave since"), null=True, blank=True)
    sick_leave_percentage = models.PositiveSmallIntegerField(
        _("sick leave (%)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    work_status_other = models.CharField(_("other work status"), max_length=200, blank=True)
    absent_from_work = _yes_no(_("absent from usual work now"))
    absence_reason = models.CharField(
        _("reason for absence"), max_length=12, choices=AbsenceReason.choices, blank=True
    )
    absence_note = models.CharField(_("about the absence"), max_length=500, blank=True)

    # Baseline questionnaires: item answers only; scoring belongs to the questionnaires app.
    phq9_answers = models.JSONField(
        _("PHQ-9 answers"), default=list, blank=True, validators=[validate_phq9_answers]
    )
    gad7_answers = models.JSONField(
        _("GAD-7 answers"), default=list, blank=True, validators=[validate_gad7_answers]
    )

    # Suicide risk (000 §9.2).
    suicidal_thoughts = _yes_no(_("thoughts of suicide"))
    suicide_plans = _yes_no(_("suicide plans"))
    earlier_suicide_attempts = _yes_no(_("earlier suicide attempts"))
    risk_level = models.CharField(
        _("suicide risk"), max_length=10, choices=RiskLevel.choices, blank=True
    )
    risk_actions = models.TextField(_("actions taken"), max_length=2000, blank=True)
    risk_conferred_with = models.CharField(_("conferred with"), max_length=500, blank=True)

    # Substance use (AUDIT-C comes with the questionnaires).
    substance_notes = models.TextField(_("substance use"), max_length=2000, blank=True)
    substance_severe = _yes_no(_("severe substance problems (TSB)"))

    # Minor children as relatives (helsepersonelloven §10a, 000 §9.3).
    has_minor_children = _yes_no(_("has children under 18"))
    children_followup_considered = _yes_no(
        _("children's need for information and follow-up considered")
    )
    children_note = models.TextField(_("the children's situation"), max_length=2000, blank=True)

    exclusion_factors = models.JSONField(
        _("exclusion and onward factors"),
        default=list,
        blank=True,
        validators=[validate_exclusion_factors],
    )

    # Acute action, required before completion when the risk is high or needs are acute.
    urgent_action = models.TextField(_("acute action taken"), max_length=2000, blank=True)
    urgent_action_at = models.DateTimeField(_("acute action taken at"), null=True, blank=True)
    urgent_action_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acute action recorded by"),
    )

    # Outcome (000 §9.1).
    decision = models.CharField(_("outcome"), max_length=20, choices=Decision.choices, blank=True)
    step = models.PositiveSmallIntegerField(_("step"), choices=Step.choices, null=True, blank=True)
    route = models.CharField(_("routed to"), max_length=12, choices=Route.choices, blank=True)
    decision_reason = models.TextField(_("reason"), max_length=2000, blank=True)

    # Epikrise (000 §5.1.1): agreed in the conversation; the client may object.
    epikrise_to_gp = models.BooleanField(_("epikrise to the GP"), default=True)
    epikrise_other_recipients = models.CharField(
        _("other epikrise recipients"), max_length=500, blank=True
    )
    client_objects_to_epikrise = models.BooleanField(
        _("the client objects to the epikrise"), default=False
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(status=AssessmentStatus.DRAFT) | Q(completed_at__isnull=False),
                name="assessment_complete_has_completed_at",
            ),
        ]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")

    def __str__(self) -> str:
        return f"{self.contact} ({self.status})"

    def get_absolute_url(self) -> str:
        return reverse("intake:assessment_detail", args=[self.contact_id])

    @property
    def is_complete(self) -> bool:
        return self.status == AssessmentStatus.COMPLETE

    @property
    def screening_positive(self) -> bool:
        return screening_positive(self.facts())

    @property
    def needs_urgent_action(self) -> bool:
        return needs_urgent_action(self.facts())

    def exclusion_factor_labels(self) -> list[str]:
        labels = dict(ExclusionFactor.choices)
        return [str(labels.get(value, value)) for value in self.exclusion_factors]

    def work_status_labels(self) -> list[str]:
        labels = dict(WorkStatus.choices)
        return [str(labels.get(value, value)) for value in self.work_statuses]

    def facts(self) -> AssessmentFacts:
        return AssessmentFacts(
            suicidal_thoughts=self.suicidal_thoughts,
            suicide_plans=self.suicide_plans,
            earlier_suicide_attempts=self.earlier_suicide_attempts,
            risk_level=self.risk_level,
            risk_actions=self.risk_actions,
            risk_conferred_with=self.risk_conferred_with,
            has_minor_children=self.has_minor_children,
            children_ages=tuple(self.children_ages or ()),
            children_followup_considered=self.children_followup_considered,
            children_note=self.children_note,
            exclusion_factors=tuple(self.exclusion_factors or ()),
            urgent_action=self.urgent_action,
            urgent_action_at=self.urgent_action_at,
            decision=self.decision,
            step=self.step,
            route=self.route,
            decision_reason=self.decision_reason,
        )


class Party(models.TextChoices):
    """Who information may go to, or who a collaboration was with."""

    GP = "gp", _("GP (epikrise)")
    NAV = "nav", _("NAV")
    EMPLOYER = "employer", _("Employer")
    OCCUPATIONAL_HEALTH = "occupational_health", _("Occupational health service")
    SCHOOL = "school", _("School")
    DPS = "dps", _("DPS (specialist mental health care)")
    RELATIVES = "relatives", _("Relatives")
    RESEARCH = "research", _("Research and evaluation (FHI)")
    OTHER = "other", _("Other")


class ReachKind(models.TextChoices):
    """How the team may reach the client: the consents that decide what RPH may send."""

    CALL = "call", _("Phone calls")
    SMS = "sms", _("SMS")
    EMAIL = "email", _("E-mail")
    DIGITAL_QUESTIONNAIRES = "digital_questionnaires", _("Questionnaires sent digitally")


class ConsentMethod(models.TextChoices):
    """How the client gave or withdrew the consent."""

    PHONE = "phone", _("By phone")
    IN_PERSON = "in_person", _("In person")
    FORM = "form", _("On a form or in writing")
    SELF_REFERRAL = "self_referral", _("In the self-referral form")
    ASSESSMENT = "assessment", _("In the assessment")
    EARLIER_CONTACT = "earlier_contact", _("Ticked on an earlier contact")


CONSENT_KINDS = ReachKind.choices + Party.choices


class ConsentQuerySet(models.QuerySet["Consent"]):
    def current(self) -> "ConsentQuerySet":
        """The latest entry per client, kind and named recipient: what holds now."""
        newer = Consent.objects.filter(
            client=models.OuterRef("client"),
            party=models.OuterRef("party"),
            recipient=models.OuterRef("recipient"),
        ).filter(
            Q(recorded_at__gt=models.OuterRef("recorded_at"))
            | Q(recorded_at=models.OuterRef("recorded_at"), pk__gt=models.OuterRef("pk"))
        )
        return self.exclude(models.Exists(newer))


class Consent(models.Model):
    """One entry in the client's consent register. Append-only: a change is a new entry.

    `party` is the kind: how the team may reach the client (`ReachKind`: calls, SMS, e-mail,
    digital questionnaires) or who information may be shared with (`Party`). For the GP,
    `given=False` is the client's objection to the epikrise (pasient- og
    brukerrettighetsloven §5-3); the epikrise is otherwise sent without asking.
    """

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="consents")
    party = models.CharField(_("consent to"), max_length=30, choices=CONSENT_KINDS)
    recipient = models.CharField(
        _("name"), max_length=200, blank=True, help_text=_("E.g. the NAV adviser or employer.")
    )
    given = models.BooleanField(_("consent given"))
    method = models.CharField(_("how"), max_length=20, choices=ConsentMethod.choices, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    needs_review = models.BooleanField(
        _("needs review"),
        default=False,
        help_text=_("Earlier contacts disagreed about this consent; the team lead checks it."),
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the client gave it in the self-referral form."),
    )

    objects = ConsentQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["client", "party", "recorded_at"])]
        ordering = ["-recorded_at", "-pk"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self) -> str:
        return f"{self.party} {self.given} {self.recorded_at:%Y-%m-%d}"
