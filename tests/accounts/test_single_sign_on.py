"""Single sign-on against a real OpenID Connect provider on a loopback port (oidc_provider.py):
discovery, authorization code with PKCE, private_key_jwt, ID token checks, logout."""

import io
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.core.management import CommandError, call_command
from django.test import Client as HttpClient

from rph.accounts.models import User
from tests.accounts.factories import UserFactory
from tests.accounts.flows import (
    SECOND_STEP,
    SET_UP_AUTHENTICATOR,
    current_code,
    is_signed_in,
    page_text,
    submit_code,
    submit_password,
)
from tests.accounts.oidc_provider import (
    CLIENT_ID,
    Provider,
    new_private_key_pem,
    public_pem,
    running_provider,
)

SSO_START = "/accounts/oidc/idp/login/"
CALLBACK = "/accounts/oidc/idp/login/callback/"
SUBJECT = "4f6c1a2e-7d1b-4c55-9a1e-0b2a9f3e8c11"
RPH_KEY = new_private_key_pem()
SIGN_IN_FAILED = "Innloggingen via kommunens pålogging lyktes ikke"


@pytest.fixture
def provider(settings) -> Iterator[Provider]:
    with running_provider(
        redirect_uri=f"http://testserver{CALLBACK}", client_public_pem=public_pem(RPH_KEY)
    ) as running:
        app = {
            "provider_id": "idp",
            "name": "",
            "client_id": CLIENT_ID,
            "secret": "",
            "settings": {
                "server_url": running.url,
                "token_auth_method": "private_key_jwt",
                "oauth_pkce_enabled": True,
                "fetch_userinfo": False,
            },
        }
        providers = dict(settings.SOCIALACCOUNT_PROVIDERS)
        providers["openid_connect"] = {**providers["openid_connect"], "APPS": [app]}
        settings.SOCIALACCOUNT_PROVIDERS = providers
        settings.OIDC_ENABLED = True
        settings.OIDC_PRIVATE_KEY = RPH_KEY
        settings.OIDC_KEY_ID = "rph-1"
        yield running


def set_claims(provider: Provider, sub: str, **claims: object) -> None:
    answer = requests.put(f"{provider.url}/users/{sub}", json=claims, timeout=5)
    assert answer.status_code == 204


def sign_on(http: HttpClient, provider: Provider, sub: str = SUBJECT):
    """The browser's part: start at RPH, sign in at the provider, come back with the code."""
    start = http.post(SSO_START)
    assert start.status_code == 302
    authorize = start["Location"]
    assert authorize.startswith(provider.url + "/oauth2/authorize?")
    at_provider = requests.post(authorize, data={"sub": sub}, allow_redirects=False, timeout=5)
    assert at_provider.status_code == 302, at_provider.text
    back = urlsplit(at_provider.headers["Location"])
    assert back.path == CALLBACK
    return http.get(f"{back.path}?{back.query}")


def linked(user: User, sub: str = SUBJECT) -> User:
    SocialAccount.objects.create(user=user, provider="idp", uid=sub)
    return user


def test_discovery_code_flow_with_pkce_and_private_key_jwt_sign_in_a_linked_user(
    client, provider, staff
):
    linked(staff)
    set_claims(provider, SUBJECT, amr=["pwd", "mfa"], name="Someone Else")

    answer = sign_on(client, provider)

    assert answer["Location"] == "/"
    assert is_signed_in(client, staff)
    token_request = provider.token_requests[-1]
    assert "client_secret" not in token_request
    assert token_request["client_assertion_type"].endswith(":jwt-bearer")
    assert token_request["code_verifier"]


def test_the_authorization_request_carries_an_s256_challenge_and_state(client, provider, db):
    authorize = parse_qs(urlsplit(client.post(SSO_START)["Location"]).query)

    assert authorize["code_challenge_method"] == ["S256"]
    assert len(authorize["code_challenge"][0]) == 43
    assert authorize["state"][0]
    assert authorize["client_id"] == [CLIENT_ID]


def test_idp_second_factor_stands_in_for_totp_when_the_token_says_so(
    client, provider, staff_without_authenticator
):
    linked(staff_without_authenticator)
    set_claims(provider, SUBJECT, amr=["pwd", "mfa"])

    sign_on(client, provider)

    assert client.get("/").status_code == 200  # no detour to set up an authenticator app


def test_without_a_second_factor_at_the_idp_our_totp_is_asked_for(client, provider, staff):
    linked(staff)
    set_claims(provider, SUBJECT, amr=["pwd"])

    answer = sign_on(client, provider)

    assert answer["Location"] == SECOND_STEP
    assert not is_signed_in(client, staff)
    assert submit_code(client, current_code(staff))["Location"] == "/"
    assert is_signed_in(client, staff)


