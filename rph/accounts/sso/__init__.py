"""Single sign-on with the municipality's identity provider (OpenID Connect).

allauth's `openid_connect` provider does the protocol (discovery, authorization code with
PKCE, state); this package adds what a municipality needs on top of it, see
docs/configuration.md#single-sign-on:

- the client authenticates to the token endpoint with `private_key_jwt` (HelseID) or a
  client secret (`client.py`);
- the ID token's signature is always checked against the provider's keys, also when it came
  straight from the token endpoint (allauth skips that by default);
- a staff user is found by the provider's stable subject (`sub`), never by name or e-mail,
  and is only created when the administrator allows it (`adapter.py`); roles stay in RPH;
- the provider's second factor counts when its `amr`/`acr` claims say so (`rules.py`),
  otherwise RPH's own TOTP is asked for as after a password;
- logging out of RPH ends the provider's session too (RP-initiated logout).
"""
