"""The Django admin signs in through allauth, so it never skips the second factor."""

from django.test import Client as HttpClient

from rph.accounts.models import User
from rph.accounts.roles import Role
from tests.accounts.factories import PASSWORD, MembershipFactory, UserFactory
from tests.accounts.flows import LOGIN, SET_UP_AUTHENTICATOR, sign_in, submit_password


def test_an_anonymous_visit_to_the_admin_login_is_sent_to_the_staff_login(client, db):
    response = client.get("/admin/login/")

    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=%2Fadmin%2Flogin%2F"


def test_a_password_posted_to_the_admin_login_signs_nobody_in(client, db):
    admin = UserFactory(is_staff=True, is_superuser=True)

    response = client.post("/admin/login/", {"username": admin.username, "password": PASSWORD})

    assert response["Location"].startswith(LOGIN)
    assert client.get("/admin/")["Location"].startswith("/admin/login/")


def test_a_signed_in_user_who_is_not_staff_gets_403_from_the_admin_login(staff: User):
    http = HttpClient()
    sign_in(http, staff)

    response = http.get("/admin/login/")

    assert response.status_code == 403
    assert "Ingen tilgang" in response.content.decode()


def test_an_administrator_reaches_the_admin_after_both_steps(db):
    admin = MembershipFactory(role=Role.ADMIN, user=UserFactory(is_staff=True)).user
    http = HttpClient()
    sign_in(http, admin)

    assert http.get("/admin/").status_code == 200


def test_an_administrator_without_an_authenticator_must_set_one_up_before_the_admin(db):
    admin = MembershipFactory(role=Role.ADMIN, user=UserFactory(is_staff=True, totp=False)).user
    http = HttpClient()
    submit_password(http, admin.username)

    response = http.get("/admin/")

    assert response["Location"] == SET_UP_AUTHENTICATOR
