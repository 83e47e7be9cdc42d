from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from phonenumber_field.phonenumber import PhoneNumber

from intake import fodselsnummer as fnr
from intake.age import age_on
from intake.consents.services import reach_consents_change
from intake.deadlines import deadline_for
from intake.models import (
    Channel,
    Client,
    Concern,
    ConsentMethod,
    Contact,
    GeneralPractitioner,
    ReachKind,
    Referrer,
)
from intake.registration.duplicates import similar_names
from intake.registration.rules import referrer_fits
from rph.accounts.models import Municipality, Team, User

MAX_FREE_TEXT = 5000
MAX_AGE = 130


def _fodselsnummer_errors(
    number: str, birth_date: date | None, errors: dict[str, list[str]]
) -> tuple[str, date | None]:
    """The normalised number and the birth date it carries (or the one given)."""
    if not number:
        return "", birth_date
    try:
        number = fnr.normalize(number)
    except ValidationError as exc:
        errors.setdefault("fodselsnummer", []).extend(exc.messages)
        return "", birth_date
    born = fnr.birth_date(number)
    if birth_date is not None and birth_date != born:
        errors.setdefault("birth_date", []).append(
            _("The birth date does not match the national identity number.")
        )
    return number, born


def _contact_errors(
    *,
    channel: str,
    referrer: str,
    referrer_name: str,
    concerns: Iterable[str],
    free_text: str,
    birth_date: date | None,
    age: int | None,
    today: date,
    errors: dict[str, list[str]],
) -> None:
    if birth_date is not None and birth_date > today:
        errors.setdefault("birth_date", []).append(_("The birth date cannot be in the future."))
    if age is not None and not 0 <= age <= MAX_AGE:
        errors.setdefault("age", []).append(_("Give an age between 0 and 130."))
    if len(free_text) > MAX_FREE_TEXT:
        errors.setdefault("free_text", []).append(
            _("The text is too long: at most %(max)d characters.") % {"max": MAX_FREE_TEXT}
        )
    if channel not in Channel.values:
        errors.setdefault("channel", []).append(_("Choose how the contact came in."))
    if referrer not in Referrer.values:
        errors.setdefault("referrer", []).append(_("Choose who referred the person."))
    if set(concerns) - set(Concern.values):
        errors.setdefault("concerns", []).append(_("Choose what the contact is about."))
    known = channel in Channel.values and referrer in Referrer.values
    if known and not referrer_fits(channel, referrer):
        errors.setdefault("referrer", []).append(_referrer_message(channel))
    if referrer == Referrer.GP and not referrer_name.strip():
        errors.setdefault("referrer_name", []).append(_("Write the GP's name."))


def _referrer_message(channel: str) -> str:
    if channel == Channel.GP_REFERRAL:
        return _("A referral from a GP has the GP as referrer: choose GP and write the name.")
    if channel == Channel.OTHER_REFERRAL:
        return _("Choose who referred the person: NAV, health centre, emergency clinic or other.")
    if channel == Channel.WEB_FORM:
        return _("A web form is sent by the person: the referrer is Self.")
    if channel == Channel.RELATIVE:
        return _("A relative who gets in touch is recorded as referrer Other, with a name.")
    return _("A GP's referral comes by the channel GP referral: choose that channel.")


