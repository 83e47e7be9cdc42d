import time_machine
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.test import Client as HttpClient

from rph.accounts.models import User
from tests.accounts.factories import UserFactory
from tests.accounts.flows import (
    LOGIN,
    SECOND_STEP,
    current_code,
    is_signed_in,
    page_text,
    sign_in,
    submit_code,
    submit_password,
    wrong_code,
)


def test_staff_sign_in_with_username_password_and_authenticator_code(client, staff: User):
    assert submit_password(client, staff.username)["Location"] == SECOND_STEP
    assert "Tofaktorautentisering" in page_text(client.get(SECOND_STEP))

    response = submit_code(client, current_code(staff))

    assert response["Location"] == "/"
    assert is_signed_in(client, staff)


def test_staff_can_give_their_email_address_instead_of_the_username(client, staff: User):
    assert submit_password(client, staff.email)["Location"] == SECOND_STEP

    submit_code(client, current_code(staff))

    assert is_signed_in(client, staff)


def test_the_right_password_alone_does_not_let_anyone_in(client, staff: User):
    submit_password(client, staff.username)

    response = client.get("/klienter/")

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_a_wrong_authenticator_code_is_refused_with_a_clear_error(client, staff: User):
    submit_password(client, staff.username)
    wrong = wrong_code(staff)

    response = submit_code(client, wrong)

    assert response.status_code == 200
    assert "Feil kode." in page_text(response)
    assert not is_signed_in(client, staff)


def test_an_authenticator_code_cannot_be_replayed_to_sign_in_again(staff: User):
    with time_machine.travel("2026-03-02 09:00:05 +01:00", tick=False):
        first, second = HttpClient(), HttpClient()
        sign_in(first, staff)
        submit_password(second, staff.username)

        response = submit_code(second, current_code(staff))

    assert "Feil kode." in page_text(response)
    assert not is_signed_in(second, staff)


def test_a_wrong_password_gets_the_same_answer_whether_or_not_the_account_exists(
    client, staff: User
):
    for_existing = submit_password(client, staff.username, "not-the-password")
    for_unknown = submit_password(client, "nobody-by-this-name", "not-the-password")

    assert for_existing.status_code == for_unknown.status_code == 200
    assert "feil" in page_text(for_existing)
    assert _alert(for_existing) == _alert(for_unknown)
    assert not is_signed_in(client, staff)


def test_a_recovery_code_signs_in_once_and_never_again(staff: User):
    code = RecoveryCodes.activate(staff).get_unused_codes()[0]
    first, second = HttpClient(), HttpClient()

    submit_password(first, staff.username)
    assert submit_code(first, code)["Location"] == "/"
    assert is_signed_in(first, staff)

    submit_password(second, staff.username)
    response = submit_code(second, code)
    assert "Feil kode." in page_text(response)
    assert not is_signed_in(second, staff)


def test_an_inactive_account_cannot_sign_in(client, db):
    user = UserFactory(is_active=False)

    response = submit_password(client, user.username)

    assert response.get("Location") != SECOND_STEP
    assert not is_signed_in(client, user)


def test_signing_out_ends_the_session(client, staff: User):
    sign_in(client, staff)

    response = client.post("/accounts/logout/")

    assert response["Location"] == LOGIN
    assert not is_signed_in(client, staff)


def _alert(response) -> str:
    """The error box a person reads, without the form around it."""
    text = page_text(response)
    start = text.index('role="alert"')
    return text[start : text.index("</div>", start)]
