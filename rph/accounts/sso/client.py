"""Client authentication at the token endpoint with a signed JWT (RFC 7523, `private_key_jwt`).

HelseID and other health-sector providers accept no shared secret: the client proves who it
is with a short-lived assertion signed by its private key, whose public key the provider has.
"""

import secrets
import time

import jwt
from allauth.socialaccount.providers.oauth2.client import OAuth2Client

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
ASSERTION_SECONDS = 60


def client_assertion(*, client_id: str, audience: str, private_key: str, key_id: str) -> str:
    now = int(time.time())
    claims = {
        "iss": client_id,
        "sub": client_id,
        "aud": audience,
        "jti": secrets.token_urlsafe(24),
        "iat": now,
        "nbf": now,
        "exp": now + ASSERTION_SECONDS,
    }
    headers = {"kid": key_id} if key_id else None
    return jwt.encode(claims, private_key, algorithm="RS256", headers=headers)


class PrivateKeyJwtClient(OAuth2Client):
    """allauth's OAuth2 client, with a client assertion instead of the secret."""

    def __init__(self, *args: object, private_key: str, key_id: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.private_key, self.key_id = private_key, key_id

    def get_access_token(self, code, pkce_code_verifier=None, extra_data=None):  # type: ignore[no-untyped-def]
        assertion = client_assertion(
            client_id=self.consumer_key,
            audience=self.access_token_url,
            private_key=self.private_key,
            key_id=self.key_id,
        )
        data = {"client_assertion_type": ASSERTION_TYPE, "client_assertion": assertion}
        return super().get_access_token(code, pkce_code_verifier, {**(extra_data or {}), **data})