@transaction.atomic
def contact_register(
    *,
    team: Team,
    registered_by: User | None,
    channel: str,
    referrer: str,
    client: Client | None = None,
    first_name: str = "",
    last_name: str = "",
    fodselsnummer: str = "",
    birth_date: date | None = None,
    age: int | None = None,
    phone: str | PhoneNumber = "",
    email: str = "",
    home_municipality: Municipality | None = None,
    gp: GeneralPractitioner | None = None,
    referrer_name: str = "",
    concerns: Iterable[str] = (),
    free_text: str = "",
    best_time_to_call: str = "",
    consents_given: Iterable[str] = (),
    consent_method: str = "",
    idempotency_key: str = "",
) -> Contact:
    """Register a contact, on an existing client or on a new one (with an empty care team).

    With `client`, the client fields only fill in what the record lacks (phone, e-mail,
    fødselsnummer, birth date, GP); nothing is overwritten. `consents_given` (reach kinds
    the person agreed to now) go into the client's consent register as given; a kind left
    out changes nothing, so a new contact never withdraws a consent (intake.consents).
    Raises ValidationError with messages per field, and saves nothing, on bad input. The
    response-promise clock starts now: `deadline` is `registered_at` plus the team's promise.
    """
    if client is not None and client.team_id != team.pk:
        raise ValueError("the client belongs to another team")
    if client is not None and open_contact_of(client) is not None:
        raise ValidationError(
            _("The client already has an open contact: add this one to it instead."),
            code="open_contact",
        )
    now = timezone.now()
    today = timezone.localdate(now)
    concerns = list(dict.fromkeys(concerns))
    errors: dict[str, list[str]] = {}
    number, birth_date = _fodselsnummer_errors(fodselsnummer.strip(), birth_date, errors)
    _contact_errors(
        channel=channel,
        referrer=referrer,
        referrer_name=referrer_name,
        concerns=concerns,
        free_text=free_text,
        birth_date=birth_date,
        age=age,
        today=today,
        errors=errors,
    )
    if number and (
        Client.objects.filter(team=team, fodselsnummer=number)
        .exclude(pk=client.pk if client else None)
        .exists()
    ):
        errors.setdefault("fodselsnummer", []).append(
            _("A client with this national identity number is already registered in the team.")
        )
    if client is None:
        if not team.municipalities.filter(pk=getattr(home_municipality, "pk", None)).exists():
            errors.setdefault("home_municipality", []).append(
                _("The municipality is not in the team's area.")
            )
            home_municipality = None
        client = Client(
            team=team,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            home_municipality=home_municipality,
        )
    _fill_blanks(
        client,
        fodselsnummer=number,
        birth_date=None if "birth_date" in errors else birth_date,
        phone=phone,
        email=email,
        gp=gp,
    )
    _client_errors(client, errors)
    if errors:
        raise ValidationError(errors)
    if client.pk is not None:
        client.version += 1  # blanks filled in: a contact-details form opened earlier is stale
    client.save()
    birth_date = client.birth_date
    contact = Contact(
        team=team,
        client=client,
        registered_at=now,
        registered_by=registered_by,
        channel=channel,
        referrer=referrer,
        referrer_name=referrer_name.strip(),
        concerns=concerns,
        free_text=free_text.strip(),
        age_at_contact=age_on(birth_date, today) if birth_date else age,
        best_time_to_call=best_time_to_call.strip(),
        deadline=deadline_for(now, team.response_promise_hours),
        idempotency_key=idempotency_key,
    )
    # Concerns are checked above; the model would call an empty list blank.
    contact.full_clean(exclude=["client", "concerns"])
    contact.save()
    wanted = {kind: True for kind in consents_given if kind in ReachKind.values}
    if wanted:
        reach_consents_change(
            client=client,
            by=registered_by,
            wanted=wanted,
            method=consent_method or method_for_channel(channel),
        )
    return contact


def method_for_channel(channel: str) -> str:
    """How a consent ticked while registering a contact was given."""
    return {
        Channel.PHONE: ConsentMethod.PHONE,
        Channel.DROP_IN: ConsentMethod.IN_PERSON,
        Channel.WEB_FORM: ConsentMethod.SELF_REFERRAL,
    }.get(channel, ConsentMethod.FORM)


def _client_errors(client: Client, errors: dict[str, list[str]]) -> None:
    """The model's own checks, merged with ours so the user sees every problem at once."""
    if not str(client.phone or "").strip() and not client.email:
        errors.setdefault("phone", []).append(
            _("Give a phone number or an e-mail address so the team can reach the person.")
        )
    try:
        # The fødselsnummer constraint is checked above with a clearer message.
        client.full_clean(
            exclude=["home_municipality"] if "home_municipality" in errors else None,
            validate_constraints=False,
        )
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            known = errors.setdefault(field, [])
            known.extend(m for m in messages if m not in known)


def _fill_blanks(client: Client, **values: object) -> None:
    for field, value in values.items():
        if value and not getattr(client, field):
            setattr(client, field, value.strip() if isinstance(value, str) else value)


def team_for_municipality(municipality: Municipality) -> Team | None:
    """The team that takes self-referrals from a municipality.

    Decision: a municipality may be served by several teams (a town team and an
    inter-municipal one); self-referrals go to the first of them by name, so the choice
    is stable and visible in the admin.
    """
    return municipality.teams.order_by("name", "pk").first()