def test_without_a_second_factor_a_user_without_totp_must_set_one_up(
    client, provider, staff_without_authenticator
):
    linked(staff_without_authenticator)
    set_claims(provider, SUBJECT, amr=["pwd"])

    sign_on(client, provider)

    assert client.get("/")["Location"] == SET_UP_AUTHENTICATOR


def test_an_acr_level_counts_when_configured(client, provider, settings, staff):
    settings.OIDC_MFA_ACR = ["idporten-loa-high"]
    linked(staff)
    set_claims(provider, SUBJECT, acr="idporten-loa-high")

    assert sign_on(client, provider)["Location"] == "/"


def test_an_unlinked_subject_is_refused_even_with_a_staff_users_email_and_name(
    client, provider, staff
):
    set_claims(provider, "someone-new", email=staff.email, preferred_username=staff.username)

    answer = sign_on(client, provider, sub="someone-new")

    assert answer.status_code == 200
    assert "opprettes av en administrator" in page_text(answer)
    assert not is_signed_in(client, staff)
    assert not SocialAccount.objects.filter(uid="someone-new").exists()
    assert User.objects.count() == 1


def test_auto_create_makes_a_user_without_a_team_whatever_roles_the_token_claims(
    client, provider, settings, db
):
    settings.OIDC_AUTO_CREATE = True
    set_claims(provider, SUBJECT, amr=["mfa"], name="Kari Nordmann", roles=["team_lead"])

    sign_on(client, provider)

    account = SocialAccount.objects.get(provider="idp", uid=SUBJECT)
    assert account.user.username.startswith("sso-")
    assert not account.user.memberships.exists()
    assert not account.user.is_staff and not account.user.is_superuser


@pytest.mark.parametrize("spoil", ["audience", "expired", "signature"])
def test_an_id_token_with_a_wrong_audience_expiry_or_signature_is_refused(
    client, provider, staff, spoil
):
    linked(staff)
    set_claims(provider, SUBJECT, amr=["mfa"])
    provider.spoil = spoil

    answer = sign_on(client, provider)

    assert answer.status_code == 401
    assert SIGN_IN_FAILED in page_text(answer)
    assert not is_signed_in(client, staff)


def test_the_provider_refuses_rph_when_it_signs_with_another_key(client, provider, settings, staff):
    settings.OIDC_PRIVATE_KEY = new_private_key_pem()
    linked(staff)

    answer = sign_on(client, provider)

    assert answer.status_code == 401
    assert SIGN_IN_FAILED in page_text(answer)
    assert not is_signed_in(client, staff)


def test_logout_ends_the_session_here_and_at_the_provider(client, provider, staff):
    linked(staff)
    set_claims(provider, SUBJECT, amr=["mfa"])
    sign_on(client, provider)

    answer = client.post("/accounts/logout/")

    end_session = urlsplit(answer["Location"])
    assert f"{end_session.scheme}://{end_session.netloc}" == provider.url
    query = parse_qs(end_session.query)
    assert query["post_logout_redirect_uri"] == ["http://testserver/accounts/login/"]
    assert query["id_token_hint"][0].count(".") == 2
    assert not is_signed_in(client, staff)
    assert requests.get(answer["Location"], timeout=5).status_code == 200


def test_with_local_login_switched_off_a_right_password_does_not_sign_in(
    client, provider, settings, staff
):
    settings.LOCAL_LOGIN = False

    answer = submit_password(client, staff.username)

    assert answer.status_code == 200
    assert "brukernavn og passord er slått av" in page_text(answer)
    assert 'data-testid="sso-login"' in page_text(answer)
    assert not is_signed_in(client, staff)


def test_a_later_password_login_keeps_nothing_of_an_idp_second_factor(
    provider, staff_without_authenticator
):
    http = HttpClient()
    linked(staff_without_authenticator)
    set_claims(provider, SUBJECT, amr=["mfa"])
    sign_on(http, provider)
    http.post("/accounts/logout/")

    submit_password(http, staff_without_authenticator.username)

    assert http.get("/")["Location"] == SET_UP_AUTHENTICATOR


def test_login_page_without_sso_configured_shows_only_the_password_form(client, db):
    page = page_text(client.get("/accounts/login/"))

    assert 'data-testid="sso-login"' not in page
    assert 'name="password"' in page


def test_sso_link_links_by_subject_and_refuses_a_subject_linked_to_someone_else(db):
    first, second = UserFactory(), UserFactory()
    call_command("sso_link", first.username, SUBJECT, stdout=io.StringIO())

    with pytest.raises(CommandError, match="linked to another user"):
        call_command("sso_link", second.username, SUBJECT, stdout=io.StringIO())

    assert SocialAccount.objects.get(uid=SUBJECT).user == first
