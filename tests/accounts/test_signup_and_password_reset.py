from django.core import mail

from rph.accounts.models import User
from tests.accounts.flows import LOGIN, page_text


def test_the_login_page_does_not_offer_to_sign_up(client, db):
    page = page_text(client.get(LOGIN))

    assert "/accounts/signup/" not in page
    assert "registrere" not in page.lower()


def test_signup_is_closed_and_shows_no_form(client, db):
    response = client.get("/accounts/signup/")

    page = page_text(response)
    assert "Registrering stengt" in page
    assert "opprettes av en administrator" in page
    assert 'name="password1"' not in page


def test_posting_a_signup_creates_no_account(client, db):
    client.post(
        "/accounts/signup/",
        {
            "username": "inntrenger",
            "email": "inntrenger@rph.example",
            "password1": "a-long-enough-password-2026",
            "password2": "a-long-enough-password-2026",
        },
    )

    assert not User.objects.filter(username="inntrenger").exists()


def test_password_reset_answers_the_same_whether_or_not_the_address_has_an_account(
    client, staff: User
):
    known = client.post("/accounts/password/reset/", {"email": staff.email})
    unknown = client.post("/accounts/password/reset/", {"email": "ukjent@rph.example"})

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert [m.to for m in mail.outbox] == [[staff.email]]
    assert "/accounts/password/reset/key/" in mail.outbox[0].body
