"""A real OpenID Connect provider for the sign-on tests, on a free loopback port.

oidc-provider-mock (authlib's provider code in a Flask app) serves discovery, the keys, the
authorization form, the token endpoint and end-session. Around it, as a municipality's
provider would be set up:

- RPH is a registered client that must authenticate with `private_key_jwt`: authlib's
  RFC 7523 client authentication, checking the assertion against RPH's public key;
- the authorization code is bound to its PKCE challenge: the token request must carry the
  matching verifier (S256), or the provider refuses it;
- `spoil` makes the next ID token wrong in one way (audience, expiry, signature) while
  everything else stays right, to see RPH refuse it.
"""

import base64
import hashlib
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

import flask
import jwt
import oidc_provider_mock
import oidc_provider_mock._app as mock_app
import werkzeug.serving
from authlib.oauth2.rfc7523 import JWTBearerClientAssertion
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from joserfc.jwk import RSAKey
from oidc_provider_mock._storage import Client  # the mock registers clients of three methods only

CLIENT_ID = "rph-test-client"


def new_private_key_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def public_pem(private_pem: str) -> str:
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


@dataclass
class Provider:
    url: str
    redirect_uri: str
    client_public_pem: str
    spoil: str = ""  # "audience", "expired", "signature": the next ID token is wrong so
    challenges: dict[str, tuple[str, str]] = field(default_factory=dict)
    token_requests: list[dict[str, str]] = field(default_factory=list)
    seen_jti: set[str] = field(default_factory=set)
    _configured: bool = False


class _RphAssertion(JWTBearerClientAssertion):
    CLIENT_AUTH_METHOD = "private_key_jwt"

    def __init__(self, provider: Provider) -> None:
        super().__init__()
        self.provider = provider

    def get_audiences(self) -> list[str]:
        return [self.provider.url + "/oauth2/token"]

    def validate_jti(self, claims, jti) -> bool:  # type: ignore[no-untyped-def]
        if jti in self.provider.seen_jti:
            return False
        self.provider.seen_jti.add(jti)
        return True

    def resolve_client_public_key(self, client):  # type: ignore[no-untyped-def]
        return RSAKey.import_key(self.provider.client_public_pem)


def _app(provider: Provider) -> flask.Flask:
    app = oidc_provider_mock.app(require_client_registration=True)
    # The code grant takes this client authentication only (authlib's default: the secret).
    mock_app.AuthorizationCodeGrant.TOKEN_ENDPOINT_AUTH_METHODS = ["private_key_jwt"]

    @app.before_request
    def configure_and_check() -> object:
        if not provider._configured:
            flask.g.oidc_provider_mock_storage.store_client(
                Client(
                    id=CLIENT_ID,
                    secret="",
                    redirect_uris=[provider.redirect_uri],
                    allowed_scopes=Client.SCOPES_SUPPORTED,
                    token_endpoint_auth_method="private_key_jwt",  # type: ignore[arg-type]
                )
            )
            flask.g._authlib_authorization_server.register_client_auth_method(
                _RphAssertion.CLIENT_AUTH_METHOD, _RphAssertion(provider)
            )
            provider._configured = True
        request = flask.request
        if request.path == "/oauth2/token" and request.method == "POST":
            form = request.form.to_dict()
            provider.token_requests.append(form)
            challenge = provider.challenges.pop(form.get("code", ""), None)
            verifier = form.get("code_verifier", "")
            if challenge is None or challenge != ("S256", s256(verifier)):
                return flask.jsonify(error="invalid_grant", error_description="PKCE"), 400
        return None

    @app.after_request
    def bind_and_spoil(response: flask.Response) -> flask.Response:
        request = flask.request
        if request.path == "/oauth2/authorize" and response.status_code == 302:
            code = parse_qs(urlsplit(response.location).query).get("code", [""])[0]
            method = request.args.get("code_challenge_method", "plain")
            provider.challenges[code] = (method, request.args.get("code_challenge", ""))
        if request.path == "/oauth2/token" and response.status_code == 200 and provider.spoil:
            body = response.get_json()
            body["id_token"] = _spoiled(body["id_token"], provider.spoil)
            provider.spoil = ""
            response.set_data(flask.json.dumps(body))
        return response

    return app


def _spoiled(id_token: str, how: str) -> str:
    key = flask.g.oidc_provider_mock_storage.jwk
    claims = jwt.decode(id_token, options={"verify_signature": False})
    header = jwt.get_unverified_header(id_token)
    signing_key = key.as_pem(is_private=True)
    if how == "audience":
        claims["aud"] = "some-other-client"
    elif how == "expired":
        claims["iat"] = claims["exp"] = int(time.time()) - 3600
    elif how == "signature":
        signing_key = new_private_key_pem()
    return jwt.encode(claims, signing_key, algorithm="RS256", headers={"kid": header.get("kid")})


@contextmanager
def running_provider(*, redirect_uri: str, client_public_pem: str) -> Iterator[Provider]:
    provider = Provider(url="", redirect_uri=redirect_uri, client_public_pem=client_public_pem)
    server = werkzeug.serving.make_server("127.0.0.1", 0, _app(provider), threaded=True)
    provider.url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()
