"""Whether the identity provider's sign-in counts as a second factor: pure, no Django."""

from collections.abc import Collection, Mapping


def idp_second_factor(
    claims: Mapping[str, object], *, amr_values: Collection[str], acr_values: Collection[str]
) -> bool:
    """True when the ID token says the person used a second factor at the provider.

    `amr` (RFC 8176) is a list of methods, e.g. ["pwd", "mfa"]; `acr` one string, e.g.
    HelseID's "idporten-loa-high". Either matching a configured value is enough.
    """
    amr = claims.get("amr")
    if isinstance(amr, str):
        amr = [amr]
    if isinstance(amr, list) and any(isinstance(v, str) and v in amr_values for v in amr):
        return True
    acr = claims.get("acr")
    return isinstance(acr, str) and acr in acr_values