@transaction.atomic
def self_referral_submit(
    *,
    home_municipality: Municipality,
    first_name: str,
    last_name: str,
    phone: str | PhoneNumber,
    email: str = "",
    concerns: Iterable[str] = (),
    best_time_to_call: str = "",
    consents_given: Iterable[str] = (),
    idempotency_key: str = "",
) -> Contact:
    """A person's own request through the public form: a web-form contact to call back.

    The person agrees to be called (the form requires it) and may agree to SMS, e-mail and
    questionnaires sent digitally (`consents_given`); all go to the consent register.

    Sent again with the same `idempotency_key` (a reload, a double click, a retry of the
    JSON twin), it returns the contact the first request made and changes nothing. A
    known client with an open contact gets no second one: the request joins it.

    The person cannot be shown who else is registered, so no choice is offered: the contact
    joins an existing client only when exactly one of the team's clients has the same
    phone number and a similar name; otherwise a new client is created.
    """
    team = team_for_municipality(home_municipality)
    if team is None:
        raise ValidationError(
            {"home_municipality": _("No RPH team serves this municipality in this system.")}
        )
    if idempotency_key:
        earlier = Contact.objects.filter(idempotency_key=idempotency_key).first()
        if earlier is not None:
            return earlier
    name = f"{first_name} {last_name}"
    same_person = [
        candidate
        for candidate in Client.objects.possible_duplicates(team, phone=str(phone))
        if similar_names(name, str(candidate))
    ]
    client = same_person[0] if len(same_person) == 1 else None
    consents = [ReachKind.CALL, *consents_given]
    open_contact = open_contact_of(client) if client is not None else None
    if open_contact is not None:
        return contact_join(
            contact=open_contact,
            by=None,
            concerns=concerns,
            best_time_to_call=best_time_to_call,
            consents_given=consents,
            consent_method=ConsentMethod.SELF_REFERRAL,
        )
    try:
        with transaction.atomic():
            return _self_referral_contact(
                team,
                client,
                first_name,
                last_name,
                phone,
                email,
                home_municipality,
                concerns,
                best_time_to_call,
                consents,
                idempotency_key,
            )
    except IntegrityError:
        # The same submission, a moment earlier, in another request: that one counts.
        earlier = Contact.objects.filter(idempotency_key=idempotency_key).first()
        if earlier is None:
            raise
        return earlier


def _self_referral_contact(
    team: Team,
    client: Client | None,
    first_name: str,
    last_name: str,
    phone: str | PhoneNumber,
    email: str,
    home_municipality: Municipality,
    concerns: Iterable[str],
    best_time_to_call: str,
    consents: list[str],
    idempotency_key: str,
) -> Contact:
    return contact_register(
        team=team,
        registered_by=None,
        client=client,
        first_name=first_name,
        last_name=last_name,
        phone=phone,
        email=email,
        home_municipality=home_municipality,
        channel=Channel.WEB_FORM,
        referrer=Referrer.SELF,
        concerns=concerns,
        best_time_to_call=best_time_to_call,
        consents_given=consents,
        consent_method=ConsentMethod.SELF_REFERRAL,
        idempotency_key=idempotency_key,
    )


def open_contact_of(client: Client) -> Contact | None:
    """The client's open contact, if any (one per client: the queue counts people)."""
    return Contact.objects.open().filter(client=client).order_by("registered_at", "pk").first()


@transaction.atomic
def contact_join(
    *,
    contact: Contact,
    by: User | None,
    concerns: Iterable[str] = (),
    best_time_to_call: str = "",
    free_text: str = "",
    consents_given: Iterable[str] = (),
    consent_method: str = "",
) -> Contact:
    """A new request from a client who has an open contact: it joins that contact.

    What it is about is added to the contact's, a new best time to call replaces the old
    one, notes are appended, and consents given now go to the register. The clock keeps
    running from the first registration.
    """
    current = Contact.objects.select_for_update().get(pk=contact.pk)
    wanted = list(dict.fromkeys([*current.concerns, *concerns]))
    if set(wanted) - set(Concern.values):
        raise ValidationError({"concerns": [_("Choose what the contact is about.")]})
    current.concerns = wanted
    if best_time_to_call.strip():
        current.best_time_to_call = best_time_to_call.strip()[:200]
    if free_text.strip():
        joined = "\n\n".join(part for part in (current.free_text, free_text.strip()) if part)
        if len(joined) > MAX_FREE_TEXT:
            raise ValidationError(
                {
                    "free_text": [
                        _("The text is too long: at most %(max)d characters.")
                        % {"max": MAX_FREE_TEXT}
                    ]
                }
            )
        current.free_text = joined
    current.save(update_fields=["concerns", "best_time_to_call", "free_text"])
    wanted_consents = {kind: True for kind in consents_given if kind in ReachKind.values}
    if wanted_consents:
        reach_consents_change(
            client=current.client,
            by=by,
            wanted=wanted_consents,
            method=consent_method or method_for_channel(current.channel),
        )
    return current
