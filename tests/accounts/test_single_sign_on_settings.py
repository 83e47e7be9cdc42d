"""Single sign-on is set up from the environment: empty values are unset ones, and a
configuration that cannot work stops the boot with a sentence saying what is missing."""

from tests.test_settings import PRODUCTION, _last_line, _run

PRINT = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.OIDC_ENABLED, s.LOCAL_LOGIN, s.OIDC_TOKEN_AUTH_METHOD, s.OIDC_MFA_AMR, "
    "s.OIDC_AUTO_CREATE, s.SOCIALACCOUNT_PROVIDERS['openid_connect']['APPS'] != [])"
)
EMPTY = {
    "RPH_OIDC_SERVER_URL": "",
    "RPH_OIDC_CLIENT_ID": "",
    "RPH_OIDC_TOKEN_AUTH_METHOD": "",
    "RPH_OIDC_MFA_AMR": "",
    "RPH_OIDC_AUTO_CREATE": "",
    "RPH_LOCAL_LOGIN": "",
}


def test_empty_variables_keep_the_defaults_no_sso_and_local_login() -> None:
    result = _run(["-c", PRINT], **{**PRODUCTION, **EMPTY})

    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[0] == "False True client_secret_basic ['mfa'] False False"


def test_a_private_key_chooses_private_key_jwt() -> None:
    env = {
        **PRODUCTION,
        **EMPTY,
        "RPH_OIDC_SERVER_URL": "https://helseid-sts.nhn.no",
        "RPH_OIDC_CLIENT_ID": "rph",
        "RPH_OIDC_PRIVATE_KEY": "-----BEGIN PRIVATE KEY-----\\nMII...\\n-----END PRIVATE KEY-----",
        "RPH_LOCAL_LOGIN": "false",
    }

    result = _run(["-c", PRINT], **env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[0] == "True False private_key_jwt ['mfa'] False True"


def test_local_login_cannot_be_switched_off_without_sso() -> None:
    result = _run(["manage.py", "check"], **{**PRODUCTION, **EMPTY, "RPH_LOCAL_LOGIN": "false"})

    assert result.returncode != 0
    assert _last_line(result.stderr).endswith(
        "RPH_LOCAL_LOGIN=false needs single sign-on (RPH_OIDC_SERVER_URL)."
    )


def test_a_client_secret_method_without_a_secret_stops_the_boot() -> None:
    env = {**PRODUCTION, **EMPTY}
    env.update(
        RPH_OIDC_SERVER_URL="https://login.microsoftonline.com/t/v2.0", RPH_OIDC_CLIENT_ID="x"
    )

    result = _run(["manage.py", "check"], **env)

    assert result.returncode != 0
    assert _last_line(result.stderr).endswith("client_secret_basic needs RPH_OIDC_CLIENT_SECRET.")


def test_sso_over_plain_http_stops_the_boot_in_production() -> None:
    env = {**PRODUCTION, **EMPTY}
    env.update(RPH_OIDC_SERVER_URL="http://idp.kommune.no", RPH_OIDC_CLIENT_ID="x")
    env["RPH_OIDC_CLIENT_SECRET"] = "s"

    result = _run(["manage.py", "check"], **env)

    assert result.returncode != 0
    assert _last_line(result.stderr).endswith("RPH_OIDC_SERVER_URL must be an https URL.")
