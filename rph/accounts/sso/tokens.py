"""The ID token's checks: signature by one of the provider's keys, issuer, audience, expiry."""

import jwt
from allauth.socialaccount.providers.oauth2.client import OAuth2Error

ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "ES256"]  # never "none" or a shared secret
LEEWAY_SECONDS = 30


def verified_id_token(id_token: str, *, keys: dict, issuer: str, audience: str) -> dict:
    """The token's claims, or OAuth2Error (which allauth shows as a failed sign-in)."""
    try:
        key_set = jwt.PyJWKSet.from_dict(keys)
        kid = jwt.get_unverified_header(id_token).get("kid")
        candidates = [k for k in key_set.keys if kid is None or k.key_id == kid]
        if kid is None and len(candidates) != 1:
            raise OAuth2Error("ID token names no key and the provider has several")
        if not candidates:
            raise OAuth2Error("ID token signed with an unknown key")
        return jwt.decode(
            id_token,
            key=candidates[0],
            algorithms=ALGORITHMS,
            audience=audience,
            issuer=issuer,
            leeway=LEEWAY_SECONDS,
            options={"require": ["iss", "aud", "exp", "iat", "sub"]},
        )
    except (jwt.PyJWTError, ValueError, KeyError, TypeError) as exc:
        raise OAuth2Error(f"invalid ID token ({type(exc).__name__})") from exc
